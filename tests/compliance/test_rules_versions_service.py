"""Rules as versions (issue 11, item 3; ADR 0105): a rule used by a computed or locked period is
read-only, a change is a new version never earlier than the first open period, the impact is
previewed with the close's own engine, the rate is a percentage, names are Indonesian."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from ebakul.compliance import rules
from ebakul.compliance.models import MonthlyCompliance, Period, SpendingRule
from ebakul.core.errors import DomainError, PermissionDeniedError
from ebakul.core.periods import next_period, period_first_day
from tests import clock

from . import remedy_world as w

pytestmark = pytest.mark.django_db

MONTHS_ID = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]


def id_date(day: dt.date) -> str:
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"


def rule_row(rule) -> dict:
    return SpendingRule.objects.filter(pk=rule.pk).values().get()


@pytest.fixture
def seeded(ref):
    return SpendingRule.objects.get(effective_from=dt.date(2025, 1, 1))


@pytest.fixture
def computed(seeded, admin_user):
    """The current month computed with the seeded rule (one employee short)."""
    p = w.period()
    w.employee()
    clock.compute_period(period=p, actor=admin_user)
    return p


def test_editing_a_rule_used_by_a_computed_period_is_refused_and_nothing_changes(
    seeded, computed, admin_user
):
    before = rule_row(seeded)
    history = seeded.history.count()
    with pytest.raises(DomainError) as exc:
        rules.rule_update(rule=seeded, actor=admin_user, rate_percent="7,5", floor_amount=1)
    assert exc.value.code == "rule_in_use"
    first = period_first_day(next_period(computed))
    assert id_date(first) in str(exc.value.message)  # says from when a new version may start
    assert rule_row(seeded) == before
    assert seeded.history.count() == history
    assert rules.periods_using(seeded) == [computed]


def test_a_rule_used_only_by_results_of_one_employee_is_also_read_only(seeded, admin_user):
    p = w.period()
    emp = w.employee()
    clock.compute_period(period=p, employee_ids=[emp.pk])  # a recompute of one employee
    assert MonthlyCompliance.objects.filter(rule=seeded).exists()
    with pytest.raises(DomainError):
        rules.rule_update(rule=seeded, actor=admin_user, floor_amount=1)
    assert SpendingRule.objects.get(pk=seeded.pk).floor_amount == 300_000


def test_a_rule_nobody_used_may_still_be_edited_and_its_generated_name_follows(
    seeded, computed, admin_user
):
    start = period_first_day(next_period(computed))
    rule = rules.rule_create(actor=admin_user, effective_from=start, rate_percent="10")
    rule = rules.rule_update(rule=rule, actor=admin_user, rate_percent="12,5")
    assert rule.rate_bp == 1250
    assert rule.name == f"12,5% dari pagu TPP, minimal Rp300.000, sejak {id_date(start)}"
    typed = rules.rule_update(rule=rule, actor=admin_user, name="Aturan khusus 2027")
    assert rules.rule_update(rule=typed, actor=admin_user, floor_amount=250_000).name == (
        "Aturan khusus 2027"
    )


def test_backdating_a_new_version_before_the_first_open_period_is_refused(
    seeded, computed, admin_user
):
    first_open = period_first_day(next_period(computed))
    count = SpendingRule.objects.count()
    for day in (period_first_day(computed), first_open - dt.timedelta(days=1)):
        with pytest.raises(DomainError) as exc:
            rules.rule_create(actor=admin_user, effective_from=day, rate_percent="7,5")
        assert exc.value.code == "rule_backdated"
        assert exc.value.field == "effective_from"
        assert id_date(first_open) in str(exc.value.message)
    assert SpendingRule.objects.count() == count
    # the rule in force for the computed month is still the seeded one
    assert Period.objects.get(period=computed).rule == seeded

    rule = rules.rule_create(actor=admin_user, effective_from=first_open, rate_percent="7,5")
    assert rule.rate_bp == 750
    with pytest.raises(DomainError) as exc:  # same date twice
        rules.rule_create(actor=admin_user, effective_from=first_open, rate_percent="8")
    assert exc.value.code == "rule_date_taken"


def test_only_an_administrator_creates_rules(seeded, verifier):
    with pytest.raises(PermissionDeniedError):
        rules.rule_create(actor=verifier, effective_from=dt.date(2099, 1, 1), rate_percent="5")
    assert not SpendingRule.objects.filter(effective_from=dt.date(2099, 1, 1)).exists()


def test_preview_equals_what_a_compute_with_the_new_rule_gives(seeded, admin_user):
    p = w.period()
    shop = w.merchant()
    spends = (600_000, 450_000, 200_000, 0)
    for amount in spends:
        e = w.employee()
        if amount:
            w.buy(e, amount, shop=shop)
    counts = (
        Period.objects.count(),
        MonthlyCompliance.objects.count(),
        SpendingRule.objects.count(),
    )
    start = period_first_day(p)

    preview = rules.impact_preview(
        effective_from=start, rate_bp=800, floor_amount=300_000, rounding_mode="up", rounding_unit=1
    )

    # hand-computed: 8% of Rp5.000.000 = Rp400.000 required; the rule in force: Rp500.000
    assert preview["new"] == {"shortfall": 2, "total": 200_000 + 400_000, "employees": 4}
    assert preview["current"] == {
        "shortfall": 3,
        "total": 50_000 + 300_000 + 500_000,
        "employees": 4,
    }
    assert "2 pegawai kurang" in preview["text"] and "Rp600.000" in preview["text"]
    assert "Rp850.000" in preview["text"]
    # nothing was written: no rule, no period row, no result
    assert (
        Period.objects.count(),
        MonthlyCompliance.objects.count(),
        SpendingRule.objects.count(),
    ) == counts

    rules.rule_create(actor=admin_user, effective_from=start, rate_percent="8")
    stats = clock.compute_period(period=p, actor=admin_user)
    assert (stats["shortfall"], stats["deduction_total"]) == (
        preview["new"]["shortfall"],
        preview["new"]["total"],
    )


def test_preview_counts_fixed_amounts_per_class(seeded):
    from ebakul.employees.models import EmployeeClass

    p = w.period()
    e = w.employee()
    w.buy(e, 350_000)
    klass = EmployeeClass.objects.get(number=7)
    preview = rules.impact_preview(
        effective_from=period_first_day(p),
        rate_bp=1000,
        floor_amount=300_000,
        class_amounts={klass.pk: 400_000},
    )
    assert preview["new"]["total"] == 50_000  # Rp400.000 fixed − Rp350.000 verified
    assert preview["current"]["total"] == 150_000


@pytest.mark.parametrize(
    ("typed", "bp"),
    [("10", 1000), ("7,5", 750), ("7.5", 750), ("12,25", 1225), ("100", 10000), ("0,01", 1)],
)
def test_rate_is_entered_as_a_percentage(typed, bp):
    assert rules.percent_to_bp(typed) == bp
    assert rules.percent_to_bp(rules.bp_to_percent(bp)) == bp


@pytest.mark.parametrize("typed", ["0", "100,5", "7,555", "abc", "", "1.000", "-5"])
def test_a_bad_percentage_is_refused_in_indonesian(typed):
    from django.utils import translation

    with translation.override("id"), pytest.raises(ValidationError) as exc:
        rules.percent_to_bp(typed)
    assert "persen" in " ".join(exc.value.messages).lower()


def test_the_service_stores_the_percentage_as_basis_points(seeded, admin_user):
    rule = rules.rule_create(
        actor=admin_user, effective_from=dt.date(2099, 12, 1), rate_percent="7,5"
    )
    assert SpendingRule.objects.get(pk=rule.pk).rate_bp == 750
    with pytest.raises(ValidationError):
        rules.rule_create(actor=admin_user, effective_from=dt.date(2099, 11, 1), rate_percent="0")
    assert not SpendingRule.objects.filter(effective_from=dt.date(2099, 11, 1)).exists()


def test_names_are_generated_in_indonesian_unless_typed(seeded, admin_user):
    rule = rules.rule_create(
        actor=admin_user, effective_from=dt.date(2099, 12, 1), rate_percent="10"
    )
    assert rule.name == "10% dari pagu TPP, minimal Rp300.000, sejak 1 Desember 2099"
    assert str(rule) == rule.name
    typed = rules.rule_create(
        actor=admin_user,
        effective_from=dt.date(2099, 6, 1),
        rate_percent="7,5",
        floor_amount=250_000,
        name="Aturan uji",
    )
    assert typed.name == "Aturan uji"
    assert rules.generated_name(typed) == (
        "7,5% dari pagu TPP, minimal Rp250.000, sejak 1 Juni 2099"
    )


def test_the_seeded_rule_is_named_in_indonesian(seeded):
    assert seeded.name == "10% dari pagu TPP, minimal Rp300.000, sejak 1 Januari 2025"


def test_the_data_migration_renames_the_english_seed_name(seeded):
    migration = importlib.import_module(
        "ebakul.compliance.migrations.0003_rule_names_in_indonesian"
    )
    SpendingRule.objects.filter(pk=seeded.pk).update(name=migration.SEED_NAME)
    migration.forwards(apps, None)
    assert SpendingRule.objects.get(pk=seeded.pk).name == rules.generated_name(seeded)
    migration.backwards(apps, None)
    assert SpendingRule.objects.get(pk=seeded.pk).name == migration.SEED_NAME
