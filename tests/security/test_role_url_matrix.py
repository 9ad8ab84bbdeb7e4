"""Role × URL matrix (issue 10): every URL of the desk, the reports, the portal and the API,
taken from the URL resolver, requested (GET) by every role with the ids of objects OUTSIDE the
role's scope (another unit, another employee, another merchant), and compared with the
expectation table below.

* A URL pattern missing from the table fails ``test_every_url_pattern_has_an_expectation``:
  a new page cannot be added without saying who may open it.
* ``test_role_url_matrix`` builds one world and makes every request; all mismatches are reported
  together.
Writes (POST) are tested in the focused ``test_sod_*`` and ``test_scoping_*`` files, which assert
that a refused request changes nothing.

Outcomes are classes of responses:
``ok`` 200 · ``login`` 302 to a login page · ``missing`` 302 to the desk index (for an object
page: "does not exist", Django admin's answer for a row outside ``get_queryset``) ·
``redirect`` any other 302 ·
``forbidden`` 403 · ``notfound`` 404 · ``method`` 405 · ``unauth`` 401.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from ebakul.accounts import roles
from ebakul.core.periods import current_period, previous_period

# --- Roles --------------------------------------------------------------------------------------
ANON, EMP, MER, OPR, VER, ADM, SU = (
    "anonymous",
    "employee",
    "merchant",
    "operator",
    "verifier",
    "admin",
    "superuser",
)
ROLES = (ANON, EMP, MER, OPR, VER, ADM, SU)
DESK = frozenset({OPR, VER, ADM, SU})
NOT_DESK = frozenset({ANON, EMP, MER})
ADMINS = frozenset({ADM, SU})
NONE: frozenset[str] = frozenset()

OK, LOGIN, MISSING, REDIRECT = "ok", "login", "missing", "redirect"
FORBIDDEN, NOTFOUND, METHOD, UNAUTH = "forbidden", "notfound", "method", "unauth"
DENIED = frozenset({FORBIDDEN, NOTFOUND, MISSING})  # refused, nothing of the object shown


# --- Desk models: who may view / add / delete, and for whom the sample row is out of scope ------
class Desk:
    """Expectations for one registered ModelAdmin. ``out`` = roles that may view the model but
    for whom the sample object (another unit / employee / merchant) is outside their rows."""

    def __init__(
        self,
        view=ADMINS,
        add=ADMINS,
        delete=ADMINS,
        out=NONE,
        simple_history=True,
        extra: dict | None = None,
    ):
        self.view, self.add, self.delete, self.out = view, add, delete, out
        self.simple_history = simple_history
        self.extra = extra or {}


READ_ONLY = {"add": NONE, "delete": NONE}

DESK_MODELS: dict[str, Desk] = {
    # reference and configuration data
    "django_celery_beat.periodictask": Desk(simple_history=False),
    "django_celery_beat.clockedschedule": Desk(simple_history=False),
    "django_celery_beat.crontabschedule": Desk(simple_history=False),
    "django_celery_beat.solarschedule": Desk(simple_history=False),
    "django_celery_beat.intervalschedule": Desk(simple_history=False),
    "core.documentsequence": Desk(**READ_ONLY, simple_history=False),
    "core.notification": Desk(**READ_ONLY, simple_history=False),
    # The outbox (ADR 0300): administrators read it and resend failures (a changelist action).
    "notifications.outboxmessage": Desk(**READ_ONLY, simple_history=False),
    "auth.group": Desk(simple_history=False),
    # Failed logins (django-axes, ADR 0090): operators see their units' employees only.
    "accounts.loginlockout": Desk(
        view={OPR, ADM, SU}, **READ_ONLY, out={OPR}, simple_history=False
    ),
    # Reset codes (ADR 0161): operators for their units' employees, verifiers for merchants;
    # the sample is another unit's employee's code (out for both). Never changed or deleted.
    "accounts.recoverycode": Desk(
        view={OPR, VER, ADM, SU},
        add={OPR, VER, ADM, SU},
        delete=NONE,
        out={OPR, VER},
        simple_history=False,
    ),
    "accounts.user": Desk(
        simple_history=False,
        extra={"<id>/password/": lambda r: OK if r in ADMINS else DENIED},
    ),
    "workflow.workflowdefinition": Desk(delete=NONE),
    "workflow.workflowtransition": Desk(),
    "workflow.verifierscope": Desk(simple_history=False),
    "workflow.workflowevent": Desk(**READ_ONLY, simple_history=False),
    "workflow.assignment": Desk(
        **READ_ONLY,
        simple_history=False,
        # Reassigning: administrators, or the current assignee (another verifier here).
        extra={"<int:assignment_id>/reassign/": lambda r: OK if r in ADMINS else DENIED},
    ),
    # "Tugas saya": every desk role, only their own assignments (the sample is someone else's).
    "workflow.mytask": Desk(view=DESK, **READ_ONLY, out=DESK, simple_history=False),
    "merchants.kecamatan": Desk(view=DESK),
    "merchants.merchantcategory": Desk(view=DESK),
    "merchants.chaindenyentry": Desk(),
    "employees.workunit": Desk(view=DESK, out={OPR}),
    "employees.employeeclass": Desk(view=DESK),
    "employees.unitoperator": Desk(simple_history=False),
    "purchases.purchaselimit": Desk(),
    # The sample rule is in use by a computed period: read-only, never deleted (ADR 0105).
    "compliance.spendingrule": Desk(delete=NONE),
    "compliance.period": Desk(
        delete=NONE,
        extra={
            # The period control page (ADR 0100): administrators only.
            "control/": lambda r: frozenset({OK, REDIRECT}) if r in ADMINS else FORBIDDEN,
            "<int:object_id>/control/": lambda r: OK if r in ADMINS else FORBIDDEN,
            "<int:object_id>/control/progress/": lambda r: OK if r in ADMINS else FORBIDDEN,
        },
    ),
    "compliance.jobrun": Desk(**READ_ONLY, simple_history=False),
    "compliance.complianceevent": Desk(**READ_ONLY, simple_history=False),
    "compliance.reminderlog": Desk(**READ_ONLY, simple_history=False),
    "api.integrationclient": Desk(delete=NONE, simple_history=False),
    "api.apikey": Desk(delete=NONE, simple_history=False),
    # per-person data, scoped by unit (an OPD operator) or by owner
    "employees.employee": Desk(
        view=DESK,
        delete=NONE,
        out={OPR},
        extra={
            "import/": lambda r: OK if r in ADMINS else FORBIDDEN,
            "process_import/": lambda r: METHOD if r in ADMINS else DENIED | {METHOD},
            # The export page of django-import-export (its rows: the scoped changelist).
            "export/": lambda r: OK,
        },
    ),
    "merchants.umkmmerchant": Desk(
        view=DESK,
        delete=NONE,
        extra={
            "<path:object_id>/workflow/": lambda r: METHOD,
            # The confirmation step of an action (ADR 0110); "confirm" is not a desk action.
            "<path:object_id>/workflow/<slug:action>/": lambda r: DENIED | {REDIRECT},
        },
    ),
    "purchases.purchase": Desk(
        view=DESK,
        delete=NONE,
        out={OPR},
        extra={
            "<path:object_id>/workflow/": lambda r: METHOD,
            # Verifiers and administrators confirm a rejection with its reason; an operator
            # never reaches a purchase outside their unit.
            "<path:object_id>/workflow/<slug:action>/": lambda r: (
                OK if r in {VER, ADM, SU} else DENIED
            ),
        },
    ),
    "compliance.exemption": Desk(view=DESK, add=DESK, delete=NONE, out={OPR}),
    "compliance.monthlycompliance": Desk(**READ_ONLY, simple_history=False),
    "compliance.tppdeduction": Desk(**READ_ONLY),
    # Verifiers decide appeals on the appeal page (ADR 0106).
    "compliance.appeal": Desk(view={VER, ADM, SU}, add=NONE, delete=NONE),
    # Reductions granted by appeals: written only by the appeal decision (ADR 0106).
    "compliance.deductionadjustment": Desk(**READ_ONLY),
    # The common reasons offered when refusing (ADR 0110): switched off, never deleted.
    "workflow.refusalreason": Desk(delete=NONE),
    # Search synonyms and spelling variants (ADR 0421): the administrators'.
    "marketplace.searchsynonym": Desk(),
    # Integrity (issue 15): weights and thresholds are the administrators'; the scores are read
    # by verifiers and administrators (never written by hand), with the investigation queue and
    # the report.
    "integrity.signalweight": Desk(),
    "integrity.riskpolicy": Desk(),
    "integrity.purchaserisk": Desk(
        view={VER, ADM, SU},
        **READ_ONLY,
        extra={
            "investigasi/": lambda r: OK if r in {VER, ADM, SU} else FORBIDDEN,
            "laporan/": lambda r: OK if r in {VER, ADM, SU} else FORBIDDEN,
        },
    ),
}

# Standard pages of every ModelAdmin: suffix -> expectation for a desk role.
STANDARD_PAGES = ("", "add/", "<path:object_id>/history/", "<path:object_id>/delete/")
STANDARD_PAGES += ("<path:object_id>/change/", "<path:object_id>/")
SIMPLE_HISTORY = "^([^/]+)/history/([^/]+)/$"


def desk_expectation(spec: Desk, suffix: str, role: str):
    if role in NOT_DESK:
        return LOGIN
    if suffix in spec.extra:
        return spec.extra[suffix](role)
    may_view = role in spec.view
    in_scope = may_view and role not in spec.out
    if suffix == "":
        return OK if may_view else FORBIDDEN
    if suffix == "add/":
        return OK if role in spec.add else FORBIDDEN
    if suffix == "<path:object_id>/":
        return REDIRECT  # to the change page, which decides
    if suffix == "<path:object_id>/delete/":
        return OK if (role in spec.delete and in_scope) else DENIED
    # change, history, one history version
    return OK if in_scope else DENIED


# --- Other desk URLs -------------------------------------------------------------------------------
def _desk(ok_roles=DESK, other=FORBIDDEN):
    return lambda r: LOGIN if r in NOT_DESK else (OK if r in ok_roles else other)


DESK_OTHER: dict[str, Callable[[str], object]] = {
    "desk/": _desk(),
    "desk/login/": lambda r: OK if r in NOT_DESK else MISSING,  # signed in: to the index
    # POST only; without a desk session it sends to the index (which asks to sign in)
    "desk/logout/": lambda r: MISSING if r in NOT_DESK else METHOD,
    "desk/password_change/": _desk(),
    "desk/password_change/done/": _desk(),
    "desk/jsi18n/": _desk(),
    "desk/search/": _desk(),
    # Without its query parameters the autocomplete refuses; scoping: test_scoping_* and desk
    # tests.
    "desk/autocomplete/": lambda r: LOGIN if r in NOT_DESK else FORBIDDEN,
    "desk/r/<path:content_type_id>/<path:object_id>/": lambda r: (
        LOGIN if r in NOT_DESK else NOTFOUND
    ),
    # App index of the employees app: every desk role has a model there.
    # (the order follows admin registration: core re-registers celery-beat's admins, ADR 0145)
    "desk/^(?P<app_label>core|django_celery_beat|auth|accounts|notifications|workflow|merchants|"
    "employees|marketplace|purchases|integrity|compliance|api)/$": _desk(),
    "desk/(?P<url>.*)$": lambda r: LOGIN if r in NOT_DESK else NOTFOUND,
    # The review workbench: one's own queue (the oldest task, or an empty page); a task of
    # somebody else's queue (the sample purchase is nobody's task here) is refused to everyone.
    "desk/tinjau/": lambda r: LOGIN if r in NOT_DESK else frozenset({OK, REDIRECT}),
    "desk/tinjau/<slug:slug>/<int:pk>/": lambda r: LOGIN if r in NOT_DESK else FORBIDDEN,
    # POST only (decisions, skip, undo): the engine's checks are in tests/workflow.
    "desk/tinjau/<slug:slug>/<int:pk>/aksi/": lambda r: LOGIN if r in NOT_DESK else METHOD,
    "desk/tinjau/<slug:slug>/<int:pk>/lewati/": lambda r: LOGIN if r in NOT_DESK else METHOD,
    "desk/tinjau/<slug:slug>/<int:pk>/batalkan/": lambda r: LOGIN if r in NOT_DESK else METHOD,
    # Marketplace moderation (ADR 0420): verifiers and administrators; operators refused. The
    # sample listing and review are another merchant's; writes are POST only (their refusals,
    # and that they change nothing: tests/marketplace/test_moderation_desk.py).
    "desk/pasar/": _desk({VER, ADM, SU}),
    "desk/pasar/produk/<int:pk>/": _desk({VER, ADM, SU}),
    "desk/pasar/produk/<int:pk>/putuskan/": lambda r: LOGIN if r in NOT_DESK else METHOD,
    "desk/pasar/ulasan/": _desk({VER, ADM, SU}),
    "desk/pasar/ulasan/<int:pk>/sembunyikan/": lambda r: LOGIN if r in NOT_DESK else METHOD,
}

# --- Reports --------------------------------------------------------------------------------------
REPORTS = {
    "reports/": lambda r: {ANON: LOGIN, EMP: FORBIDDEN, MER: FORBIDDEN}.get(r, OK),
    "reports/<slug:slug>/": lambda r: {ANON: LOGIN, EMP: FORBIDDEN, MER: FORBIDDEN}.get(r, OK),
    # The statement of an employee of ANOTHER unit: an operator gets 404.
    "reports/statement/<int:employee_id>/<str:period>.pdf": lambda r: {
        ANON: LOGIN,
        EMP: FORBIDDEN,
        MER: FORBIDDEN,
        OPR: NOTFOUND,
    }.get(r, OK),
    # The page the statement's QR opens (ADR 0151): public, for a genuine token of ANOTHER
    # employee; only the figures and the NIP masked (tests/reports/test_statement_check.py).
    "reports/cek/<str:token>/": lambda r: OK,
    # "Potensi usaha baru" (ADR 0411): administrators and verifiers; OPD operators refused.
    "reports/potensi-usaha/": lambda r: {
        ANON: LOGIN,
        EMP: FORBIDDEN,
        MER: FORBIDDEN,
        OPR: FORBIDDEN,
    }.get(r, OK),
    # Open data (docs/open-data.md, ADR 0410): public, the same for everyone (a past month).
    "data/": lambda r: OK,
    "data/panduan/": lambda r: OK,
    "data/<str:period>.csv": lambda r: OK,
    "data/<str:period>.json": lambda r: OK,
    "data/<str:period>/": lambda r: OK,
    "data/<str:period>/potensi-usaha/": lambda r: OK,
}

# --- Portal ---------------------------------------------------------------------------------------
EMPLOYEE_PAGE = {ANON: LOGIN, EMP: OK}  # others: 403 "for employees"
MERCHANT_PAGE = {ANON: LOGIN, MER: OK, SU: OK}  # a superuser counts as every role


def _portal(table, default=FORBIDDEN):
    return lambda r: table.get(r, default)


PORTAL = {
    # The landing page; signed in: to one's own home (desk roles: the desk index).
    # (a superuser counts as a merchant: to the merchant home)
    "": lambda r: {ANON: OK, EMP: REDIRECT, MER: REDIRECT, SU: REDIRECT}.get(r, MISSING),
    "masuk/": lambda r: OK if r == ANON else REDIRECT,
    # Installable web app (ADR 0162): the shell only, the same for everyone.
    "sw.js": lambda r: OK,
    "manifest.webmanifest": lambda r: OK,
    "offline/": lambda r: OK,
    "keluar/": lambda r: METHOD,
    "ganti-sandi/": _portal({ANON: LOGIN}, OK),
    "ganti-sandi/selesai/": _portal({ANON: LOGIN}, OK),
    "lupa-sandi/": lambda r: OK,
    # Redeeming a desk-issued reset code (ADR 0161): a public form, like the e-mail reset.
    "lupa-sandi/kode/": lambda r: OK,
    "lupa-sandi/terkirim/": lambda r: OK,
    "lupa-sandi/<uidb64>/<token>/": lambda r: OK,  # "this link is invalid"
    "lupa-sandi/selesai/": lambda r: OK,
    "notifikasi/": _portal({ANON: LOGIN}, OK),
    "notifikasi/<int:pk>/baca/": _portal({ANON: LOGIN}, METHOD),
    "notifikasi/baca-semua/": _portal({ANON: LOGIN}, METHOD),
    # The receipt of a purchase of another unit, another employee, at another merchant.
    "nota/<int:pk>/": lambda r: {
        ANON: LOGIN,
        EMP: NOTFOUND,
        MER: NOTFOUND,
        OPR: NOTFOUND,
    }.get(r, OK),
    "pegawai/": _portal(EMPLOYEE_PAGE),
    "pegawai/belanja/pilih-usaha/": _portal(EMPLOYEE_PAGE),
    # Picking the business by a photo of its QRIS or poster; OCR pre-fill (issue 15): POST only.
    "pegawai/belanja/pindai/": _portal({ANON: LOGIN, EMP: METHOD}),
    "pegawai/belanja/baca-nota/": _portal({ANON: LOGIN, EMP: METHOD}),
    # Without a chosen merchant: to the merchant picker.
    "pegawai/belanja/baru/": _portal({**EMPLOYEE_PAGE, EMP: frozenset({OK, REDIRECT})}),
    "pegawai/belanja/": _portal(EMPLOYEE_PAGE),
    # The photo kept after a refused form: only this session's; none in a fresh session.
    "pegawai/belanja/baru/foto/": _portal({ANON: LOGIN, EMP: NOTFOUND}),
    "pegawai/belanja/<int:pk>/": _portal({ANON: LOGIN, EMP: NOTFOUND}),
    "pegawai/belanja/<int:pk>/kirim/": _portal({ANON: LOGIN, EMP: NOTFOUND}),
    "pegawai/belanja/<int:pk>/ubah/": _portal({ANON: LOGIN, EMP: NOTFOUND}),
    "pegawai/belanja/<int:pk>/hapus/": _portal({ANON: LOGIN, EMP: METHOD}),
    # Asking for another employee's rejected purchase to be reviewed again (ADR 0112).
    # POST only (a GET is refused before any lookup).
    "pegawai/belanja/<int:pk>/tinjau-ulang/": _portal({ANON: LOGIN, EMP: METHOD}),
    # Files: another employee's contest evidence and appeal evidence (the samples have none).
    "nota/<int:pk>/bukti-tinjau-ulang/": _portal({ANON: LOGIN}, NOTFOUND),
    "sanggahan/<int:pk>/bukti/": _portal({ANON: LOGIN}, NOTFOUND),
    # Outside an appeal window: back home with a message.
    "pegawai/sanggahan/": _portal({**EMPLOYEE_PAGE, EMP: frozenset({OK, REDIRECT})}),
    # One's own statement; 404 while the period has no result.
    "pegawai/laporan/<str:period>.pdf": _portal({**EMPLOYEE_PAGE, EMP: frozenset({OK, NOTFOUND})}),
    "usaha/daftar/": lambda r: OK if r == ANON else REDIRECT,
    "usaha/": _portal(MERCHANT_PAGE),
    # A verified registration is not edited: to the merchant home.
    "usaha/data/": _portal(
        {ANON: LOGIN, MER: frozenset({OK, REDIRECT}), SU: frozenset({OK, REDIRECT})}
    ),
    "usaha/kirim-ulang/": _portal({ANON: LOGIN, MER: METHOD, SU: METHOD}),
    "usaha/penjualan/": _portal(MERCHANT_PAGE),
    "usaha/penjualan/<int:pk>/<slug:action>/": _portal({ANON: LOGIN, MER: METHOD, SU: METHOD}),
    "usaha/poster/": _portal(MERCHANT_PAGE),
    "usaha/qris/": _portal(MERCHANT_PAGE),
    # The marketplace (issue 17). The sample pk is another employee's purchase id: as an order,
    # listing or cart it is not the caller's (404); as a merchant page it may be any verified
    # business (200) or none (404). Writes are POST only.
    "pegawai/pasar/": _portal(EMPLOYEE_PAGE),
    "pegawai/pasar/usaha/<int:pk>/": _portal({ANON: LOGIN, EMP: frozenset({OK, NOTFOUND})}),
    "pegawai/pasar/keranjang/": _portal(EMPLOYEE_PAGE),
    "pegawai/pasar/keranjang/tambah/<int:pk>/": _portal({ANON: LOGIN, EMP: METHOD}),
    "pegawai/pasar/keranjang/<int:pk>/pesan/": _portal({ANON: LOGIN, EMP: METHOD}),
    "pegawai/pasar/pesanan/": _portal(EMPLOYEE_PAGE),
    "pegawai/pasar/pesanan/<int:pk>/": _portal({ANON: LOGIN, EMP: NOTFOUND}),
    "pegawai/pasar/pesanan/<int:pk>/<slug:action>/": _portal({ANON: LOGIN, EMP: METHOD}),
    "usaha/katalog/": _portal(MERCHANT_PAGE),
    "usaha/katalog/baru/": _portal(MERCHANT_PAGE),
    "usaha/katalog/<int:pk>/ubah/": _portal({ANON: LOGIN, MER: NOTFOUND, SU: NOTFOUND}),
    "usaha/toko/": _portal(MERCHANT_PAGE),
    "usaha/pesanan/": _portal(MERCHANT_PAGE),
    "usaha/pesanan/<int:pk>/": _portal({ANON: LOGIN, MER: NOTFOUND, SU: NOTFOUND}),
    "usaha/pesanan/<int:pk>/<slug:action>/": _portal({ANON: LOGIN, MER: METHOD, SU: METHOD}),
}

# --- API: API keys only; a browser session (any role) gets 401 -----------------------------------
API = {
    "api/v1/schema/": lambda r: OK,
    "api/v1/docs/": lambda r: OK,
    "api/v1/docs/redoc/": lambda r: OK,
    "api/v1/periods/": lambda r: UNAUTH,
    "api/v1/periods/<str:period>/deductions/": lambda r: UNAUTH,
    "api/v1/deductions/<int:id>/acknowledge/": lambda r: frozenset({UNAUTH, METHOD}),
    "api/v1/employees/<str:nip>/compliance/": lambda r: UNAUTH,
    "api/v1/employees/bulk-upsert/": lambda r: frozenset({UNAUTH, METHOD}),
    "api/v1/employees/<str:nip>": lambda r: frozenset({UNAUTH, METHOD}),
    "api/v1/catalogue/products/": lambda r: UNAUTH,
    "api/v1/^.*$": lambda r: NOTFOUND,
}

# --- Other ---------------------------------------------------------------------------------------
OTHER = {
    # For the load balancer (ADR 0301): everyone, no login; metrics closed without a token or an
    # allowed address (none in the tests), whatever the role.
    "healthz/": lambda r: OK,
    "metrics": lambda r: NOTFOUND,
    # Language switch: POST only in use; a GET redirects back.
    "i18n/setlang/": lambda r: frozenset({REDIRECT, METHOD, OK}),
}


# --- The table, expanded to URL patterns ---------------------------------------------------------
def _model_prefix(label: str) -> str:
    app, model = label.split(".")
    return f"desk/{app}/{model}/"


def expectation_table() -> dict[str, Callable[[str], object]]:
    table: dict[str, Callable[[str], object]] = {}
    for label, spec in DESK_MODELS.items():
        prefix = _model_prefix(label)
        suffixes = list(STANDARD_PAGES) + list(spec.extra)
        if spec.simple_history:
            suffixes.append(SIMPLE_HISTORY)
        for suffix in suffixes:
            table[prefix + suffix] = lambda r, spec=spec, suffix=suffix: desk_expectation(
                spec, "<path:object_id>/change/" if suffix == SIMPLE_HISTORY else suffix, r
            )
    for part in (DESK_OTHER, REPORTS, PORTAL, API, OTHER):
        table.update(part)
    return table


def url_patterns(patterns=None, prefix: str = "") -> list[str]:
    """Every route of the project, as the concatenated pattern strings."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    routes = []
    for p in patterns:
        if isinstance(p, URLResolver):
            routes += url_patterns(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            routes.append(prefix + str(p.pattern))
    return routes


def test_every_url_pattern_has_an_expectation():
    routes = set(url_patterns())
    table = set(expectation_table())
    missing = sorted(routes - table)
    assert not missing, (
        "URL patterns without an expectation in tests/security/test_role_url_matrix.py "
        f"(say who may open them): {missing}"
    )
    stale = sorted(table - routes)
    assert not stale, f"Expectations for URL patterns that no longer exist: {stale}"


# --- The world -----------------------------------------------------------------------------------
class World:
    pass


def _build_world() -> World:
    from django_celery_beat.models import (
        ClockedSchedule,
        CrontabSchedule,
        IntervalSchedule,
        PeriodicTask,
        SolarSchedule,
    )

    from ebakul.accounts.models import LoginLockout, RecoveryCode
    from ebakul.api.services import api_key_create, integration_client_create
    from ebakul.compliance.models import (
        Appeal,
        ComplianceEvent,
        DeductionAdjustment,
        Exemption,
        JobRun,
        MonthlyCompliance,
        Period,
        ReminderLog,
        SpendingRule,
        TppDeduction,
    )
    from ebakul.compliance.selectors import period_get_or_create
    from ebakul.core.models import DocumentSequence, Notification
    from ebakul.employees.models import EmployeeClass, UnitOperator, WorkUnit
    from ebakul.integrity.models import PurchaseRisk, RiskPolicy, SignalWeight
    from ebakul.marketplace.models import SearchSynonym
    from ebakul.merchants.models import ChainDenyEntry, Kecamatan, MerchantCategory
    from ebakul.notifications.models import OutboxMessage
    from ebakul.purchases.models import PurchaseLimit
    from ebakul.workflow.models import (
        Assignment,
        RefusalReason,
        VerifierScope,
        WorkflowDefinition,
        WorkflowEvent,
        WorkflowTransition,
    )
    from tests.factories import EmployeeFactory, PurchaseFactory, UserFactory, verified_merchant

    w = World()
    dinkes, bpkad = WorkUnit.objects.get(code="DINKES"), WorkUnit.objects.get(code="BPKAD")

    # The people, one per role. The operator works for DINKES; everything sampled below
    # belongs to BPKAD, to another employee and to another merchant.
    w.users = {ANON: None}
    w.users[EMP] = UserFactory(username="m-pegawai", role=roles.EMPLOYEE)
    EmployeeFactory(user=w.users[EMP], work_unit=dinkes)
    w.users[MER] = UserFactory(username="m-penjual", role=roles.MERCHANT)
    own_shop = verified_merchant(user=w.users[MER])
    w.users[OPR] = UserFactory(username="m-operator", role=roles.UNIT_OPERATOR)
    UnitOperator.objects.create(user=w.users[OPR], work_unit=dinkes)
    w.users[VER] = UserFactory(username="m-verifikator", role=roles.VERIFIER)
    w.users[ADM] = UserFactory(username="m-admin", role=roles.ADMIN)
    w.users[SU] = UserFactory(username="m-root", is_superuser=True, is_staff=True)

    other_user = UserFactory(username="m-pegawai-lain", role=roles.EMPLOYEE)
    other = EmployeeFactory(user=other_user, work_unit=bpkad)
    other_merchant_user = UserFactory(username="m-penjual-lain", role=roles.MERCHANT)
    other_shop = verified_merchant(user=other_merchant_user)
    purchase = PurchaseFactory(employee=other, merchant=other_shop, status="submitted")
    PurchaseFactory(employee=w.users[EMP].employee, merchant=own_shop, status="submitted")
    period = previous_period(current_period())
    now = timezone.now()
    rule = SpendingRule.objects.order_by("-effective_from").first()
    compliance = MonthlyCompliance.objects.create(
        employee=other,
        period=period,
        rule=rule,
        tpp_ceiling=5_000_000,
        active_days=30,
        period_days=30,
        required_spend=500_000,
        verified_spend=0,
        pending_spend=0,
        shortfall=500_000,
        status="shortfall",
        sanction_mode=rule.sanction_mode,
        deduction_amount=100_000,
        computed_at=now,
    )
    deduction = TppDeduction.objects.create(
        employee=other,
        period=period,
        compliance=compliance,
        sanction_mode=rule.sanction_mode,
        deduction_amount=100_000,
        status="final",
        created_at=now,
        updated_at=now,
    )
    client_ = integration_client_create(name="e-TPP matrix")
    issued = api_key_create(client=client_, scopes=["etpp:read"], name="matrix")
    verifier2 = UserFactory(username="m-verifikator-2", role=roles.VERIFIER)
    assignment = Assignment.objects.create(
        document_type="purchases.purchase",
        object_id=purchase.pk,
        assignee=verifier2,
        group=Group.objects.get(name=roles.VERIFIER),
    )
    interval = IntervalSchedule.objects.create(every=10, period="minutes")
    notification = Notification.objects.create(user=other_user, title="Rahasia")
    DocumentSequence.objects.get_or_create(prefix="EBK-MATRIX-")

    w.objects = {
        "django_celery_beat.periodictask": PeriodicTask.objects.create(
            name="matrix", task="ebakul.none", interval=interval
        ),
        "django_celery_beat.clockedschedule": ClockedSchedule.objects.create(clocked_time=now),
        "django_celery_beat.crontabschedule": CrontabSchedule.objects.create(minute="5"),
        "django_celery_beat.solarschedule": SolarSchedule.objects.create(
            event="sunrise", latitude=-7.15, longitude=111.88
        ),
        "django_celery_beat.intervalschedule": interval,
        "core.documentsequence": DocumentSequence.objects.first(),
        "core.notification": notification,
        "notifications.outboxmessage": OutboxMessage.objects.create(
            user=other_user, channel="email", recipient="x@example.invalid", subject="Rahasia"
        ),
        "auth.group": Group.objects.get(name=roles.EMPLOYEE),
        "accounts.user": other_user,
        "accounts.recoverycode": RecoveryCode.objects.create(
            user=other_user,
            code_hash="!",
            issued_by=verifier2,
            verified_with="matriks",
            created_at=now,
            expires_at=now,
        ),
        "accounts.loginlockout": LoginLockout.objects.create(
            username=other.nip,
            ip_address="127.0.0.9",
            user_agent="matriks",
            http_accept="*/*",
            path_info="/masuk/",
            get_data="",
            post_data="",
            failures_since_start=1,
        ),
        "workflow.workflowdefinition": WorkflowDefinition.objects.first(),
        "workflow.workflowtransition": WorkflowTransition.objects.first(),
        "workflow.verifierscope": VerifierScope.objects.create(user=verifier2, work_unit=bpkad),
        "workflow.workflowevent": WorkflowEvent.objects.create(
            document_type="purchases.purchase",
            object_id=purchase.pk,
            from_state="draft",
            to_state="submitted",
            action="submit",
            actor=other_user,
        ),
        "workflow.assignment": assignment,
        "workflow.mytask": assignment,
        "merchants.kecamatan": Kecamatan.objects.first(),
        "merchants.merchantcategory": MerchantCategory.objects.first(),
        "merchants.chaindenyentry": ChainDenyEntry.objects.first()
        or ChainDenyEntry.objects.create(name="Matriksmart"),
        "merchants.umkmmerchant": other_shop,
        "employees.workunit": bpkad,
        "employees.employeeclass": EmployeeClass.objects.first(),
        "employees.employee": other,
        "employees.unitoperator": UnitOperator.objects.get(user=w.users[OPR]),
        "purchases.purchaselimit": PurchaseLimit.objects.first()
        or PurchaseLimit.objects.create(effective_from=dt.date(2020, 1, 1), max_amount=1_000_000),
        "purchases.purchase": purchase,
        "compliance.spendingrule": rule,
        "compliance.period": Period.objects.filter(period=period).first()
        or period_get_or_create(period),
        "compliance.exemption": Exemption.objects.create(
            employee=other,
            start_date=dt.date(2026, 1, 1),
            end_date=dt.date(2026, 1, 5),
            reason="leave",
        ),
        "compliance.monthlycompliance": compliance,
        "compliance.tppdeduction": deduction,
        "compliance.appeal": Appeal.objects.create(employee=other, period=period, reason="Cuti"),
        "compliance.deductionadjustment": DeductionAdjustment.objects.create(
            employee=other, period=period, amount=1_000, reason="Matriks"
        ),
        "workflow.refusalreason": RefusalReason.objects.first(),
        "marketplace.searchsynonym": SearchSynonym.objects.first()
        or SearchSynonym.objects.create(term="matriks", canonical="matriks"),
        "integrity.signalweight": SignalWeight.objects.create(
            signal_code="payment_reference_reused", weight=50, effective_from=dt.date(2026, 1, 1)
        ),
        "integrity.riskpolicy": RiskPolicy.objects.create(effective_from=dt.date(2026, 1, 1)),
        "integrity.purchaserisk": PurchaseRisk.objects.create(
            purchase=purchase, score=70, route="investigate", period=purchase.period
        ),
        "compliance.jobrun": JobRun.objects.create(job="compute", status="success", started_at=now),
        "compliance.complianceevent": ComplianceEvent.objects.create(
            kind="matrix", period=period, employee=other
        ),
        "compliance.reminderlog": ReminderLog.objects.create(
            employee=other, period=period, kind=ReminderLog._meta.get_field("kind").choices[0][0]
        ),
        "api.integrationclient": client_,
        "api.apikey": issued.key,
    }
    from ebakul.marketplace.services import listing_save

    w.listing = listing_save(
        merchant=other_shop,
        actor=other_merchant_user,
        name="Nasi goreng matriks",
        category=MerchantCategory.objects.get(code="makanan-minuman"),
        price=15_000,
    )
    w.period = period
    w.purchase = purchase
    w.other = other
    w.notification = notification
    w.assignment = assignment
    return w


def _history_id(obj) -> int:
    history = getattr(type(obj), "history", None)
    row = history.filter(id=obj.pk).order_by("-history_id").first()
    if row is None:
        obj.save()  # make one
        row = history.filter(id=obj.pk).order_by("-history_id").first()
    return row.history_id


def concrete_url(route: str, w: World) -> str:
    """The route with its parameters filled with out-of-scope objects."""
    for label, obj in w.objects.items():
        prefix = _model_prefix(label)
        if route.startswith(prefix):
            rest = route[len(prefix) :]
            if rest == SIMPLE_HISTORY:
                return f"/{prefix}{obj.pk}/history/{_history_id(obj)}/"
            rest = rest.replace("<path:object_id>", str(obj.pk))
            rest = rest.replace("<id>", str(obj.pk))
            rest = rest.replace("<int:assignment_id>", str(w.assignment.pk))
            rest = rest.replace("<int:object_id>", str(obj.pk))
            rest = rest.replace("<slug:action>", "reject")
            return f"/{prefix}{rest}"
    fills = {
        "desk/r/<path:content_type_id>/<path:object_id>/": (
            f"/desk/r/{ContentType.objects.get_for_model(w.purchase).pk}/{w.purchase.pk}/"
        ),
        "desk/(?P<url>.*)$": "/desk/tidak-ada/",
        "api/v1/^.*$": "/api/v1/tidak-ada/",
        "i18n/setlang/": "/i18n/setlang/",
    }
    if route in fills:
        return fills[route]
    if route == "reports/cek/<str:token>/":
        from ebakul.reports.selectors import statement_for
        from ebakul.reports.verification import statement_token

        token = statement_token(statement_for(employee=w.other, period=w.period))
        return f"/reports/cek/{token}/"
    if route.startswith("desk/^(?P<app_label>"):
        return "/desk/employees/"
    url = "/" + route
    if route.startswith("desk/tinjau/"):
        url = url.replace("<slug:slug>", "pembelian")
    if route.startswith("desk/pasar/produk/"):
        url = url.replace("<int:pk>", str(w.listing.pk))
    url = url.replace("<slug:slug>", "employees")
    url = url.replace("<int:employee_id>", str(w.other.pk))
    url = url.replace("<str:period>", w.period)
    url = url.replace("<int:id>", str(w.objects["compliance.tppdeduction"].pk))
    url = url.replace("<str:nip>", w.other.nip)
    url = url.replace("<uidb64>/<token>", "MQ/bukan-token")
    if route.startswith("sanggahan/"):
        url = url.replace("<int:pk>", str(w.objects["compliance.appeal"].pk))
    if route.startswith("notifikasi/"):
        url = url.replace("<int:pk>", str(w.notification.pk))
    url = url.replace("<int:pk>", str(w.purchase.pk))
    url = url.replace("<slug:action>", "confirm")
    assert "<" not in url and "(" not in url, f"unfilled parameter in {route}"
    return url


LOGIN_URLS = ("/desk/login/", "/masuk/")


def classify(response) -> str:
    code = response.status_code
    if code in (301, 302):
        location = response.get("Location", "")
        if any(location.startswith(u) for u in LOGIN_URLS):
            return LOGIN
        if location == reverse("admin:index"):
            return MISSING
        return REDIRECT
    return {
        200: OK,
        401: UNAUTH,
        403: FORBIDDEN,
        404: NOTFOUND,
        405: METHOD,
    }.get(code, str(code))


def _allowed(expected) -> frozenset[str]:
    if isinstance(expected, str):
        return frozenset({expected})
    return frozenset(expected)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)  # one test per role, so parallel workers share them
def test_role_url_matrix(client, ref, role):
    w = _build_world()
    client.raise_request_exception = False  # a 500 is a mismatch like any other
    table = expectation_table()
    routes = [r for r in url_patterns() if r in table]
    assert len(routes) > 100, routes
    urls = {route: concrete_url(route, w) for route in routes}
    mismatches = []
    user = w.users[role]
    if user is not None:
        client.force_login(user)
    for route in routes:
        allowed = _allowed(table[route](role))
        response = client.get(urls[route])
        got = classify(response)
        if got not in allowed:
            mismatches.append(f"{role:10} {urls[route]:70} got {got}, allowed {sorted(allowed)}")
    assert not mismatches, f"{len(mismatches)} mismatches:\n" + "\n".join(mismatches)


def test_matrix_fills_every_parameter(ref, db):
    """Every route of the table becomes a concrete URL (no parameter left)."""
    w = _build_world()
    for route in expectation_table():
        url = concrete_url(route, w)
        assert re.match(r"^/[^<>()^$]*$", url), (route, url)
