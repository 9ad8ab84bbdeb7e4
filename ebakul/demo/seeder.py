"""The demo data set: fabricated, reproducible history for the whole system.

``manage.py seed_demo`` calls :func:`seed_all` (builders in ``people``/``purchases``,
word lists in ``names``). The base data set is employees (with user
accounts, username = NIP), merchants (with user accounts), a login for every role, and some
months of purchases with generated receipt images. Rows are written with ``bulk_create`` in
batches and statuses are set directly: demo data is fabricated history, not workflow runs
(docs/adr/0005-demo-data-fabricated-directly.md). The same options, on the same day, give the
same data (NIPs, names, amounts, statuses); only times within the current day may differ.

Demo rows are recognised by: users whose e-mail ends with ``@demo.ebakul.invalid``; employees
linked to those users; merchants whose NIB starts with ``9129``; purchases of demo employees.
See :func:`demo_users`, :func:`demo_employees`, :func:`demo_merchants`, :func:`demo_purchases`.

Extension hook (for the other apps)
-----------------------------------
After the base data, for every installed ``ebakul.<app>`` (INSTALLED_APPS order, core and demo excluded)
whose module ``ebakul/<app>/demo.py`` exists, ``seed(ctx)`` is called with a
:class:`DemoContext`:

``ctx.rng``        ``random.Random`` seeded with ``f"{seed}:{app_label}"``, fresh for each app,
                   so one app's draws never shift another's. Use only this for randomness.
``ctx.seed``       the ``--seed`` value (int).
``ctx.now``        the aware datetime the data set is built "as of"; nothing may be later.
``ctx.today_start`` 00:00 WIB of ``ctx.now``'s day: anchor fabricated times to it rather than
                   to ``now`` so the data stays the same all day (clamp to ``now`` at the end).
``ctx.periods``    the demo periods ``"YYYY-MM"``, oldest first; the last is the current period
                   (Asia/Jakarta).
``ctx.employees``  saved ``Employee`` rows, ``employee_class``/``work_unit``/``user`` loaded.
``ctx.merchants``  saved ``UmkmMerchant`` rows, every status (``.status`` as stored).
``ctx.users``      ``{role name: [users]}`` keyed by ``ebakul.accounts.roles`` constants;
                   element 0 is the login printed for that role.
``ctx.purchases()`` QuerySet of the demo purchases (up to ~150k rows: use set-based queries).
``ctx.password``   the demo password shared by every demo account (demo only!).
``ctx.log(msg)``   write a line to the command's output.

A hook runs inside the seeding transaction. It must bulk-insert, set statuses directly (no
workflow runs, no e-mail, no ``notify``), use ``ctx.rng``/``ctx.now`` only, and never fail on
data made by the base seeder. Optional functions in the same module:

``reset(rows, log)`` called by ``seed_demo --reset`` (apps in reverse order) before the base demo
                   rows are deleted: delete your rows that point at demo rows with a PROTECT
                   foreign key (CASCADE ones go by themselves). ``rows`` is a
                   :class:`DemoRows` (``rows.users()``, ``.employees()``, ``.merchants()``,
                   ``.purchases()``): a hook never imports this app.
``logins()``       extra ``ebakul.core.demo_contract.DemoLogin`` rows (e.g. an API client) printed with the others
                   after seeding and by ``seed_demo --logins``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.test.utils import override_settings
from django.utils import timezone

from ebakul.accounts import roles
from ebakul.accounts.models import User
from ebakul.core.demo_contract import DemoLogin
from ebakul.core.models import DocumentSequence
from ebakul.core.periods import WIB, period_of, previous_period
from ebakul.core.reference import run_all as load_reference
from ebakul.demo import names
from ebakul.employees.models import Employee, UnitOperator
from ebakul.merchants.models import MerchantStatus, UmkmMerchant
from ebakul.purchases.models import Purchase

DEMO_EMAIL_DOMAIN = "demo.ebakul.invalid"
DEMO_NIB_PREFIX = "9129"
DEMO_PASSWORD = "ebakul-demo"  # printed on screen; demo data only, never a real deployment
DEFAULT_SEED = 2025
BATCH = 1000
SUPERUSER, DESK_ADMIN, VERIFIER, OPERATOR = "admin", "admin.ebakul", "verifikator", "operator"
OPERATOR_UNIT = "DINKES"
# The programme's default minimum (the real one is configuration in the compliance app); used
# here only to spread employees around their minimum.
FLOOR, RATE = 300_000, 0.10


@dataclass
class DemoContext:
    rng: random.Random
    seed: int
    now: dt.datetime
    periods: list[str]
    employees: list[Employee] = field(default_factory=list)
    merchants: list[UmkmMerchant] = field(default_factory=list)
    users: dict[str, list[User]] = field(default_factory=dict)
    password: str = DEMO_PASSWORD
    log: Callable[[str], None] = print

    @property
    def today_start(self) -> dt.datetime:
        return dt.datetime.combine(self.now.astimezone(WIB).date(), dt.time.min, tzinfo=WIB)

    def purchases(self) -> QuerySet[Purchase]:
        return demo_purchases()


# --- Recognising demo rows ------------------------------------------------------------------
def demo_users() -> QuerySet[User]:
    return User.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}")


def demo_employees() -> QuerySet[Employee]:
    return Employee.objects.filter(user__email__endswith=f"@{DEMO_EMAIL_DOMAIN}")


def demo_merchants() -> QuerySet[UmkmMerchant]:
    return UmkmMerchant.objects.filter(nib__startswith=DEMO_NIB_PREFIX)


def demo_purchases() -> QuerySet[Purchase]:
    return Purchase.objects.filter(employee__user__email__endswith=f"@{DEMO_EMAIL_DOMAIN}")


class DemoRows:
    """Handed to every hook's ``reset(rows, log)``: the demo rows of the base data set, so a hook
    never imports this app (docs/adr/0122)."""

    users = staticmethod(demo_users)
    employees = staticmethod(demo_employees)
    merchants = staticmethod(demo_merchants)
    purchases = staticmethod(demo_purchases)


def demo_exists() -> bool:
    return demo_employees().exists()


# --- Only on a demo database (docs/adr/0092-demo-database-mark.md) ---------------------------
MSG_NOT_A_DEMO_DATABASE = (
    "This database is not marked as a demo database. seed_demo creates accounts that share a "
    "password printed on screen, so it only writes to a database made for the demo: `make demo` "
    "(scripts/demo.sh) makes one; for another new, empty database run "
    "`manage.py mark_demo_database` first. Never mark a production database."
)


class NotADemoDatabase(Exception):
    pass


def is_demo_database() -> bool:
    from ebakul.core.models import DemoDatabase

    return DemoDatabase.objects.exists()


def require_demo_database() -> None:
    if not is_demo_database():
        raise NotADemoDatabase(MSG_NOT_A_DEMO_DATABASE)


def mark_demo_database(note: str = "") -> bool:
    """Mark this database as a demo one. Refused with the production settings, and when it holds
    employees, merchants or purchases that are not demo rows. Returns False if already marked."""
    from ebakul.core.models import DemoDatabase

    if getattr(settings, "EBAKUL_PRODUCTION", False):
        raise NotADemoDatabase("Refused: these are the production settings.")
    if is_demo_database():
        return False
    foreign = (
        Employee.objects.exclude(pk__in=demo_employees().values("pk")).exists()
        or UmkmMerchant.objects.exclude(pk__in=demo_merchants().values("pk")).exists()
        or Purchase.objects.exclude(pk__in=demo_purchases().values("pk")).exists()
    )
    if foreign:
        raise NotADemoDatabase(
            "Refused: this database holds employees, merchants or purchases that are not demo "
            "data; it is not a demo database."
        )
    DemoDatabase.objects.create(note=note[:200])
    return True


# --- Small helpers --------------------------------------------------------------------------
def _demo_modules() -> Iterator[tuple[str, object]]:
    for config in apps.get_app_configs():
        if not config.name.startswith("ebakul.") or config.name in ("ebakul.core", "ebakul.demo"):
            continue
        try:
            module = import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
            continue
        yield config.label, module


@contextmanager
def _fabricated_timestamps(*models):
    """Let the seeder write created_at/updated_at itself (they are history, not "now")."""
    fields = [m._meta.get_field(n) for m in models for n in ("created_at", "updated_at")]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def reserve_numbers(prefix: str, count: int) -> int:
    """Take ``count`` numbers of a document series at once; returns the first."""
    seq, _created = DocumentSequence.objects.select_for_update().get_or_create(prefix=prefix)
    first = seq.last_value + 1
    seq.last_value += count
    seq.save(update_fields=["last_value"])
    return first


def weighted(rng: random.Random, items: list, cum: list[float]):
    return items[bisect.bisect_right(cum, rng.random() * cum[-1])]


def with_history(model, objs: list, user_attr: str | None = None) -> None:
    """History rows dated when the fabricated row was created (bulk_create sends no signals)."""
    for obj in objs:
        obj._history_date = obj.created_at
        if user_attr:
            obj._history_user = getattr(obj, user_attr)
    model.history.bulk_history_create(objs, batch_size=BATCH)


def between(rng: random.Random, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    return start + (end - start) * rng.random()


def person(rng: random.Random) -> tuple[str, int]:
    gender = 1 if rng.random() < 0.55 else 2
    first = rng.choice(names.MALE_FIRST if gender == 1 else names.FEMALE_FIRST)
    return f"{first} {rng.choice(names.LAST)}", gender


# --- The seeder -----------------------------------------------------------------------------
def seed_all(
    *,
    employees: int = 500,
    merchants: int = 150,
    months: int = 3,
    seed: int = DEFAULT_SEED,
    log: Callable[[str], None] = print,
    now: dt.datetime | None = None,
) -> DemoContext:
    """Build the whole demo data set in one transaction and return its context. Only on a
    database marked as a demo one."""
    require_demo_database()
    from ebakul.demo import people as build_people
    from ebakul.demo import purchases as build_purchases

    load_reference(log=lambda _msg: None)
    now = now or timezone.now()
    periods = [period_of(now)]
    for _ in range(max(1, months) - 1):
        periods.insert(0, previous_period(periods[0]))
    ctx = DemoContext(rng=random.Random(seed), seed=seed, now=now, periods=periods, log=log)
    with transaction.atomic(), _fabricated_timestamps(Employee, UmkmMerchant, Purchase):
        password_hash = make_password(DEMO_PASSWORD)
        groups = {g.name: g for g in Group.objects.filter(name__in=roles.ALL_ROLES)}
        build_people.seed_merchants(ctx, merchants, password_hash, groups)
        build_people.seed_employees(ctx, employees, password_hash, groups)
        build_people.seed_role_users(ctx, password_hash, groups)
        count = build_purchases.seed_purchases(ctx)
        log(
            f"demo: {len(ctx.employees)} employees, {len(ctx.merchants)} merchants, "
            f"{count} purchases in {', '.join(periods)}"
        )
        for label, module in _demo_modules():
            if hasattr(module, "seed"):
                ctx.rng = random.Random(f"{seed}:{label}")
                module.seed(ctx)
    return ctx


# --- Logins ---------------------------------------------------------------------------------
def demo_logins() -> list[DemoLogin]:
    """The printed logins, read back from the database (for ``seed_demo --logins``)."""
    out = [
        DemoLogin(roles.ADMIN, DESK_ADMIN, DEMO_PASSWORD, "desk /desk/"),
        DemoLogin(roles.VERIFIER, VERIFIER, DEMO_PASSWORD, "desk /desk/"),
    ]
    operator = User.objects.filter(username=OPERATOR).first()
    unit = operator and UnitOperator.objects.filter(user=operator).select_related("work_unit")
    unit = unit.first() if unit else None
    out.append(
        DemoLogin(
            roles.UNIT_OPERATOR,
            OPERATOR,
            DEMO_PASSWORD,
            f"desk /desk/, unit {unit.work_unit.code}" if unit else "desk /desk/",
        )
    )
    employee = demo_employees().order_by("user_id").select_related("work_unit").first()
    if employee:
        out.append(
            DemoLogin(
                roles.EMPLOYEE,
                employee.user.username,
                DEMO_PASSWORD,
                f"portal {settings.LOGIN_URL}, {employee.name}",
            )
        )
    merchant = (
        demo_merchants()
        .filter(status=MerchantStatus.VERIFIED, user__isnull=False)
        .order_by("user_id")
        .select_related("user")
        .first()
    )
    if merchant:
        out.append(
            DemoLogin(
                roles.MERCHANT,
                merchant.user.username,
                DEMO_PASSWORD,
                f"portal {settings.LOGIN_URL}, {merchant.business_name}",
            )
        )
    out.append(DemoLogin("Superuser", SUPERUSER, DEMO_PASSWORD, "desk /desk/, all permissions"))
    for _label, module in _demo_modules():
        if hasattr(module, "logins"):
            out.extend(module.logins())
    return out


# --- Reset ----------------------------------------------------------------------------------
def reset_all(log: Callable[[str], None] = print) -> None:
    """Delete the demo rows (and their receipt files). Other rows are left alone. Only on a
    database marked as a demo one."""
    require_demo_database()
    for _label, module in reversed(list(_demo_modules())):
        if hasattr(module, "reset"):
            module.reset(DemoRows(), log)
    purchases = demo_purchases()
    prefixes = {f"EBK-PUR-{p}-" for p in purchases.values_list("period", flat=True).distinct()}
    prefixes |= {
        n.rsplit("-", 1)[0] + "-"
        for n in demo_merchants().values_list("document_number", flat=True)
    }
    receipts = set(purchases.values_list("receipt", flat=True))
    # History of demo rows goes with them; deleting must not write a "deleted" record per row.
    with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
        employee_ids = list(demo_employees().values_list("pk", flat=True))
        merchant_ids = list(demo_merchants().values_list("pk", flat=True))
        Purchase.history.filter(employee_id__in=employee_ids).delete()
        deleted = purchases.delete()[0]
        Employee.history.filter(id__in=employee_ids).delete()
        Employee.objects.filter(pk__in=employee_ids).delete()
        UmkmMerchant.history.filter(id__in=merchant_ids).delete()
        UmkmMerchant.objects.filter(pk__in=merchant_ids).delete()
        demo_users().delete()
        for prefix in prefixes:
            if not (
                Purchase.objects.filter(document_number__startswith=prefix).exists()
                or UmkmMerchant.objects.filter(document_number__startswith=prefix).exists()
            ):
                DocumentSequence.objects.filter(prefix=prefix).delete()
    receipts = sorted(n for n in receipts if n)
    for start in range(0, len(receipts), BATCH):
        chunk = receipts[start : start + BATCH]
        still_used = set(
            Purchase.objects.filter(receipt__in=chunk).values_list("receipt", flat=True)
        )
        for name in chunk:
            if name not in still_used:
                default_storage.delete(name)
    log(f"demo data deleted ({deleted} rows with their dependants)")
