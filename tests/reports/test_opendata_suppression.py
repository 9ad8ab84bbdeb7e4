"""Small-cell suppression (docs/adr/0410) without a database: the primary rule, and the
complementary-cell attack. The attacker here is independent of the code under test: it writes
the table's additivity constraints as linear equations, substitutes every shown figure, and asks
exact linear algebra (fractions, Gaussian elimination) which hidden figures are determined."""

import random
from fractions import Fraction

from ebakul.reports.suppression import PRIMARY, SECONDARY, TOTAL, Entry, exposed, suppress


def table(cells: dict[tuple, tuple[int, int, int]]) -> dict:
    """Entries of a table from {(row, col): (spend, employees, merchants)} with its margins.
    Margin counts are the sums of the cells' (an over-estimate of distinct counts, enough here:
    every test states the small cells explicitly)."""
    entries = {}
    rows = sorted({r for r, _ in cells})
    cols = sorted({c for _, c in cells})

    def add(key, spend, emp, mer):
        entries[key] = Entry(
            row=key[0], col=key[1], spend=spend, purchases=1, employees=emp, merchants=mer
        )

    for key, (spend, emp, mer) in cells.items():
        add(key, spend, emp, mer)
    for r in rows:
        part = [v for (rr, _), v in cells.items() if rr == r]
        add((r, TOTAL), *map(sum, zip(*part, strict=True)))
    for c in cols:
        part = [v for (_, cc), v in cells.items() if cc == c]
        add((TOTAL, c), *map(sum, zip(*part, strict=True)))
    add((TOTAL, TOTAL), *map(sum, zip(*cells.values(), strict=True)))
    return entries


def determined(entries: dict, hidden: set) -> set:
    """The hidden keys whose value follows exactly from the shown values and the sums."""
    unknown = sorted(hidden, key=repr)
    index = {k: i for i, k in enumerate(unknown)}
    rows_ = {k[0] for k in entries if k[0] is not TOTAL}
    cols_ = {k[1] for k in entries if k[1] is not TOTAL}
    equations = []  # (coefficients over unknowns, constant) meaning sum(coef*x) = const

    def line(members: list, total_key):
        coef = [Fraction(0)] * len(unknown)
        const = Fraction(0)
        for key, sign in [(m, 1) for m in members] + [(total_key, -1)]:
            if key in index:
                coef[index[key]] += sign
            else:
                const -= sign * entries[key].spend
        equations.append((coef, const))

    for r in rows_ | {TOTAL}:
        members = [k for k in entries if k[0] == r and k[1] is not TOTAL]
        if r is TOTAL:
            members = [(TOTAL, c) for c in cols_ if (TOTAL, c) in entries]
        line(members, (r, TOTAL))
    for c in cols_ | {TOTAL}:
        if c is TOTAL:
            members = [(r, TOTAL) for r in rows_ if (r, TOTAL) in entries]
        else:
            members = [k for k in entries if k[1] == c and k[0] is not TOTAL]
        line(members, (TOTAL, c))
    # Row-reduce the coefficient matrix; a unknown is determined when a row of the reduced
    # matrix has it as its only non-zero coefficient.
    matrix = [coef[:] for coef, _ in equations]
    pivots, r = [], 0
    for col in range(len(unknown)):
        pivot = next((i for i in range(r, len(matrix)) if matrix[i][col] != 0), None)
        if pivot is None:
            continue
        matrix[r], matrix[pivot] = matrix[pivot], matrix[r]
        lead = matrix[r][col]
        matrix[r] = [v / lead for v in matrix[r]]
        for i in range(len(matrix)):
            if i != r and matrix[i][col] != 0:
                factor = matrix[i][col]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[r], strict=True)]
        pivots.append(col)
        r += 1
    out = set()
    for row in matrix:
        nonzero = [i for i, v in enumerate(row) if v != 0]
        if len(nonzero) == 1:
            out.add(unknown[nonzero[0]])
    return out


