"""The in-memory band index (docs/adr/0220), the confirmation of a near match on the pictures
(docs/adr/0222) and the score of a purchase recorded from a marketplace order (docs/adr/0221)."""

import pytest
from django.core.exceptions import ValidationError

from ebakul.integrity import hashindex, selectors, services
from ebakul.integrity.fingerprints import SAME_RECEIPT, fingerprint, same_receipt
from ebakul.integrity.models import PurchaseRisk, ReceiptFingerprint, Route, SignalWeight
from ebakul.purchases.models import Purchase
from tests.integrity.conftest import copy_of, new_receipt

pytestmark = pytest.mark.django_db

TABLE = ReceiptFingerprint._meta.db_table


def reasons(purchase):
    risk = PurchaseRisk.objects.get(purchase=purchase)
    return {r.signal_code: r for r in risk.reasons.all()}, risk


def _stored(purchase) -> ReceiptFingerprint:
    return ReceiptFingerprint.objects.get(purchase=purchase)


def _query(data: bytes) -> ReceiptFingerprint:
    return ReceiptFingerprint(purchase_id=0, **services.fingerprint_fields(fingerprint(data)))


# --- the index ------------------------------------------------------------------------------
def test_a_fingerprint_stored_after_the_index_was_loaded_is_found(make_purchase, rng):
    first = make_purchase(data=new_receipt(rng))
    selectors.near_duplicates(_stored(first))  # the process's index is loaded now
    data = new_receipt(rng)
    later = make_purchase(data=data)
    found = selectors.near_duplicates(_query(copy_of(data, "resize", rng)))
    assert {m.purchase_id for m in found} == {later.pk}


def test_index_reads_only_rows_sharing_a_band(make_purchase, rng):
    a = make_purchase(data=new_receipt(rng))
    index = hashindex.BandIndex()
    index.refresh("default", TABLE)
    fp = _stored(a)
    variants = selectors._variants(fp)
    rows, touched = index.candidates(
        [(p, d) for p, d, _ in variants],
        selectors.band_probes(variants),
        selectors.NEAR_PHASH,
        selectors.NEAR_DHASH,
    )
    assert a.pk in {r[1] for r in rows}
    # A query whose bands share nothing with any stored row touches nothing.
    far = [(p ^ (2**64 - 1), d ^ (2**64 - 1), "") for p, d, _ in variants]
    rows, touched = index.candidates([(p, d) for p, d, _ in far], selectors.band_probes(far), 0, 0)
    assert rows == [] and touched <= ReceiptFingerprint.objects.count() - 1


def test_an_emptied_table_resets_the_index(make_purchase, rng):
    make_purchase(data=new_receipt(rng))
    index = hashindex.BandIndex()
    index.refresh("default", TABLE)
    assert len(index.pids) == ReceiptFingerprint.objects.count() > 0
    ReceiptFingerprint.objects.all().delete()
    index.refresh("default", TABLE)
    assert len(index.pids) == 0 and index.delta == {} and index.max_id == 0


def test_a_row_committed_out_of_order_is_still_read(make_purchase, rng):
    a = make_purchase(data=new_receipt(rng))
    b = make_purchase(data=new_receipt(rng))
    row = _stored(a)
    values = {f.attname: getattr(row, f.attname) for f in ReceiptFingerprint._meta.concrete_fields}
    row.delete()
    index = hashindex.BandIndex()
    index.refresh("default", TABLE)
    assert a.pk not in set(index.pids.tolist())
    ReceiptFingerprint.objects.create(**values)  # an older id appears after a newer one
    index.refresh("default", TABLE)
    assert a.pk in {r[1] for r in index.delta.values()}
    assert b.pk in set(index.pids.tolist())


def test_delta_merges_into_the_sorted_arrays(make_purchase, rng, monkeypatch):
    index = hashindex.BandIndex()
    index.refresh("default", TABLE)
    monkeypatch.setattr(hashindex, "MERGE_AT", 1)
    data = new_receipt(rng)
    p = make_purchase(data=data)
    index.refresh("default", TABLE)
    assert index.delta == {} and p.pk in set(index.pids.tolist())


