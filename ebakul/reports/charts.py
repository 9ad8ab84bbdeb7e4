"""Small server-side charts drawn as inline SVG: no JavaScript, no CDN, readable in screenshots,
printouts and tests. Labels are escaped; numbers are formatted by the caller's ``fmt``."""

from collections.abc import Callable, Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ebakul.core.money import format_rupiah

PALETTE = ("#9333ea", "#0ea5e9", "#f59e0b", "#10b981", "#ef4444", "#64748b")
TEXT = "#6b7280"
GRID = "#e5e7eb"


def short_rupiah(amount) -> str:
    """Compact axis label: Rp1,2 M / Rp350 rb (Indonesian abbreviations)."""
    amount = int(amount or 0)
    for size, suffix in ((10**12, " T"), (10**9, " M"), (10**6, " jt"), (10**3, " rb")):
        if abs(amount) >= size:
            value = f"{amount / size:.1f}".rstrip("0").rstrip(".").replace(".", ",")
            return f"Rp{value}{suffix}"
    return format_rupiah(amount)


def _svg(width: int, height: int, body: list[str], title: str) -> SafeString:
    return mark_safe(  # noqa: S308 - every label inserted into body was escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" '
        f'style="max-width:{width}px;font-family:Inter,sans-serif;font-size:11px">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def hbar_chart(
    items: Sequence[tuple[str, float]],
    *,
    title: str = "",
    fmt: Callable = short_rupiah,
    width: int = 640,
    limit: int = 15,
    color: str = PALETTE[0],
    top: float | None = None,
) -> SafeString:
    """Horizontal bars, one per (label, value), in the order given; ``top`` fixes the scale
    (e.g. 100 for percentages), otherwise the largest value spans the width."""
    items = list(items)[:limit]
    if not items:
        return mark_safe("")
    label_w, value_w, bar_h, gap = 150, 90, 16, 6
    height = len(items) * (bar_h + gap) + gap
    top = top or max((v for _l, v in items), default=0) or 1
    span = width - label_w - value_w
    body = []
    for i, (label, value) in enumerate(items):
        y = gap + i * (bar_h + gap)
        w = max(1.0, span * float(value) / float(top)) if value else 0
        text = str(label)
        if len(text) > 24:
            text = text[:23] + "…"
        body.append(
            f'<text x="{label_w - 8}" y="{y + bar_h - 4}" text-anchor="end" fill="{TEXT}">'
            f"{escape(text)}</text>"
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" rx="3" fill="{color}">'
            f"<title>{escape(label)}: {escape(fmt(value))}</title></rect>"
            f'<text x="{label_w + w + 6:.1f}" y="{y + bar_h - 4}" fill="{TEXT}">'
            f"{escape(fmt(value))}</text>"
        )
    return _svg(width, height, body, title)


def _y_grid(*, left, right, top_pad, plot_h, top, fmt) -> list[str]:
    """Horizontal grid lines at 0, half and the top, labelled on the left."""
    lines = []
    for frac in (0, 0.5, 1):
        y = top_pad + plot_h * (1 - frac)
        lines.append(
            f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{TEXT}">'
            f"{escape(fmt(top * frac))}</text>"
        )
    return lines


def column_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    title: str = "",
    fmt: Callable = short_rupiah,
    width: int = 640,
    height: int = 220,
    label_every: int = 1,
) -> SafeString:
    """Vertical columns per label; several series are drawn side by side with a legend."""
    labels = list(labels)
    if not labels or not series:
        return mark_safe("")
    left, right, top_pad, bottom = 70, 10, 24, 28
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    top = max((float(v) for _n, values in series for v in values), default=0) or 1
    slot = plot_w / len(labels)
    bar_w = max(1.0, slot * 0.8 / len(series))
    body = _y_grid(left=left, right=width - right, top_pad=top_pad, plot_h=plot_h, top=top, fmt=fmt)
    for s, (name, values) in enumerate(series):
        color = PALETTE[s % len(PALETTE)]
        for i, value in enumerate(values):
            h = plot_h * float(value or 0) / top
            x = left + i * slot + slot * 0.1 + s * bar_w
            body.append(
                f'<rect x="{x:.1f}" y="{top_pad + plot_h - h:.1f}" width="{bar_w:.1f}" '
                f'height="{h:.1f}" fill="{color}"><title>{escape(labels[i])} · {escape(name)}: '
                f"{escape(fmt(value))}</title></rect>"
            )
        if len(series) > 1:
            lx = left + s * 150
            body.append(
                f'<rect x="{lx}" y="4" width="10" height="10" rx="2" fill="{color}"/>'
                f'<text x="{lx + 14}" y="13" fill="{TEXT}">{escape(name)}</text>'
            )
    for i, label in enumerate(labels):
        if i % label_every == 0:
            x = left + i * slot + slot / 2
            body.append(
                f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle" fill="{TEXT}">'
                f"{escape(label)}</text>"
            )
    return _svg(width, height, body, title)


