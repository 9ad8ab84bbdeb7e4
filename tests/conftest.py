import os

import pytest

# Playwright's sync API runs an event loop; Django refuses ORM calls from a thread that has one
# unless told otherwise. Only the browser tests' live server thread is affected.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _load_reference():
    from ebakul.core.reference import run_all

    run_all(log=lambda _msg: None)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Reference data is loaded once into the test database, by the real loaders."""
    with django_db_blocker.unblock():
        _load_reference()


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


# --- Browser tests (Playwright on Debian's Chromium; helpers in tests/e2e/conftest.py) --------


@pytest.fixture(scope="session")
def browser():
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
