"""Browser tests: Playwright's sync API driving Debian's headless Chromium against
pytest-django's live server (transactional: request ``ref`` to have reference data).

The ``browser`` and ``open_page`` fixtures live in tests/conftest.py, so browser tests in other
folders (tests/security) share the one session browser (two sync Playwright instances cannot
run in one process)."""

from pathlib import Path

from django.conf import settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "rahasia-123"


# The ``browser`` and ``open_page`` fixtures are in tests/conftest.py: one Playwright session for
# every folder with browser tests (e2e, security); two would clash in one process.


def shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def loaded_width(page, img) -> int:
    """The decoded width of an <img> once the browser is done with it (0 when it is broken).

    A lazy or slow image is visible before it has loaded; reading naturalWidth at once races
    the download. Waiting for ``complete`` (true on load and on error alike) removes the race
    and still lets a broken image fail the caller's assertion.
    """
    img.scroll_into_view_if_needed()
    handle = img.element_handle()
    page.wait_for_function("(img) => img.complete", arg=handle)
    return page.evaluate("(img) => img.naturalWidth", handle)


def login(page, username: str, password: str = PASSWORD):
    page.goto("/masuk/")
    page.get_by_label("NIP atau nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()
