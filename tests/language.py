"""What a person reads on a page, and the English words and raw codes that must not be in it
(issue 13, "Everything Indonesian, nothing raw").

``visible_text`` keeps the text nodes of an HTML page, skipping ``<script>``, ``<style>``,
``<template>``, ``<noscript>`` and every attribute (a ``title`` or ``value`` is not read as text
here; the visible labels are). ``english_words`` and ``raw_codes`` then find what must not be
shown on an Indonesian screen.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# An icon's name (a ligature of the icon font, e.g. "search") is not read as a word.
SKIPPED_TAGS = {"script", "style", "template", "noscript", "svg", "code", "pre"}

# Common English words of a user interface. None of them is an Indonesian word (so "data",
# "status", "total", "filter", "admin", "email", "no" -- nomor -- and "per" are not listed).
ENGLISH_WORDS = frozenset(
    """
    the and of with you your this that from by or is are was were will not yes please
    select add save delete change search history home view show hide clear choose remove
    submit cancel close back next previous today now yesterday tomorrow none unknown
    enabled disabled active inactive name date time description created updated last first
    password username login logout sign welcome task tasks schedule scheduled interval
    crontab periodic minute minutes hour hours day days second seconds week weeks month
    months year years every export import download upload page results result selected
    actions action filters apply reset run count true false user users group groups
    permissions permission site administration dashboard settings profile theme light
    dark system language required optional loading error errors warning success failed
    pending running finished started verified submitted rejected confirmed disputed draft
    approved cancelled canceled open closed items item record records object objects
    add_another another edit new all any more less here there what which who when where
    why how should must can could would may might been being have has had do does did
    """.split()  # noqa: SIM905 (a word list reads better as text)
)

# English phrases worth naming on their own (they survive even if a word above is dropped).
ENGLISH_PHRASES = ("Log out", "View site", "Change password", "Save and", "Select all")

# Elements without an end tag (an icon class on a checkbox must not hide the rest of the page).
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
MASKED = re.compile(r"\w+\*{3,}")
WORD = re.compile(r"[A-Za-z][A-Za-z_]*")
# Data that is not language: a dotted task path ("ebakul.compliance.tasks.lock_period") and a
# time zone name ("America/New York") in the scheduled jobs' forms.
NOT_LANGUAGE = re.compile(r"[a-z_]+(\.[a-z_]+)+|[A-Z][A-Za-z_]+(/[A-Za-z_ -]+)+")


class _TextParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.parts: list[str] = []

        self.icon_tag = ""  # inside an icon font ligature (class "material-symbols-...")
        self.icon_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_TAGS:
            self.skip += 1
        elif self.icon_depth and tag == self.icon_tag:
            self.icon_depth += 1
        elif (
            not self.icon_depth
            and tag not in VOID_TAGS
            and "material-symbols" in (dict(attrs).get("class") or "")
        ):
            self.icon_tag, self.icon_depth = tag, 1
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS and self.skip:
            self.skip -= 1
        elif self.icon_depth and tag == self.icon_tag:
            self.icon_depth -= 1
            if not self.icon_depth:
                self.skip -= 1

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> list[str]:
    """The text nodes a person reads, in page order."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return parser.parts


def english_words(texts: list[str], allowed: frozenset[str] = frozenset()) -> list[str]:
    """The English words and phrases found in the texts (each with its text node)."""
    found = []
    for text in texts:
        if NOT_LANGUAGE.fullmatch(text):
            continue
        hits = [p for p in ENGLISH_PHRASES if p in text]
        hits += [
            w
            # A masked value ("Do*****": the start of a password hash, a masked NIK) is data.
            for w in WORD.findall(MASKED.sub(" ", text))
            if w.lower() in ENGLISH_WORDS and w.lower() not in allowed and "_" not in w
        ]
        if hits:
            found.append(f"{sorted(set(hits))} in {text[:120]!r}")
    return found


def status_codes() -> frozenset[str]:
    """Every stored choice code of the project's models whose label differs from the code,
    plus every workflow state and action: none of them is ever shown as it is."""
    from django.apps import apps

    codes = set()
    for model in apps.get_models():
        if not model.__module__.startswith("ebakul."):
            continue
        for field in model._meta.get_fields():
            choices = getattr(field, "flatchoices", None) or ()
            for value, _label in choices:
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z_]+", value):
                    codes.add(value)
    from ebakul.workflow.models import WorkflowState, WorkflowTransition

    codes.update(WorkflowState.objects.values_list("code", flat=True))
    codes.update(WorkflowTransition.objects.values_list("code", flat=True))
    return frozenset(c for c in codes if c and re.fullmatch(r"[a-z][a-z_]+", c))


def raw_codes(texts: list[str], codes: frozenset[str]) -> list[str]:
    """Text nodes that are a raw code, or contain a code with an underscore as a word."""
    found = []
    for text in texts:
        if text in codes:
            found.append(f"code {text!r}")
            continue
        for w in WORD.findall(text):
            if "_" in w and w in codes:
                found.append(f"code {w!r} in {text[:120]!r}")
    return found