def test_a_replaced_receipt_is_a_new_row_and_the_old_picture_no_longer_matches(make_purchase, rng):
    old, new = new_receipt(rng), new_receipt(rng)
    p = make_purchase(data=old)
    before = _stored(p).pk
    selectors.near_duplicates(_stored(p))  # loaded with the old picture
    services.record_facts(p, fp=fingerprint(new))
    assert _stored(p).pk != before
    assert p.pk not in [m.purchase_id for m in selectors.near_duplicates(_query(old))]
    assert p.pk in [m.purchase_id for m in selectors.near_duplicates(_query(new))]
    # The same picture again keeps its row.
    services.record_facts(p, fp=fingerprint(new))
    assert ReceiptFingerprint.objects.filter(purchase=p).count() == 1


# --- the confirmation on the pictures -------------------------------------------------------
def test_copies_show_the_same_strokes_and_another_receipt_does_not(rng):
    data = new_receipt(rng)
    for kind in ("reencode", "crop", "screen"):
        assert same_receipt(copy_of(data, kind, rng), data) >= SAME_RECEIPT, kind
    assert same_receipt(new_receipt(rng), data) < SAME_RECEIPT


def test_hash_near_but_another_picture_is_not_a_duplicate(make_purchase, rng):
    """Two honest receipts whose hashes happen to agree (same layout): the pictures decide."""
    a = make_purchase(data=new_receipt(rng))
    b = make_purchase(data=new_receipt(rng))
    ReceiptFingerprint.objects.filter(purchase=b).delete()
    fields = services.fingerprint_fields(
        fingerprint(Purchase.objects.get(pk=a.pk).receipt.open("rb").read())
    )
    fields["sha256_pixels"] = "0" * 64  # not the same pixels: only the hashes agree
    # Near, but not so near that the pictures are not looked at (NEAR_PHASH16_SURE).
    bits = (selectors.NEAR_PHASH16_SURE + selectors.NEAR_PHASH16) // 2
    fields["phash16"] = f"{int(fields['phash16'], 16) ^ ((1 << bits) - 1):064x}"
    ReceiptFingerprint.objects.create(purchase=b, **fields)
    near = selectors.near_duplicates(_stored(b), before_id=b.pk)
    assert {m.purchase_id for m in near} == {a.pk}
    assert {m.paper for m in near} == {False, True}  # both sets of hashes were copied
    services.score_purchase(Purchase.objects.get(pk=b.pk))
    found, _risk = reasons(b)
    assert not {code for code in found if code.startswith("duplicate_")}


# --- marketplace orders ---------------------------------------------------------------------
@pytest.fixture
def world(ref):
    from tests.marketplace.conftest import World

    return World()


def _completed_order(world, captured, name="Nasi goreng ayam"):
    from ebakul.marketplace import services as market
    from tests.marketplace.conftest import listing

    item = listing(world, name=name)
    with captured(execute=True):
        cart = market.cart_add(
            employee=world.buyer, listing=item, quantity=2, actor=world.buyer_user
        )
        order = market.order_place(order=cart, actor=world.buyer_user)
    with captured(execute=True):
        market.order_accept(order=order, actor=world.seller_user)
        market.order_mark_ready(order=order, actor=world.seller_user)
        return market.order_confirm_receipt(order=order, actor=world.buyer_user)


def test_completed_order_is_scored_as_confirmed_on_both_sides(
    world, django_capture_on_commit_callbacks
):
    done = _completed_order(world, django_capture_on_commit_callbacks)
    purchase = Purchase.objects.get(pk=done.purchase_id)
    found, risk = reasons(purchase)
    reason = found["order_confirmed_both_sides"]
    assert reason.weight == -10
    assert done.number in reason.detail
    assert risk.score == 0  # never below zero
    assert risk.route in (Route.AUTO_VERIFIED, Route.AUDIT_SAMPLE)
    purchase.refresh_from_db()
    assert purchase.status == "verified"  # the order's purchase stays verified
    row = next(
        r for r in selectors.export_rows(purchase.period) if r[1] == purchase.document_number
    )
    assert "order_confirmed_both_sides" in row[7].split(";")
    panel = selectors.risk_panel(purchase)
    assert [r["reason"].signal_code for r in panel["reasons"]] == ["order_confirmed_both_sides"]


