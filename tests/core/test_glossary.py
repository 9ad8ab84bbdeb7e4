"""The glossary (docs/glossary.md) is kept: no ruled-out word in an Indonesian translation or a
template (issue 13). The checker is shown to catch a planted example."""

from tests.glossary import msgstrs, project_sources, ruled_out, template_text, violations


def test_glossary_rules_out_the_confusable_words():
    terms = ruled_out()
    # a merchant's dispute is never a "sanggahan"; sign-in is "masuk"
    assert terms["penjual menyanggah"].startswith("bantahan")
    assert terms["login"].startswith("masuk")
    assert len(terms) >= 20


def test_no_ruled_out_word_in_catalogues_or_templates():
    found = violations(ruled_out(), project_sources())
    assert not found, "Words the glossary rules out (docs/glossary.md):\n" + "\n".join(found)


def test_checker_catches_a_planted_word(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid "The business disputes it"\nmsgstr "Penjual menyanggah"\n\n'
        'msgid "Failed login"\nmsgstr ""\n"Gagal "\n"login"\n\n'
        'msgid "login page"\nmsgstr "halaman masuk"\n',
        encoding="utf-8",
    )
    template = tmp_path / "page.html"
    template.write_text(
        '{% load i18n %}<a href="{% url "login" %}" class="login">Struk belanja</a>',
        encoding="utf-8",
    )
    sources = {"django.po": msgstrs(po), "page.html": [template_text(template)]}
    found = violations(ruled_out(), sources)
    assert any("'penjual menyanggah'" in f for f in found), found
    assert any("'login'" in f and "django.po" in f for f in found), found  # a wrapped msgstr
    assert any("'struk'" in f for f in found), found
    # msgids, template tags and attributes are not read: "login" appears once (the msgstr)
    assert sum("'login'" in f for f in found) == 1, found
