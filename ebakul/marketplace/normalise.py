"""Indonesian-aware normalisation of search text (docs/adr/0401).

The same function runs over what is indexed and over what is searched, so both sides agree:
case folded, accents dropped, reduplication reduced (``kue-kue`` → ``kue``), old spellings
mapped to the current ones (``oe``→``u``, ``dj``→``j``, ``tj``→``c``, ``nj``→``ny``,
``sj``→``sy``, ``ch``→``kh``), and synonyms (data: ``SearchSynonym`` rows, e.g. ``nasgor`` →
``nasi goreng``) replaced by their canonical words. Tokens shorter than MariaDB's FULLTEXT
minimum (3) are padded with ``_`` so ``es teh`` can still be found.
"""

from __future__ import annotations

import re
import unicodedata

REDUPLICATION = re.compile(r"\b(\w+)-\1\b")
NON_WORD = re.compile(r"[^0-9a-z]+")
# Ordered: the longer clusters first.
SPELLING = (("oe", "u"), ("dj", "j"), ("tj", "c"), ("nj", "ny"), ("sj", "sy"), ("ch", "kh"))
MIN_TOKEN = 3
PAD = "_"


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.casefold()


def _spell(token: str) -> str:
    for old, new in SPELLING:
        token = token.replace(old, new)
    return token


def _pad(token: str) -> str:
    return token if len(token) >= MIN_TOKEN else token + PAD * (MIN_TOKEN - len(token) + 1)


def tokens(text: str, synonyms: dict[str, str] | None = None) -> list[str]:
    """The normalised words of ``text`` (unpadded)."""
    folded = REDUPLICATION.sub(r"\1", _fold(text))
    words = [_spell(w) for w in NON_WORD.split(folded) if w]
    if synonyms:
        expanded: list[str] = []
        for word in words:
            expanded.extend(synonyms.get(word, word).split())
        words = expanded
    return words


def normalise(text: str, synonyms: dict[str, str] | None = None) -> str:
    """Text as stored in the search columns: normalised and padded words separated by spaces."""
    return " ".join(_pad(t) for t in tokens(text, synonyms))


def query_terms(text: str, synonyms: dict[str, str] | None = None, limit: int = 8) -> list[str]:
    """The distinct padded terms of a query, in order, at most ``limit``."""
    seen: list[str] = []
    for token in tokens(text, synonyms):
        padded = _pad(token)
        if padded not in seen:
            seen.append(padded)
    return seen[:limit]


def normalise_synonym_key(term: str) -> str:
    """How a synonym's left side is stored: one normalised word (spelling folded)."""
    words = tokens(term)
    return words[0] if len(words) == 1 else " ".join(words)
