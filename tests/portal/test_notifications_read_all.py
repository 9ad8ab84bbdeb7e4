"""'Mark all read' goes through the core service: only the user's own unread notifications."""

from django.urls import reverse

from ebakul.core.models import Notification
from ebakul.core.services import notifications_mark_all_read


def _notes(user, n):
    return [Notification.objects.create(user=user, title=f"Catatan {i}") for i in range(n)]


def test_the_service_marks_only_the_users_own_unread(employee_user, merchant_user):
    _notes(employee_user, 3)
    _notes(merchant_user, 2)
    assert notifications_mark_all_read(user=employee_user) == 3
    assert not Notification.objects.filter(user=employee_user, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=merchant_user, read_at__isnull=True).count() == 2
    assert notifications_mark_all_read(user=employee_user) == 0


def test_the_page_marks_all_read(employee_client, employee_user, merchant_user):
    _notes(employee_user, 4)
    _notes(merchant_user, 1)
    response = employee_client.post(reverse("portal:notifications_read_all"))
    assert response["Location"] == reverse("portal:notifications")
    assert not Notification.objects.filter(user=employee_user, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=merchant_user, read_at__isnull=True).count() == 1
