import pytest
from django.urls import reverse

from ebakul.integrity.models import PurchaseRisk, Route
from tests.integrity.conftest import copy_of, new_receipt

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(make_purchase, rng):
    data = new_receipt(rng)
    original = make_purchase(data=data)
    copy = make_purchase(data=copy_of(data, "rotate180", rng), merchant=original.merchant)
    assert PurchaseRisk.objects.get(purchase=copy).route == Route.INVESTIGATE
    return original, copy


def test_investigation_queue_shows_both_receipts_side_by_side(client, verifier, pair):
    original, copy = pair
    client.force_login(verifier)
    page = client.get(reverse("admin:integrity_purchaserisk_investigation")).content.decode()
    assert copy.document_number in page and original.document_number in page
    assert reverse("portal:receipt", args=[copy.pk]) in page
    assert reverse("portal:receipt", args=[original.pk]) in page
    assert "side-by-side" in page
    # the original itself is not in the queue
    assert page.count('class="border rounded-default p-4 flex flex-col gap-3 investigation"') == 1
    # the verifier may open both receipts
    assert client.get(reverse("portal:receipt", args=[original.pk])).status_code == 200


def test_report_counts_signals_and_clusters(client, admin_user, pair):
    original, copy = pair
    client.force_login(admin_user)
    page = client.get(
        reverse("admin:integrity_purchaserisk_report"), {"period": copy.period}
    ).content.decode()
    assert original.document_number in page  # the cluster's original
    assert "Foto nota mirip klaim sebelumnya" in page


def test_operator_sees_neither_page(client, operator_user, pair):
    client.force_login(operator_user)
    assert client.get(reverse("admin:integrity_purchaserisk_investigation")).status_code == 403
    assert client.get(reverse("admin:integrity_purchaserisk_report")).status_code == 403


def test_signals_panel_names_the_signal_and_links_the_earlier_claim(
    pair, django_assert_max_num_queries
):
    from django.template import Context, Template
    from django.utils import translation

    original, copy = pair
    with translation.override("id"), django_assert_max_num_queries(3):
        html = Template("{% load integrity %}{% integrity_signals purchase %}").render(
            Context({"purchase": copy})
        )
    assert "Foto nota mirip klaim sebelumnya" in html
    assert reverse("portal:receipt", args=[original.pk]) in html
    assert "Investigasi" in html


def test_investigation_queue_queries_do_not_grow_with_claims(
    client, verifier, make_purchase, rng, django_assert_max_num_queries
):
    for _ in range(3):
        data = new_receipt(rng)
        original = make_purchase(data=data)
        make_purchase(data=copy_of(data, "reencode", rng), merchant=original.merchant)
    client.force_login(verifier)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("admin:integrity_purchaserisk_investigation"))
    assert page.content.decode().count("side-by-side") == 3
