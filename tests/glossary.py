"""The glossary checker (docs/glossary.md, issue 13): the words the glossary rules out must not
appear in an Indonesian msgstr of any catalogue or in the text of a template."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "docs" / "glossary.md"

ROW = re.compile(r"^\|(?P<concept>[^|]+)\|(?P<word>[^|]+)\|(?P<out>[^|]*)\|\s*$")
TERM = re.compile(r"`([^`]+)`")
MSGSTR = re.compile(r'^msgstr(?:\[\d+\])? ((?:".*"\n?)+)', re.M)
TEMPLATE_TAG = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}|<[^>]*>", re.S)


def ruled_out(glossary: Path = GLOSSARY) -> dict[str, str]:
    """{ruled-out term: the word to use instead}, from the glossary's table rows."""
    terms = {}
    for line in glossary.read_text(encoding="utf-8").splitlines():
        m = ROW.match(line)
        if not m or set(m["concept"].strip()) <= {"-", " ", ":"}:
            continue
        for term in TERM.findall(m["out"]):
            terms[term] = m["word"].strip()
    return terms


def msgstrs(po: Path) -> list[str]:
    text = po.read_text(encoding="utf-8")
    return ["".join(re.findall(r'"(.*)"', m)) for m in MSGSTR.findall(text)]


def template_text(path: Path) -> str:
    return TEMPLATE_TAG.sub(" ", path.read_text(encoding="utf-8"))


def violations(terms: dict[str, str], sources: dict[str, list[str]]) -> list[str]:
    """Every use of a ruled-out term: ``sources`` maps a file to its texts."""
    patterns = {t: re.compile(rf"(?<!\w){re.escape(t)}(?!\w)", re.I) for t in terms}
    found = []
    for name, texts in sources.items():
        for text in texts:
            for term, pattern in patterns.items():
                if pattern.search(text):
                    found.append(f"{name}: {term!r} (use {terms[term]!r}) in {text[:100]!r}")
    return found


def project_sources(root: Path = ROOT) -> dict[str, list[str]]:
    sources = {}
    for po in sorted((root / "ebakul").glob("**/locale/id/LC_MESSAGES/django.po")):
        sources[str(po.relative_to(root))] = msgstrs(po)
    for template in sorted((root / "ebakul").glob("**/templates/**/*.html")):
        sources[str(template.relative_to(root))] = [template_text(template)]
    return sources
