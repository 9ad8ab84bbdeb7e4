"""Every desk and portal page, for each role, speaks Indonesian (issue 13): no common English UI
word and no raw status code in the text a person reads.

The pages are the URL walk of the role x URL matrix (its world builder and ``concrete_url``):
each route a role may open (expected ``ok``) is rendered in the default language and its visible
text (``tests/language.py``: text nodes, without scripts, styles or attributes) is checked.
The checker itself is shown to catch a planted English word and a planted code.
"""

from __future__ import annotations

import pytest

from tests.language import english_words, raw_codes, status_codes, visible_text
from tests.security.test_role_url_matrix import (
    OK,
    ROLES,
    _allowed,
    _build_world,
    concrete_url,
    expectation_table,
    url_patterns,
)

# Pages that are not an Indonesian screen of eBakul: the API's own documentation (for the
# e-TPP developers, generated from the OpenAPI schema) and machine-readable answers.
NOT_SCREENS = (
    "api/v1/",
    "desk/jsi18n/",
    "i18n/setlang/",
    # Open-data files: documented English field names for programs (ADR 0410).
    "data/<str:period>.csv",
    "data/<str:period>.json",
)

# Configuration pages whose data IS the codes (the workflow editor: a state's code is a field
# the administrator edits) may show codes, never English words.
CODES_ARE_DATA = (
    "desk/workflow/workflowdefinition/",
    "desk/workflow/workflowtransition/",
    "desk/django_celery_beat/periodictask/",
    # Search synonyms: words as people type them ("servis" is searched as "service", the word
    # the catalogue uses), which may equal a code (a listing's kind "service"). ADR 0421.
    "desk/marketplace/searchsynonym/",
)


# Texts left as they are, each for a reason (ADR 0145): Django's Indonesian for the "usable
# password" switch names the "Single Sign-On" product; a delete confirmation lists Django's
# automatic many-to-many rows ("Hubungan user-group: User_groups object (6)") by their model name.
KNOWN_GAPS_PREFIXES = ("Apakah pengguna dapat mengautentifikasi", "Hubungan ")


class _KnownGaps:
    def __contains__(self, text: str) -> bool:
        return text.startswith(KNOWN_GAPS_PREFIXES)


KNOWN_GAPS = _KnownGaps()


def _problems(html: str, codes: frozenset[str], codes_allowed: bool) -> list[str]:
    texts = [t for t in visible_text(html) if t not in KNOWN_GAPS]
    found = english_words(texts, allowed=codes if codes_allowed else frozenset())
    if not codes_allowed:
        found += raw_codes(texts, codes)
    return found


def test_checker_catches_a_planted_english_word_and_code():
    codes = frozenset({"merchant_confirmed", "verified"})
    html = (
        "<html><body><h1>Daftar belanja</h1><button>Save</button>"
        '<input type="checkbox" class="material-symbols-outlined">'
        "<td>merchant_confirmed</td><td>verified</td>"
        '<a title="Delete this">Hapus</a><script>var x = "Delete the page";</script>'
        "</body></html>"
    )
    found = _problems(html, codes, codes_allowed=False)
    assert any("Save" in f for f in found), found
    assert any("merchant_confirmed" in f for f in found), found
    assert any("'verified'" in f for f in found), found
    # attributes and scripts are not visible text
    assert not any("Delete" in f for f in found), found
    clean = "<html><body><h1>Daftar belanja</h1><button>Simpan</button><td>Terverifikasi</td>"
    assert _problems(clean, codes, codes_allowed=False) == []


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)  # one test per role, so parallel workers share them
def test_every_page_for_every_role_is_indonesian(client, ref, role):
    w = _build_world()
    codes = status_codes()
    table = expectation_table()
    routes = [
        r for r in url_patterns() if r in table and not any(r.startswith(p) for p in NOT_SCREENS)
    ]
    urls = {route: concrete_url(route, w) for route in routes}
    problems = []
    rendered = 0
    expected = 0
    user = w.users[role]
    if user is not None:
        client.force_login(user)
    for route in routes:
        if OK not in _allowed(table[route](role)):
            continue
        expected += 1
        response = client.get(urls[route])
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        rendered += 1
        codes_allowed = any(route.startswith(p) for p in CODES_ARE_DATA)
        for problem in _problems(response.content.decode(), codes, codes_allowed):
            problems.append(f"{role:10} {urls[route]}: {problem}")
    # Most pages a role may open are screens (the rest are downloads and API answers).
    assert rendered >= expected // 2, (rendered, expected)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
