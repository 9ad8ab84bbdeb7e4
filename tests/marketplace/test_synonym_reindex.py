"""Editing a search synonym in the desk rebuilds the search text of the listings it touches,
through ``core.dispatch`` and a Celery task (ADR 0421): search finds them without a manual
command; the task is idempotent; a refused edit changes nothing and starts nothing.

FULLTEXT sees only committed rows, so these tests commit (``transaction=True``)."""

import pytest
from django.urls import reverse

from ebakul.accounts import roles
from ebakul.core.models import QueuedJob
from ebakul.marketplace import services as s
from ebakul.marketplace import tasks
from ebakul.marketplace.models import Listing, SearchSynonym
from ebakul.marketplace.selectors import search_listings
from tests.factories import UserFactory

from .conftest import World, listing

pytestmark = pytest.mark.django_db(transaction=True)


def _norm(item) -> str:
    return Listing.objects.get(pk=item.pk).name_norm


def _found(q: str) -> set[str]:
    return set(search_listings(q=q).values_list("name", flat=True))


def test_desk_edits_of_a_synonym_reindex_the_listings_it_touches(ref, client):
    world = World()
    nasbak = listing(world, "Nasbak Ayam", price=12_000)
    other = listing(world, "Kopi Tubruk", price=5_000)
    other_norm = _norm(other)
    admin = UserFactory(username="admin-sinonim", role=roles.ADMIN)
    client.force_login(admin)
    assert "Nasbak Ayam" not in _found("nasi bakar")

    # add: nasbak is searched as "nasi bakar"
    response = client.post(
        reverse("admin:marketplace_searchsynonym_add"),
        {"term": "  NASBAK ", "canonical": "Nasi Bakar"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    synonym = SearchSynonym.objects.get(term="nasbak")
    assert synonym.canonical == "nasi bakar"
    assert _norm(nasbak) == "nasi bakar ayam"
    assert _norm(other) == other_norm
    assert "Nasbak Ayam" in _found("nasi bakar")
    assert "Nasbak Ayam" in _found("nasbak")
    job = QueuedJob.objects.get(task=tasks.reindex_synonym_listings.name)
    assert job.sent_at is not None

    # change what it is searched as: the listing follows
    client.post(
        reverse("admin:marketplace_searchsynonym_change", args=[synonym.pk]),
        {"term": "nasbak", "canonical": "nasi panggang"},
    )
    assert _norm(nasbak) == "nasi panggang ayam"
    assert "Nasbak Ayam" in _found("nasi panggang")
    assert "Nasbak Ayam" not in _found("nasi bakar")

    # delete: back to the word as written
    client.post(
        reverse("admin:marketplace_searchsynonym_delete", args=[synonym.pk]), {"post": "yes"}
    )
    assert not SearchSynonym.objects.filter(term="nasbak").exists()
    assert _norm(nasbak) == "nasbak ayam"
    assert "Nasbak Ayam" in _found("nasbak")
    assert "Nasbak Ayam" not in _found("nasi panggang")
    assert QueuedJob.objects.filter(task=tasks.reindex_synonym_listings.name).count() == 3


def test_the_reindex_is_idempotent_and_touches_only_affected_listings(ref):
    world = World()
    item = listing(world, "Gethuk Lindri", price=10_000)
    listing(world, "Es Teh Manis", price=4_000)
    SearchSynonym.objects.create(term="gethuk", canonical="getuk")
    groups = [["gethuk"], ["getuk"]]
    assert s.reindex_listings(groups) == 1
    assert _norm(item) == "getuk lindri"
    assert s.reindex_listings(groups) == 0  # a second run (a retried task) changes nothing
    assert tasks.reindex_synonym_listings.apply(args=[groups]).get() == 0


def test_a_refused_synonym_changes_nothing_and_starts_nothing(ref, client):
    world = World()
    item = listing(world, "Nasbak Ayam", price=12_000)
    before = _norm(item)
    client.force_login(UserFactory(username="admin-sinonim-2", role=roles.ADMIN))
    response = client.post(
        reverse("admin:marketplace_searchsynonym_add"),
        {"term": "nasi bakar", "canonical": "nasi bakar"},
    )
    assert response.status_code == 200  # the form again, with the reason
    assert "satu kata" in response.content.decode()
    assert not SearchSynonym.objects.filter(canonical="nasi bakar").exists()
    assert not QueuedJob.objects.filter(task=tasks.reindex_synonym_listings.name).exists()
    assert _norm(item) == before
    # verifiers do not edit synonyms
    client.force_login(UserFactory(username="verif-sinonim", role=roles.VERIFIER))
    response = client.post(
        reverse("admin:marketplace_searchsynonym_add"), {"term": "nasbak", "canonical": "x"}
    )
    assert response.status_code == 403
    assert not SearchSynonym.objects.filter(term="nasbak").exists()
