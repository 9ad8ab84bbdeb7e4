"""The desk sidebar puts the daily work first and shows each role only what it may open."""

from django.urls import reverse


def _sidebar_links(client) -> str:
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response.content.decode()


def test_admin_sees_daily_work_and_reports(client, admin_user):
    client.force_login(admin_user)
    html = _sidebar_links(client)
    assert "Pekerjaan harian" in html
    assert reverse("admin:workflow_mytask_changelist") in html
    assert reverse("reports:report", kwargs={"slug": "deduction-register"}) in html
    assert reverse("admin:compliance_tppdeduction_changelist") in html


def test_operator_does_not_get_the_verifier_inbox_link(client, operator_user):
    client.force_login(operator_user)
    html = _sidebar_links(client)
    assert reverse("admin:purchases_purchase_changelist") in html
    assert 'href="' + reverse("admin:compliance_tppdeduction_changelist") + '"' not in html


def test_inbox_link_only_for_verifiers_and_admins(rf, operator_user, verifier, admin_user):
    from ebakul.navigation import _can_work_queues

    def allowed(user):
        request = rf.get("/desk/")
        request.user = user
        return _can_work_queues(request)

    assert allowed(verifier) and allowed(admin_user)
    assert not allowed(operator_user)