def hidden_keys(entries: dict) -> set:
    return {k for k, e in entries.items() if e.suppressed}


BIG = (1_000_000, 9, 9)


def test_small_cell_is_hidden_for_too_few_employees_or_merchants():
    entries = suppress(
        table(
            {
                ("A", "food"): BIG,
                ("A", "craft"): (40_000, 4, 9),  # 4 employees
                ("B", "food"): BIG,
                ("B", "craft"): (50_000, 9, 4),  # 4 merchants
                ("C", "food"): BIG,
                ("C", "craft"): BIG,
            }
        )
    )
    assert entries[("A", "craft")].suppressed == PRIMARY
    assert entries[("B", "craft")].suppressed == PRIMARY
    assert entries[("C", "food")].suppressed == ""
    assert entries[(TOTAL, TOTAL)].suppressed == ""


def test_one_hidden_cell_in_a_row_gets_a_complement():
    """The attack: row B shows its total and its other cell, so B×craft = total − food. The
    suppression must hide one more figure in that row (and in that column)."""
    cells = {
        ("A", "food"): BIG,
        ("A", "craft"): BIG,
        ("B", "food"): (2_000_000, 9, 9),
        ("B", "craft"): (30_000, 2, 1),
    }
    naive = table(cells)
    naive[("B", "craft")].suppressed = PRIMARY
    # Without complements the hidden cell is computed exactly (the attacker works).
    assert determined(naive, {("B", "craft")}) == {("B", "craft")}
    assert naive[("B", TOTAL)].spend - naive[("B", "food")].spend == naive[("B", "craft")].spend

    entries = suppress(table(cells))
    hidden = hidden_keys(entries)
    assert ("B", "craft") in hidden
    assert any(entries[k].suppressed == SECONDARY for k in hidden)
    assert determined(entries, hidden) == set()
    assert exposed(hidden) == []
    # Every line of the table hides none or at least two of its figures.
    for line in (
        [k for k in entries if k[0] == "B"],
        [k for k in entries if k[1] == "craft"],
    ):
        assert sum(k in hidden for k in line) != 1


def test_dumbbell_pattern_is_not_left_open():
    """Two hidden rectangles joined by a single hidden cell: every line then hides two figures,
    yet the joining cell is determined. The bridge test catches it."""
    hidden = {
        ("A", "x"),
        ("A", "y"),
        ("B", "x"),
        ("B", "y"),
        ("C", "z"),
        ("C", "w"),
        ("D", "z"),
        ("D", "w"),
        ("B", "z"),
    }
    assert ("B", "z") in exposed(hidden)


def test_random_tables_never_let_a_hidden_figure_be_computed():
    rng = random.Random(20261129)
    for _ in range(150):
        n_rows, n_cols = rng.randint(1, 6), rng.randint(1, 5)
        cells = {}
        for r in range(n_rows):
            for c in range(n_cols):
                if rng.random() < 0.75:
                    small = rng.random() < 0.3
                    cells[(f"k{r}", f"c{c}")] = (
                        rng.randint(10_000, 5_000_000),
                        rng.randint(1, 4) if small else rng.randint(5, 40),
                        rng.randint(1, 12),
                    )
        if not cells:
            continue
        entries = suppress(table(cells))
        hidden = hidden_keys(entries)
        assert determined(entries, hidden) == set(), cells
        for key, e in entries.items():
            if e.employees < 5 or e.merchants < 5:
                assert key in hidden, (key, cells)


def test_nothing_small_hides_nothing():
    entries = suppress(table({("A", "x"): BIG, ("A", "y"): BIG, ("B", "x"): BIG}))
    assert hidden_keys(entries) == set()


def test_an_empty_month_shows_zero_rather_than_hiding_it():
    entries = {(TOTAL, TOTAL): Entry(TOTAL, TOTAL, spend=0, purchases=0, employees=0, merchants=0)}
    assert hidden_keys(suppress(entries)) == set()
