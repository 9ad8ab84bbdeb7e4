"""The desk's outgoing messages: administrators see failures and resend; others are refused and
a refused resend changes nothing."""

import pytest
from django.urls import reverse

from ebakul.notifications.models import OutboxMessage, OutboxState
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "admin:notifications_outboxmessage_changelist"


def _failed():
    user = UserFactory()
    return OutboxMessage.objects.create(
        user=user,
        channel="email",
        recipient=user.email,
        subject="Gagal terkirim",
        state=OutboxState.FAILED,
        attempts=6,
        last_error="SMTPRecipientsRefused: 550 Mailbox unavailable",
    )


def test_admin_sees_failures_with_the_error_and_resends(
    client, admin_user, smtp, django_capture_on_commit_callbacks
):
    row = _failed()
    client.force_login(admin_user)
    page = client.get(reverse(URL), {"state__exact": "failed"})
    assert page.status_code == 200
    assert "550 Mailbox unavailable" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(URL), {"action": "resend_action", "_selected_action": [row.pk]}
        )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.state == OutboxState.SENT
    assert [e.rcpt_tos for e in smtp.received] == [[row.recipient]]


@pytest.mark.parametrize("who", ["verifier", "operator_user"])
def test_other_desk_roles_neither_see_nor_resend(client, request, who, smtp):
    row = _failed()
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(URL)).status_code == 403
    response = client.post(reverse(URL), {"action": "resend_action", "_selected_action": [row.pk]})
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.state == OutboxState.FAILED and smtp.received == []
