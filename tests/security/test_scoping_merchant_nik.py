"""Finding 11 (NIK part) of issue 10: the merchant change page showed the owner's full NIK to
every operator (the list masked it). Only an administrator sees it in full (docs/adr/0089);
the change page and the history show it masked to everyone else."""

import pytest
from django.urls import reverse

from ebakul.core.validators import mask_nik
from tests.factories import MerchantFactory


@pytest.fixture
def merchant(ref, admin_user):
    m = MerchantFactory(status="draft")
    old_nik = m.owner_nik
    from ebakul.merchants.services import merchant_update

    new_nik = old_nik[:-4] + ("0000" if old_nik[-4:] != "0000" else "1111")
    merchant_update(merchant=m, actor=admin_user, owner_nik=new_nik)
    m.refresh_from_db()
    m.old_nik = old_nik
    return m


def _pages(merchant):
    version = merchant.history.order_by("-history_id").first().history_id
    return [
        reverse("admin:merchants_umkmmerchant_change", args=[merchant.pk]),
        reverse("admin:merchants_umkmmerchant_history", args=[merchant.pk]),
        reverse("admin:merchants_umkmmerchant_simple_history", args=[merchant.pk, version]),
        reverse("admin:merchants_umkmmerchant_changelist"),
    ]


@pytest.mark.parametrize("who", ["operator_user", "verifier"])
def test_operator_and_verifier_see_the_owner_nik_masked(client, request, merchant, who):
    client.force_login(request.getfixturevalue(who))
    for url in _pages(merchant):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert merchant.owner_nik not in html, url
        assert merchant.old_nik not in html, url
    change = client.get(_pages(merchant)[0]).content.decode()
    assert mask_nik(merchant.owner_nik) in change


def test_a_post_by_a_verifier_cannot_touch_the_nik(client, verifier, merchant):
    client.force_login(verifier)
    page = client.get(_pages(merchant)[0])
    assert "owner_nik" not in page.context["adminform"].form.fields


def test_administrator_sees_the_full_nik(client, admin_user, merchant):
    client.force_login(admin_user)
    html = client.get(_pages(merchant)[0]).content.decode()
    assert merchant.owner_nik in html
