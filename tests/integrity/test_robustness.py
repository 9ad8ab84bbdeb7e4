"""The near-duplicate rule on receipts drawn differently (issue 15, docs/adr/0230).

Pins, at floors, what bench/bench_robust.py measures at a larger size: the real fingerprint (both
sets of hashes, docs/adr/0231), band indexes, thresholds and picture checks on
tests/integrity/generator_alt.py (shop templates with other contents, thermal print, phone
photos) and, for comparison, on generator.py. No database. Seeded, so the figures are the same on every run; the floors leave room for a library
update to move a copy or two. Raise them when the rule gets better (ADR 0230).
"""

from tests.integrity.robustness import measure_alt, measure_original

# What the rule catches reliably on either drawer.
STRONG = ("reencode", "resize", "rotate90", "rotate180")


def test_alternate_drawer_copies_are_caught_and_same_shop_receipts_are_not():
    f = measure_alt(seed=15, shops=4, per_shop=4, copies_per_kind=5)
    # Honest claims of one shop's template with other contents: none taken for a copy.
    assert f.same_template_pairs == 24
    assert f.honest_flagged == 0
    for kind in STRONG:
        assert f.recall(kind) >= 0.8, (kind, f.copies)
    # Crops into the paper and photos of a screen came with the paper's hashes and the claim
    # compared (docs/adr/0231; bench: crops ~83%, was ~43%; screens ~60%, was ~17%).
    assert f.recall("crop") >= 0.6, f.copies
    assert f.recall("screen") >= 0.4, f.copies
    # Strong brightness/contrast stays the weakest (bench ~70%); the overall recall stays above
    # this floor (here 33/35; the floor was 0.6 before the paper's hashes).
    assert f.overall_recall() >= 0.85, f.copies


def test_same_shop_receipts_of_one_length_are_not_taken_for_copies():
    f = measure_alt(seed=16, shops=4, per_shop=6, copies_per_kind=0, same_length=True)
    assert f.same_template_pairs == 60
    # Some come near on the hashes and are looked at; none is taken for a copy. (With the
    # pictures' thresholds loosened to 0.8 / 0.85 one of them is: this draw can tell.)
    assert f.honest_near >= 2
    assert f.honest_flagged == 0


def test_original_drawer_through_the_same_harness():
    f = measure_original(seed=15, receipts=12, copies_per_kind=3)
    assert f.honest_flagged == 0
    assert f.overall_recall() >= 0.9, f.copies
