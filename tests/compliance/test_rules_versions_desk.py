"""Rules as versions in the desk: a used rule is shown read-only (no "Simpan") with a link to a
new version; a new version is saved only after its impact was shown and confirmed; the rate is
typed as a percentage."""

import re

import pytest
from django.urls import reverse

from ebakul.compliance.models import SpendingRule
from ebakul.core.periods import next_period, period_first_day
from tests import clock

from . import remedy_world as w

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def computed(ref, admin_user):
    p = w.period()
    w.employee()  # no purchases: short Rp500.000
    clock.compute_period(period=p, actor=admin_user)
    return p


def seeded():
    return SpendingRule.objects.order_by("effective_from").first()


def form_data(effective_from, **extra):
    data = {
        "effective_from": effective_from.isoformat(),
        "name": "",
        "note": "",
        "rate_percent": "7,5",
        "floor_amount": "300000",
        "rounding_mode": "up",
        "rounding_unit": "1",
        "sanction_mode": "shortfall",
        "proportional_cap_bp": "10000",
        "submission_close_day": "3",
        "verification_close_day": "7",
        "appeal_close_day": "12",
        "close_time": "23:59",
        "class_amounts-TOTAL_FORMS": "0",
        "class_amounts-INITIAL_FORMS": "0",
        "class_amounts-MIN_NUM_FORMS": "0",
        "class_amounts-MAX_NUM_FORMS": "1000",
        "_save": "",
    }
    data.update(extra)
    return data


def test_a_used_rule_is_read_only_in_the_desk(desk, computed):
    rule = seeded()
    url = reverse("admin:compliance_spendingrule_change", args=[rule.pk])
    page = desk.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="_save"' not in html
    assert "Buat versi baru" in html
    assert f"?copy={rule.pk}" in html
    before = SpendingRule.objects.filter(pk=rule.pk).values().get()
    response = desk.post(url, form_data(rule.effective_from, rate_percent="5"))
    assert response.status_code == 403
    assert SpendingRule.objects.filter(pk=rule.pk).values().get() == before


def test_a_new_version_is_saved_after_its_impact_was_shown_and_confirmed(desk, computed):
    start = period_first_day(next_period(computed))
    from ebakul.compliance.models import SpendingRuleClassAmount
    from ebakul.employees.models import EmployeeClass

    klass = EmployeeClass.objects.get(number=14)
    SpendingRuleClassAmount.objects.create(
        rule=seeded(), employee_class=klass, fixed_amount=1_000_001
    )
    url = reverse("admin:compliance_spendingrule_add")
    form_page = desk.get(url + f"?copy={seeded().pk}")
    assert form_page.status_code == 200
    assert form_page.context["adminform"].form.initial["effective_from"] == start
    assert form_page.context["adminform"].form.initial["rate_percent"] == "10"
    # the fixed amounts per class are copied into the new version's inline
    assert 'value="1000001"' in form_page.content.decode()
    count = SpendingRule.objects.count()

    first = desk.post(url, form_data(start))
    assert first.status_code == 200  # shown again with the preview, nothing saved
    html = first.content.decode()
    assert "pegawai kurang" in html and "dibanding aturan yang berlaku" in html
    assert SpendingRule.objects.count() == count
    token = re.search(r'name="preview_token" value="([0-9a-f]+)"', html).group(1)

    # confirming a preview of other numbers does not count
    changed = desk.post(
        url, form_data(start, rate_percent="8", confirm_impact="on", preview_token=token)
    )
    assert changed.status_code == 200
    assert SpendingRule.objects.count() == count

    saved = desk.post(url, form_data(start, confirm_impact="on", preview_token=token))
    assert saved.status_code == 302, saved.content.decode()[:2000]
    rule = SpendingRule.objects.get(effective_from=start)
    assert rule.rate_bp == 750
    assert rule.name.startswith("7,5% dari pagu TPP, minimal Rp300.000, sejak 1 ")


def test_a_backdated_version_is_refused_in_the_form(desk, computed):
    url = reverse("admin:compliance_spendingrule_add")
    count = SpendingRule.objects.count()
    response = desk.post(url, form_data(period_first_day(computed)))
    assert response.status_code == 200
    assert "tidak boleh berlaku sebelum" in response.content.decode()
    assert SpendingRule.objects.count() == count


def test_a_bad_percentage_is_refused_in_the_form(desk, computed):
    start = period_first_day(next_period(computed))
    response = desk.post(
        reverse("admin:compliance_spendingrule_add"), form_data(start, rate_percent="7,555")
    )
    assert response.status_code == 200
    assert "persen" in response.content.decode()
    assert not SpendingRule.objects.filter(effective_from=start).exists()
