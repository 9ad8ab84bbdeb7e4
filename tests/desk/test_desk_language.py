"""The desk speaks Indonesian by default, English on request."""

from django.urls import reverse

from tests.factories import EmployeeFactory

URL = reverse("admin:employees_employee_changelist")


def _html(response):
    assert response.status_code == 200
    return response.content.decode()


def test_desk_is_indonesian_by_default(admin_client, ref):
    EmployeeFactory()
    html = _html(admin_client.get(URL))
    assert "Kelas jabatan" in html  # column header from verbose_name "job class"
    assert "Pagu TPP (Rp)" in html
    assert "Job class" not in html
    assert '<html lang="id"' in html


def test_browser_language_does_not_override_indonesian(admin_client, ref):
    """Indonesian first: an English browser still gets Indonesian until the user switches."""
    EmployeeFactory()
    html = _html(admin_client.get(URL, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"))
    assert "Kelas jabatan" in html
    assert "Job class" not in html


def test_desk_in_english_with_the_language_cookie(admin_client, ref):
    from django.conf import settings

    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = _html(admin_client.get(URL))
    assert "Job class" in html
    assert "Kelas jabatan" not in html


def test_language_switch_sets_english(admin_client, ref):
    response = admin_client.post("/i18n/setlang/", {"language": "en", "next": URL})
    assert response.status_code == 302
    html = _html(admin_client.get(URL))
    assert "Job class" in html


def test_validation_messages_follow_the_language(admin_client, ref):
    from tests.desk.test_desk_writes import EMPLOYEE_ADD, employee_post

    html = _html(admin_client.post(EMPLOYEE_ADD, employee_post(nip="123")))
    assert "NIP harus tepat 18 digit angka." in html
    from django.conf import settings

    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = _html(admin_client.post(EMPLOYEE_ADD, employee_post(nip="123")))
    assert "NIP must be exactly 18 digits." in html


def test_every_desk_catalogue_is_complete():
    """Every msgid of the desk's catalogues has an Indonesian msgstr."""
    import re
    from pathlib import Path

    from django.conf import settings

    base = Path(settings.BASE_DIR) / "ebakul"
    paths = [base / "locale"] + [
        base / app / "locale" for app in ("core", "accounts", "employees", "merchants", "purchases")
    ]
    for path in paths:
        po = (path / "id" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
        blocks = [
            b
            for b in po.split("\n\n")
            if "msgid " in b and 'msgid ""\nmsgstr ""\n"Project' not in b
        ]
        empty = [
            b
            for b in blocks
            if re.search(r'^msgstr ""$', b, re.M) and not re.search(r'^msgstr ""\n"', b, re.M)
        ]
        assert not empty, f"{path}: untranslated {empty[:3]}"
        assert "#, fuzzy" not in po, path