def test_confirmation_does_not_hide_buying_from_ones_own_business(
    world, django_capture_on_commit_callbacks
):
    from ebakul.employees.models import Employee
    from ebakul.merchants.models import UmkmMerchant

    Employee.objects.filter(pk=world.buyer.pk).update(nik_hash="same-person")
    UmkmMerchant.objects.filter(pk=world.shop.pk).update(owner_nik_hash="same-person")
    done = _completed_order(world, django_capture_on_commit_callbacks)
    found, risk = reasons(Purchase.objects.get(pk=done.purchase_id))
    assert {"self_purchase_nik", "order_confirmed_both_sides"} <= set(found)
    assert risk.score == 90 - 10
    assert risk.route == Route.INVESTIGATE


def test_an_ordinary_purchase_has_no_order_confirmation(make_purchase, rng):
    p = make_purchase(data=new_receipt(rng))
    assert "order_confirmed_both_sides" not in reasons(p)[0]


def test_very_close_hashes_need_no_look_at_the_pictures_for_the_same_claim(make_purchase, rng):
    """Hashes copied from another receipt, the pictures different: a match without looking at
    the pictures when both claims name the same merchant and amount (what a copy claims), none
    for another claim (ADR 0231)."""
    from tests.factories import verified_merchant

    shop = verified_merchant()
    a = make_purchase(data=new_receipt(rng), merchant=shop, amount=50_000)
    fields = services.fingerprint_fields(
        fingerprint(Purchase.objects.get(pk=a.pk).receipt.open("rb").read())
    )
    fields["sha256_pixels"] = "0" * 64
    same = make_purchase(data=new_receipt(rng), merchant=shop, amount=50_000)
    other = make_purchase(data=new_receipt(rng), merchant=shop, amount=65_000)
    for p in (same, other):
        ReceiptFingerprint.objects.filter(purchase=p).delete()
        ReceiptFingerprint.objects.create(purchase=p, **fields)
        services.score_purchase(Purchase.objects.get(pk=p.pk))
    assert reasons(same)[0]["duplicate_receipt_near"].related_purchase_id == a.pk
    assert "duplicate_receipt_near" not in reasons(other)[0]


def test_weights_may_be_negative_within_bounds():
    SignalWeight(signal_code="order_confirmed_both_sides", weight=-30).full_clean()
    with pytest.raises(ValidationError):
        SignalWeight(signal_code="order_confirmed_both_sides", weight=-101).full_clean()


def test_orders_receipts_look_alike_but_are_no_copies_and_a_photo_of_one_is(
    world, django_capture_on_commit_callbacks, make_purchase, rng
):
    """eBakul draws each order's receipt: two orders' drawings come as close on the hashes as a
    copy does, yet neither is a copy; a photo of one uploaded as an ordinary claim is."""
    captured = django_capture_on_commit_callbacks
    first = Purchase.objects.get(pk=_completed_order(world, captured).purchase_id)
    second = Purchase.objects.get(pk=_completed_order(world, captured, "Es teh").purchase_id)
    assert selectors.near_duplicates(_stored(second), before_id=second.pk)  # the hashes agree
    for p in (first, second):
        assert not {c for c in reasons(p)[0] if c.startswith("duplicate_")}
    with first.receipt.open("rb") as fh:
        photo = copy_of(fh.read(), "resize", rng)
    claim = make_purchase(data=photo, merchant=first.merchant, amount=first.amount)
    found, risk = reasons(claim)
    assert found["duplicate_receipt_near"].related_purchase_id == first.pk
    assert risk.route == Route.INVESTIGATE