def line_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    title: str = "",
    fmt: Callable = lambda v: f"{float(v):.0f}%",
    width: int = 640,
    height: int = 220,
    top: float | None = None,
    label_every: int = 1,
) -> SafeString:
    """Lines with dots; ``None`` values leave a gap."""
    labels = list(labels)
    if not labels or not series:
        return mark_safe("")
    left, right, top_pad, bottom = 70, 20, 24, 28
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    values_all = [float(v) for _n, vals in series for v in vals if v is not None]
    top = top or (max(values_all, default=0) or 1)
    step = plot_w / max(1, len(labels) - 1)
    body = _y_grid(left=left, right=width - right, top_pad=top_pad, plot_h=plot_h, top=top, fmt=fmt)
    for s, (name, values) in enumerate(series):
        color = PALETTE[s % len(PALETTE)]
        points = []
        for i, value in enumerate(values):
            if value is None:
                continue
            x = left + i * step if len(labels) > 1 else left + plot_w / 2
            y = top_pad + plot_h * (1 - float(value) / top)
            points.append((x, y, value, labels[i]))
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _v, _l in points)
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>'
            )
        for x, y, value, label in points:
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"><title>{escape(label)} · '
                f"{escape(name)}: {escape(fmt(value))}</title></circle>"
            )
        lx = left + s * 150
        body.append(
            f'<rect x="{lx}" y="4" width="10" height="10" rx="2" fill="{color}"/>'
            f'<text x="{lx + 14}" y="13" fill="{TEXT}">{escape(name)}</text>'
        )
    for i, label in enumerate(labels):
        if i % label_every:
            continue
        x = left + i * step if len(labels) > 1 else left + plot_w / 2
        body.append(
            f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle" fill="{TEXT}">'
            f"{escape(label)}</text>"
        )
    return _svg(width, height, body, title)


def heat_table(
    cells: dict[tuple[str, str], float],
    *,
    row_label: str,
    total_label: str,
    fmt: Callable = short_rupiah,
) -> SafeString:
    """A matrix (rows × columns) whose cells are shaded by value: the consumption map's
    category × kecamatan picture. Rows are ordered by their total, largest first."""
    if not cells:
        return mark_safe("")
    rows = sorted({r for r, _c in cells})
    cols = sorted({c for _r, c in cells})
    row_total = {r: sum(cells.get((r, c), 0) for c in cols) for r in rows}
    rows.sort(key=lambda r: (-row_total[r], r))
    top = max(cells.values()) or 1
    head = "".join(f'<th class="num">{escape(c)}</th>' for c in cols)
    body = []
    for r in rows:
        tds = []
        for c in cols:
            value = cells.get((r, c), 0)
            alpha = 0.08 + 0.82 * float(value) / float(top) if value else 0
            color = "#fff" if alpha > 0.55 else "inherit"
            tds.append(
                f'<td class="num" style="background:rgba(147,51,234,{alpha:.2f});color:{color}">'
                f"{escape(fmt(value)) if value else ''}</td>"
            )
        body.append(
            f"<tr><td>{escape(r)}</td>{''.join(tds)}"
            f'<td class="num"><strong>{escape(fmt(row_total[r]))}</strong></td></tr>'
        )
    return mark_safe(  # noqa: S308 - labels escaped above
        f'<div class="eb-table-wrap"><table class="eb-table eb-heat"><thead><tr>'
        f'<th>{escape(row_label)}</th>{head}<th class="num">{escape(total_label)}</th></tr>'
        f"</thead><tbody>{''.join(body)}</tbody></table></div>"
    )
