import datetime as dt
import os

import pytest
import time_machine

# Playwright's sync API runs an event loop; Django refuses ORM calls from a thread that has one
# unless told otherwise. Only the browser tests' live server thread is affected.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The test clock. ``EBAKUL_TEST_NOW=2028-02-29T12:00:00+07:00`` runs the whole session at that
# moment (the clock keeps ticking from there): tests derive their periods from "now", and
# scripts/test.sh runs the compliance tests a second time this way to prove they do (ADR 0101).
# The travel starts when this file is imported, before any test module or nested conftest
# computes a period from "now" at import time.
_session_travel = None
if os.environ.get("EBAKUL_TEST_NOW"):
    _session_travel = time_machine.travel(
        dt.datetime.fromisoformat(os.environ["EBAKUL_TEST_NOW"]), tick=True
    )
    _session_travel.start()


def pytest_unconfigure(config):
    global _session_travel
    if _session_travel is not None:
        _session_travel.stop()
        _session_travel = None


def pytest_report_header(config):
    now = os.environ.get("EBAKUL_TEST_NOW")
    return f"test clock: {now}" if now else None


def _load_reference():
    from ebakul.core.reference import run_all

    run_all(log=lambda _msg: None)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Reference data is loaded once into the test database, by the real loaders."""
    with django_db_blocker.unblock():
        _load_reference()


@pytest.fixture(autouse=True)
def _fresh_workflow_cache():
    """A rolled-back test leaves no workflow states behind in the request-local cache (the
    rollback fires no signal); each test starts like a fresh request."""
    from ebakul.workflow.selectors import reset_cache

    reset_cache()
    yield
    reset_cache()


@pytest.fixture
def ref(db):
    """Reference data present. Transactional tests (live server) flush tables after each test,
    so this reloads it when it is gone; in ordinary tests it is a single query."""
    from ebakul.merchants.models import Kecamatan

    if not Kecamatan.objects.exists():
        _load_reference()


def _user(role, username, **kwargs):
    from tests.factories import UserFactory

    return UserFactory(username=username, role=role, **kwargs)


@pytest.fixture
def admin_user(ref):
    from ebakul.accounts import roles

    return _user(roles.ADMIN, "admin-ebakul")


@pytest.fixture
def verifier(ref):
    from ebakul.accounts import roles

    return _user(roles.VERIFIER, "verifikator1")


@pytest.fixture
def employee_user(ref):
    from ebakul.accounts import roles
    from tests.factories import EmployeeFactory

    user = _user(roles.EMPLOYEE, "pegawai1")
    EmployeeFactory(user=user)
    return user


@pytest.fixture
def merchant_user(ref):
    from ebakul.accounts import roles

    return _user(roles.MERCHANT, "penjual1")


@pytest.fixture
def operator_user(ref):
    from ebakul.accounts import roles
    from ebakul.employees.models import UnitOperator, WorkUnit

    user = _user(roles.UNIT_OPERATOR, "operator-dinkes")
    UnitOperator.objects.create(user=user, work_unit=WorkUnit.objects.get(code="DINKES"))
    return user


# --- browser tests (tests/e2e, tests/security) ------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session (constants in tests/e2e/conftest.py)."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, live_server):
    """``open_page(PHONE)`` → a page in a fresh context (own cookies) at that size."""
    from tests.e2e.conftest import PHONE

    contexts = []

    def _open(viewport=PHONE, locale="id-ID"):
        context = browser.new_context(viewport=viewport, locale=locale, base_url=live_server.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()
