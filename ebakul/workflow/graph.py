"""A workflow as a graph: soundness checks and a server-side SVG diagram (docs/adr/0150).

Pure functions over small value objects so that the same checks run on what is stored and on what
an administrator has just typed into the editor (before it is saved). No queries here.
"""

from collections import defaultdict, deque
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Node:
    key: object
    label: str
    initial: bool = False
    final: bool = False


@dataclass(frozen=True)
class Edge:
    source: object
    target: object
    label: str
    has_role: bool = True
    automatic: bool = False
    enabled: bool = True


def _reach(start, edges_from) -> set:
    seen, todo = set(start), deque(start)
    while todo:
        key = todo.popleft()
        for nxt in edges_from.get(key, ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def problems(nodes: list[Node], edges: list[Edge]) -> list[str]:
    """Indonesian sentences, one per problem; empty when the workflow is sound.

    Only enabled transitions count for reachability: a switched-off step cannot be taken."""
    found: list[str] = []
    by_key = {n.key: n for n in nodes}
    initial = [n.key for n in nodes if n.initial]
    finals = [n.key for n in nodes if n.final]
    if len(initial) != 1:
        found.append(_("A workflow needs exactly one initial state."))
    if not finals:
        found.append(_("A workflow needs at least one final state."))
    forward, backward = defaultdict(set), defaultdict(set)
    for e in edges:
        if e.source not in by_key or e.target not in by_key:
            continue
        if not e.has_role and not e.automatic:
            found.append(
                _(
                    "The step “%(step)s” (%(source)s → %(target)s) has no role that may take it: "
                    "choose a group or the document's own user, or make it automatic."
                )
                % {
                    "step": e.label,
                    "source": by_key[e.source].label,
                    "target": by_key[e.target].label,
                }
            )
        if e.enabled:
            forward[e.source].add(e.target)
            backward[e.target].add(e.source)
    if len(initial) == 1:
        reachable = _reach(initial, forward)
        for n in nodes:
            if n.key not in reachable:
                found.append(
                    _("The state “%(state)s” cannot be reached from the initial state.")
                    % {"state": n.label}
                )
    if finals:
        can_finish = _reach(finals, backward)
        for n in nodes:
            if n.key not in can_finish:
                found.append(
                    _("From the state “%(state)s” no final state can be reached.")
                    % {"state": n.label}
                )
    return found


# --- Layout and drawing ----------------------------------------------------------------------
BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 168, 44, 72, 120, 24
LABEL_STOPS = (0.5, 0.3, 0.7, 0.4, 0.6)
ACCENT, INK, MUTED, DANGER = "#7e22ce", "#1f2937", "#6b7280", "#b91c1c"


def layers(nodes: list[Node], edges: list[Edge]) -> list[list[Node]]:
    """Longest-path-free layering: breadth-first depth from the initial state(s); states that
    cannot be reached go to an extra last layer. Order inside a layer follows the input order."""
    forward = defaultdict(list)
    for e in edges:
        forward[e.source].append(e.target)
    start = [n.key for n in nodes if n.initial] or [n.key for n in nodes[:1]]
    depth = {k: 0 for k in start}
    todo = deque(start)
    while todo:
        key = todo.popleft()
        for nxt in forward.get(key, ()):
            if nxt not in depth:
                depth[nxt] = depth[key] + 1
                todo.append(nxt)
    last = max(depth.values(), default=-1) + 1
    grouped = defaultdict(list)
    for n in nodes:
        grouped[depth.get(n.key, last)].append(n)
    return [grouped[i] for i in sorted(grouped)]


def _wrap(text: str, width: int = 22) -> list[str]:
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return lines[:2]


def render_svg(nodes: list[Node], edges: list[Edge], *, title: str = "") -> str:
    rows = layers(nodes, edges)
    widest = max((len(r) for r in rows), default=1)
    # room at the sides for the curves of backward steps and their labels, and below the
    # last layer for the arcs between states of one layer
    width = 2 * (MARGIN + 110) + widest * BOX_W + (widest - 1) * GAP_X
    height = MARGIN * 2 + len(rows) * BOX_H + (len(rows) - 1) * GAP_Y + 56
    pos = {}
    for r, row in enumerate(rows):
        row_w = len(row) * BOX_W + (len(row) - 1) * GAP_X
        x0 = (width - row_w) / 2
        for i, n in enumerate(row):
            pos[n.key] = (x0 + i * (BOX_W + GAP_X), MARGIN + r * (BOX_H + GAP_Y), r)

    merged: dict[tuple, list[Edge]] = defaultdict(list)
    for e in edges:
        if e.source in pos and e.target in pos:
            merged[(e.source, e.target)].append(e)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="workflow-diagram" role="img" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>" if title else "",
        "<defs>",
        f'<marker id="wf-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="{INK}"/>'
        "</marker>",
        "</defs>",
    ]
    labels = []
    side = 0
    per_layer: dict = defaultdict(int)  # downward labels already placed per gap
    for (source, target), group in merged.items():
        sx, sy, sr = pos[source]
        tx, ty, tr = pos[target]
        text = " / ".join(dict.fromkeys(e.label for e in group))
        off = all(not e.enabled for e in group)
        dash = ' stroke-dasharray="5 4"' if off else ""
        colour = MUTED if off else INK
        if tr > sr:  # downward: straight line from the bottom to the top of the boxes
            x1, y1 = sx + BOX_W / 2, sy + BOX_H
            x2, y2 = tx + BOX_W / 2, ty
            # pairs that go both ways are drawn apart so their labels do not collide
            if (target, source) in merged:
                x1, x2 = x1 - 10, x2 - 10
            out.append(
                f'<path d="M{x1:.0f},{y1:.0f} L{x2:.0f},{y2:.0f}" stroke="{colour}" '
                f'fill="none" marker-end="url(#wf-arrow)"{dash}/>'
            )
            # labels in the same gap are spread along their arrows so they do not collide
            t = LABEL_STOPS[per_layer[sr] % len(LABEL_STOPS)]
            per_layer[sr] += 1
            lx, ly = x1 + (x2 - x1) * t, y1 + (y2 - y1) * t
        elif tr == sr:  # sideways within a layer: an arc under the boxes
            x1, x2 = sx + BOX_W / 2 + 12, tx + BOX_W / 2 - 12
            y = sy + BOX_H
            depth = 30 + 8 * (per_layer[("arc", sr)] % 3)
            per_layer[("arc", sr)] += 1
            out.append(
                f'<path d="M{x1:.0f},{y:.0f} C{x1:.0f},{y + depth:.0f} {x2:.0f},{y + depth:.0f} '
                f'{x2:.0f},{y:.0f}" stroke="{colour}" fill="none" '
                f'marker-end="url(#wf-arrow)"{dash}/>'
            )
            lx, ly = (x1 + x2) / 2, y + depth * 0.75 + 4
        else:  # back: a curve around the right (or left) side
            side += 1
            right = side % 2 == 1
            x1 = sx + (BOX_W if right else 0)
            x2 = tx + (BOX_W if right else 0)
            y1, y2 = sy + BOX_H / 2, ty + BOX_H / 2
            bulge = (GAP_X * 0.8 + 10 * (side // 2)) * (1 if right else -1)
            cx = max(x1, x2) + bulge if right else min(x1, x2) + bulge
            out.append(
                f'<path d="M{x1:.0f},{y1:.0f} C{cx:.0f},{y1:.0f} {cx:.0f},{y2:.0f} '
                f'{x2:.0f},{y2:.0f}" stroke="{colour}" fill="none" '
                f'marker-end="url(#wf-arrow)"{dash}/>'
            )
            lx, ly = cx - (bulge * 0.25), (y1 + y2) / 2
        labels.append((lx, ly, text, colour))
    for n in nodes:
        x, y, _r = pos[n.key]
        stroke = ACCENT if n.initial else (INK if n.final else MUTED)
        sw = 3 if n.final else (2 if n.initial else 1)
        fill = "#f3e8ff" if n.initial else ("#f3f4f6" if n.final else "#ffffff")
        out.append(
            f'<g class="wf-state" data-state="{escape(str(n.key))}">'
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{BOX_W}" height="{BOX_H}" rx="8" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="{sw}"/>'
        )
        lines = _wrap(n.label)
        for i, line in enumerate(lines):
            dy = BOX_H / 2 + 4 + (i - (len(lines) - 1) / 2) * 14
            out.append(
                f'<text x="{x + BOX_W / 2:.0f}" y="{y + dy:.0f}" text-anchor="middle" '
                f'fill="{INK}">{escape(line)}</text>'
            )
        out.append("</g>")
    for lx, ly, text, colour in labels:
        w = 6.2 * len(text) + 10
        out.append(
            f'<g class="wf-step"><rect x="{lx - w / 2:.0f}" y="{ly - 10:.0f}" width="{w:.0f}" '
            f'height="18" rx="4" fill="#ffffff" fill-opacity="0.92"/>'
            f'<text x="{lx:.0f}" y="{ly + 3:.0f}" text-anchor="middle" font-size="11" '
            f'fill="{colour}">{escape(text)}</text></g>'
        )
    out.append("</svg>")
    return "".join(part for part in out if part)
