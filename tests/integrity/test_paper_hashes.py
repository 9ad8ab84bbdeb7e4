"""The paper's hashes (docs/adr/0231): the sheet found in a photo by its edges, its perspective
undone and its lighting divided out; a second band index; the finer check of a match found by
them; and ``manage.py recompute_fingerprints`` for fingerprints made before them."""

import io
import random

import numpy as np
import pytest
from django.core.management import call_command
from PIL import Image, ImageDraw, ImageEnhance

from ebakul.integrity import hashindex, selectors
from ebakul.integrity.fingerprints import (
    SAME_RECEIPT,
    fingerprint,
    normalise_paper,
    open_upright,
    paper_quad,
    same_receipt,
)
from ebakul.integrity.models import PurchaseRisk, ReceiptFingerprint, Route
from tests.factories import verified_merchant
from tests.integrity import generator_alt as alt

TABLE = ReceiptFingerprint._meta.db_table


def _jpeg(img: Image.Image, quality: int = 85) -> bytes:
    out = io.BytesIO()
    img.convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


def _scene(corners, *, surface=90, frame=None, size=(600, 800)) -> Image.Image:
    """A textured surface with a printed sheet whose corners are ``corners`` (tl, tr, br, bl);
    ``frame``: a dark border of that many pixels around the whole (a screen's bezel)."""
    rng = random.Random(5)
    w, h = size
    noise = alt._noise((w, h), 20, rng).point(lambda v: max(0, min(255, surface + (v - 128) // 3)))
    scene = noise.convert("RGB")
    sheet = Image.new("L", (300, 420), 245)
    draw = ImageDraw.Draw(sheet)
    for y in range(20, 400, 18):
        draw.text((15, y), "".join(rng.choice("ABCDEFGH 0123456789") for _ in range(24)), fill=20)
    import cv2

    src = np.float32([[0, 0], [299, 0], [299, 419], [0, 419]])
    m = cv2.getPerspectiveTransform(src, np.float32(corners))
    warped = cv2.warpPerspective(np.asarray(sheet), m, (w, h), borderValue=0)
    mask = cv2.warpPerspective(np.full((420, 300), 255, np.uint8), m, (w, h), borderValue=0)
    scene.paste(Image.fromarray(warped).convert("RGB"), (0, 0), Image.fromarray(mask))
    if frame:
        framed = Image.new("RGB", (w + 2 * frame, h + 2 * frame), (18, 18, 22))
        framed.paste(scene, (frame, frame))
        scene = framed
    return scene


CORNERS = [[140, 150], [430, 170], [450, 640], [120, 610]]


def _found(img: Image.Image):
    gray = img.convert("L")
    scale = min(1.0, 512 / max(gray.size))
    gray.thumbnail((512, 512))
    return paper_quad(np.asarray(gray)), scale


def test_the_sheet_is_found_by_its_edges_in_perspective():
    quad, scale = _found(_scene(CORNERS))
    assert quad is not None
    expected = np.float32(CORNERS) * scale
    assert np.abs(quad - expected).max() <= 6, (quad, expected)


def test_on_a_photographed_screen_the_brighter_sheet_is_taken_not_the_screen():
    frame = 40
    quad, scale = _found(_scene(CORNERS, frame=frame, surface=70))
    expected = (np.float32(CORNERS) + frame) * scale
    assert quad is not None and np.abs(quad - expected).max() <= 6, (quad, expected)


def test_a_flat_scan_has_no_sheet_and_is_taken_whole():
    scan = Image.new("L", (400, 600), 250)
    draw = ImageDraw.Draw(scan)
    for y in range(10, 590, 16):
        draw.text((10, y), "TOKO MAJU 12.500 TOTAL", fill=10)
    assert paper_quad(np.asarray(scan)) is None
    assert normalise_paper(scan).size[0] > 0


def test_the_paper_is_the_same_under_light_perspective_and_a_crop_into_the_margin():
    base = _scene(CORNERS)
    darker = ImageEnhance.Brightness(ImageEnhance.Contrast(base).enhance(0.6)).enhance(0.6)
    a = normalise_paper(open_upright(_jpeg(base)))
    b = normalise_paper(open_upright(_jpeg(darker, 50)))
    c = normalise_paper(open_upright(_jpeg(base.crop((60, 100, 580, 760)))))
    assert same_receipt(_jpeg(base), _jpeg(darker, 50), paper=True) >= SAME_RECEIPT
    assert abs(a.size[0] - b.size[0]) <= 3 and abs(a.size[0] - c.size[0]) <= 3


# --- through the services and the database ---------------------------------------------------


def _photo(rng, template, n_items=None) -> bytes:
    return alt.jpeg_bytes(alt.alt_receipt(rng, template, n_items), rng)


def _crop_into_paper(data: bytes) -> bytes:
    """Cut 2% of the sheet's height off its top (and the table above it): a copy the trimmed
    picture's hashes miss."""
    img = open_upright(data)
    gray = img.convert("L")
    scale = max(gray.size) / 512
    gray.thumbnail((512, 512))
    quad = paper_quad(np.asarray(gray)) * scale
    top = int(quad[:, 1].min() + 0.02 * (quad[:, 1].max() - quad[:, 1].min()))
    return _jpeg(img.crop((0, top, img.width, img.height)), 80)


@pytest.mark.django_db
def test_a_copy_cut_into_the_paper_is_found_by_the_papers_hashes_and_investigated(make_purchase):
    rng = random.Random(232)  # a draw whose crop the first set of hashes misses
    merchant = verified_merchant()
    template = alt.template(rng)
    original_data = _photo(rng, template, 4)
    original = make_purchase(data=original_data, merchant=merchant)
    honest = make_purchase(data=_photo(rng, template, 4), merchant=merchant)
    copy = make_purchase(data=_crop_into_paper(original_data), merchant=merchant)

    matches = selectors.near_duplicates(ReceiptFingerprint.objects.get(purchase=copy))
    assert original.pk in {m.purchase_id for m in matches if m.paper}
    assert original.pk not in {m.purchase_id for m in matches if not m.paper}
    risk = PurchaseRisk.objects.get(purchase=copy)
    near = risk.reasons.get(signal_code="duplicate_receipt_near")
    assert near.related_purchase_id == original.pk
    assert risk.route == Route.INVESTIGATE
    # Another receipt of the same shop and length is not taken for a copy.
    assert (
        not PurchaseRisk.objects.get(purchase=honest)
        .reasons.filter(signal_code__startswith="duplicate_receipt")
        .exists()
    )


@pytest.mark.django_db
def test_the_paper_index_leaves_out_rows_without_paper_hashes(make_purchase):
    rng = random.Random(232)
    a = make_purchase(data=_photo(rng, alt.template(rng)))
    b = make_purchase(data=_photo(rng, alt.template(rng)))
    ReceiptFingerprint.objects.filter(purchase=a).update(paper_phash16="", paper_rotations=[])
    index = hashindex.BandIndex("paper_")
    index.refresh("default", TABLE)
    assert set(index.pids.tolist()) == {b.pk}
    # It has seen the table up to its highest id: a later lookup reads only what is new.
    assert index.max_id == ReceiptFingerprint.objects.order_by("-id").first().id
    first = hashindex.BandIndex("")
    first.refresh("default", TABLE)
    assert set(first.pids.tolist()) == {a.pk, b.pk}


def _as_before_paper_hashes(purchases):
    ReceiptFingerprint.objects.filter(purchase__in=purchases).update(
        paper_phash=None, paper_dhash=None, paper_phash16="", paper_rotations=[]
    )


@pytest.mark.django_db
def test_recompute_fills_the_paper_hashes_once_and_a_dry_run_changes_nothing(make_purchase):
    rng = random.Random(233)
    purchases = [make_purchase(data=_photo(rng, alt.template(rng))) for _ in range(2)]
    _as_before_paper_hashes(purchases)
    rows = dict(ReceiptFingerprint.objects.values_list("purchase_id", "id"))

    out = io.StringIO()
    call_command("recompute_fingerprints", "--dry-run", stdout=out)
    assert "would be recomputed 2" in out.getvalue()
    assert dict(ReceiptFingerprint.objects.values_list("purchase_id", "id")) == rows
    assert not ReceiptFingerprint.objects.exclude(paper_phash16="").exists()

    out = io.StringIO()
    call_command("recompute_fingerprints", "--batch", "1", stdout=out)
    assert "recomputed 2, unchanged 0" in out.getvalue()
    after = dict(ReceiptFingerprint.objects.values_list("purchase_id", "id"))
    assert after.keys() == rows.keys()
    assert all(after[p] != rows[p] for p in rows)  # new rows: the indexes see them
    for p in purchases:
        stored = ReceiptFingerprint.objects.get(purchase=p)
        with p.receipt.open("rb") as fh:
            assert stored.paper_phash16 == fingerprint(fh.read()).paper.phash16
        assert len(stored.paper_rotations) == 3

    out = io.StringIO()
    call_command("recompute_fingerprints", stdout=out)
    assert "recomputed 0, unchanged 0" in out.getvalue()
    out = io.StringIO()
    call_command("recompute_fingerprints", "--all", stdout=out)
    assert "recomputed 0, unchanged 2" in out.getvalue()
    assert dict(ReceiptFingerprint.objects.values_list("purchase_id", "id")) == after


@pytest.mark.django_db
def test_recompute_reports_a_missing_receipt_file_and_goes_on(make_purchase):
    rng = random.Random(234)
    gone, kept = (make_purchase(data=_photo(rng, alt.template(rng))) for _ in range(2))
    _as_before_paper_hashes([gone, kept])
    gone.receipt.storage.delete(gone.receipt.name)
    out, err = io.StringIO(), io.StringIO()
    call_command("recompute_fingerprints", stdout=out, stderr=err)
    assert "recomputed 1, unchanged 0, receipt file not readable 1" in out.getvalue()
    assert gone.document_number in err.getvalue()
    assert ReceiptFingerprint.objects.get(purchase=gone).paper_phash16 == ""
    assert ReceiptFingerprint.objects.get(purchase=kept).paper_phash16 != ""


@pytest.mark.django_db
def test_recompute_refuses_a_bad_batch_size():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("recompute_fingerprints", "--batch", "0")


@pytest.mark.django_db
def test_a_paper_match_whose_picture_cannot_be_read_is_not_a_copy(make_purchase, monkeypatch):
    from ebakul.integrity.checks import duplicates

    rng = random.Random(235)
    p = make_purchase(data=_photo(rng, alt.template(rng)))
    monkeypatch.setattr(duplicates, "_receipt_bytes", lambda purchase: None)
    assert not duplicates.confirmed(p, selectors.NearMatch(p.pk, 40, 0, paper=True))
    assert duplicates.confirmed(p, selectors.NearMatch(p.pk, 40, 0, paper=False))


def test_a_lower_picture_score_counts_only_for_a_claim_of_the_same_merchant_and_amount():
    from ebakul.integrity.checks.duplicates import is_same

    # The paper's check: from 0.95 whatever the claims, from 0.8 for the same claim.
    assert is_same(0.96, True, False) and is_same(0.85, True, True)
    assert not is_same(0.93, True, False) and not is_same(0.79, True, True)
    # The first set's check: from 0.95, or from 0.9 for the same claim.
    assert is_same(0.96, False, False) and is_same(0.91, False, True)
    assert not is_same(0.93, False, False) and not is_same(0.89, False, True)


@pytest.mark.django_db
def test_confirmation_compares_the_claims_merchant_and_amount(make_purchase, monkeypatch):
    from ebakul.integrity.checks import duplicates

    rng = random.Random(236)
    merchant = verified_merchant()
    data = _photo(rng, alt.template(rng))
    original = make_purchase(data=data, merchant=merchant, amount=73_500)
    same = make_purchase(data=_photo(rng, alt.template(rng)), merchant=merchant, amount=73_500)
    other_amount = make_purchase(data=_photo(rng, alt.template(rng)), merchant=merchant)
    other_shop = make_purchase(data=_photo(rng, alt.template(rng)), amount=73_500)
    monkeypatch.setattr(duplicates, "same_receipt", lambda *a, **k: 0.85)  # a screen photo's
    match = selectors.NearMatch(original.pk, 40, 0, paper=True)
    assert duplicates.confirmed(same, match)
    assert not duplicates.confirmed(other_amount, match)
    assert not duplicates.confirmed(other_shop, match)
    # Hashes so close that the pictures need no look: only for the same claim. Two sparse
    # pictures of other receipts come that close too (two orders' receipts, for one).
    sure = selectors.NearMatch(original.pk, 20, 0, paper=False)
    assert sure.sure
    monkeypatch.setattr(duplicates, "same_receipt", lambda *a, **k: 0.5)
    assert duplicates.confirmed(same, sure)
    assert not duplicates.confirmed(other_amount, sure)
    assert not duplicates.confirmed(other_shop, sure)


@pytest.mark.parametrize("size", [(1, 1), (1, 500), (500, 1), (3, 7)])
def test_a_degenerate_picture_is_fingerprinted_and_a_blank_pair_is_no_copy(size):
    buf = io.BytesIO()
    Image.new("RGB", size, (250, 250, 250)).save(buf, "PNG")
    fp = fingerprint(buf.getvalue())
    assert fp.paper is not None and len(fp.paper_rotated) == 3
    blank = normalise_paper(Image.new("L", (300, 400), 250))
    assert same_receipt(buf.getvalue(), buf.getvalue(), paper=True) == 0.0  # nothing printed
    assert blank.size[0] > 0
