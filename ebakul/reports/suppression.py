"""Small-cell suppression of a two-way table with its margins (docs/adr/0410).

The table is kecamatan × category with a total per kecamatan, a total per category and a grand
total. An entry is *primarily* suppressed when it rests on fewer than ``MIN_CONTRIBUTORS``
employees or merchants. Suppressing one cell is not enough: a row's shown cells and its shown
total give the hidden cell by subtraction. So complementary (*secondary*) cells are hidden until
no hidden entry can be computed exactly from what is shown.

Why the test below is exact: write the table with its margins as a bipartite graph, one node per
row (the kecamatan, plus the "all kecamatan" row of category totals) and one per column (the
categories, plus the "all categories" column of kecamatan totals); every entry is the edge
between its row and its column, and the additivity constraints say that at every node the
entries meet to zero (with the margins' signs flipped). The hidden entries an attacker can solve
for exactly are those that are the same in every solution of the constraints, i.e. those not
on any cycle of the graph of hidden entries: its *bridges*. While a hidden entry is a bridge, the
cheapest path of shown entries that closes a cycle through it is hidden as well (cells before
margins, small spend first). Such a path always exists (through the two margins), so every round
removes a bridge for good and the loop ends.

Values are non-negative, so hiding protects against exact recovery, not against bounds (a hidden
cell is at most its row's hidden remainder); that is the usual standard for published tables.
Knowing one's own contribution is outside this model; the threshold of five contributors covers
it in practice.
"""

import heapq
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass

MIN_CONTRIBUTORS = 5

PRIMARY = "primary"
SECONDARY = "secondary"

TOTAL = None  # the key of the margin row / column


@dataclass
class Entry:
    """One figure set of the table: ``row``/``col`` are a kecamatan id and a category id, or
    ``TOTAL`` for a margin (``(k, TOTAL)`` the kecamatan's total, ``(TOTAL, TOTAL)`` the grand
    total)."""

    row: Hashable
    col: Hashable
    spend: int
    purchases: int
    employees: int
    merchants: int
    suppressed: str = ""  # "" | PRIMARY | SECONDARY

    @property
    def key(self) -> tuple:
        return (self.row, self.col)

    @property
    def is_margin(self) -> bool:
        return self.row is TOTAL or self.col is TOTAL

    def too_small(self, minimum: int = MIN_CONTRIBUTORS) -> bool:
        # A zero (a month with no purchase at all) rests on nobody: it is shown.
        return self.purchases > 0 and (self.employees < minimum or self.merchants < minimum)


def _nodes(key: tuple) -> tuple[tuple, tuple]:
    return ("r", key[0]), ("c", key[1])


def _connected(adjacent: dict, start, goal, skip: tuple) -> bool:
    """Whether ``goal`` is reachable from ``start`` over the hidden entries other than ``skip``."""
    seen, todo = {start}, [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        for other, key in adjacent[node]:
            if key != skip and other not in seen:
                seen.add(other)
                todo.append(other)
    return False


def _graph(hidden: set) -> dict:
    adjacent: dict = defaultdict(list)
    for key in hidden:
        a, b = _nodes(key)
        adjacent[a].append((b, key))
        adjacent[b].append((a, key))
    return adjacent


def _is_bridge(hidden: set, key: tuple) -> bool:
    a, b = _nodes(key)
    return not _connected(_graph(hidden), a, b, skip=key)


def exposed(hidden: set) -> list[tuple]:
    """The hidden entries that the shown ones determine exactly (the bridges), sorted."""
    adjacent = _graph(hidden)
    out = []
    for key in hidden:
        a, b = _nodes(key)
        if not _connected(adjacent, a, b, skip=key):
            out.append(key)
    return sorted(out, key=repr)


# Hiding a margin costs more than hiding any cell: totals are the most useful figures.
MARGIN_COST = 10**15


def _cost(e: Entry) -> int:
    return e.spend + 1 + (MARGIN_COST if e.is_margin else 0)


def _cheapest_cycle(entries: dict, hidden: set, key: tuple) -> list[tuple]:
    """The shown entries to hide so that ``key`` lies on a cycle of hidden entries: the cheapest
    path (Dijkstra; hidden entries cost nothing, a shown cell its spend, a margin much more)
    between the two ends of ``key`` that does not use ``key`` itself."""
    adjacent: dict = defaultdict(list)
    for k, e in entries.items():
        if k == key:
            continue
        a, b = _nodes(k)
        cost = 0 if k in hidden else _cost(e)
        adjacent[a].append((b, k, cost))
        adjacent[b].append((a, k, cost))
    start, goal = _nodes(key)
    best = {start: 0}
    came: dict = {}
    queue = [(0, repr(start), start)]
    while queue:
        dist, _, node = heapq.heappop(queue)
        if node == goal:
            break
        if dist > best.get(node, dist):
            continue
        for other, k, cost in adjacent[node]:
            if dist + cost < best.get(other, dist + cost + 1):
                best[other] = dist + cost
                came[other] = (node, k)
                heapq.heappush(queue, (dist + cost, repr(other), other))
    if goal not in came:
        return []
    path, node = [], goal
    while node != start:
        node, k = came[node]
        if k not in hidden:
            path.append(k)
    return path


def suppress(entries: dict, minimum: int = MIN_CONTRIBUTORS) -> dict:
    """Mark ``entries`` ({(row, col): Entry}, margins included) in place and return them."""
    hidden = set()
    for e in entries.values():
        if e.too_small(minimum):
            e.suppressed = PRIMARY
            hidden.add(e.key)
    while True:
        bridges = exposed(hidden)
        if not bridges:
            break
        extra = _cheapest_cycle(entries, hidden, bridges[0])
        if not extra:
            break  # no cycle possible: only when the table has no cell at all
        for k in extra:
            entries[k].suppressed = SECONDARY
            hidden.add(k)
    return entries
