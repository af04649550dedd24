"""Charts drawn as inline SVG on the server, so they print in the panel paper and need no
JavaScript. Each is drawn from plain values, and each page shows the same numbers as text
beside it: a chart never carries meaning by colour alone."""

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from assurance.models import Rag

# The tag colours of GOV.UK Frontend v6, chosen so each RAG also differs in lightness (they
# stay apart when printed in greyscale); the word is always drawn beside the bar.
RAG_FILLS = {Rag.RED: "#d4351c", Rag.AMBER: "#f47738", Rag.GREEN: "#00703c", Rag.NOT_RATED: "#b1b4b6"}
LINE_COLOUR, TARGET_COLOUR, TEXT_COLOUR = "#1d70b8", "#505a5f", "#0b0c0c"


def _joined(parts: Sequence[SafeString]) -> SafeString:
    # Each part was built by format_html, so its values are already escaped.
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703


def bar_chart(rows: Sequence[tuple[str, int, str]], *, label: str) -> SafeString:
    """A horizontal bar per (word, number, fill), each labelled with its word and number."""
    biggest = max([n for _, n, _ in rows] + [1])
    bar_height, gap, label_width, width = 18, 6, 110, 380
    parts = []
    for i, (word, n, fill) in enumerate(rows):
        y = i * (bar_height + gap)
        length = round((width - label_width - 40) * n / biggest)
        parts.append(
            format_html(
                '<text x="0" y="{}" font-size="13" dominant-baseline="middle">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}"></rect>'
                '<text x="{}" y="{}" font-size="13" dominant-baseline="middle">{}</text>',
                y + bar_height / 2,
                word,
                label_width,
                y,
                max(length, 1),
                bar_height,
                fill,
                TEXT_COLOUR,
                label_width + length + 6,
                y + bar_height / 2,
                n,
            )
        )
    height = max(len(rows) * (bar_height + gap), bar_height)
    summary = ", ".join(f"{word} {n}" for word, n, _ in rows)
    return format_html(
        '<svg class="app-chart" role="img" aria-label="{}: {}" viewBox="0 0 {} {}" width="{}" height="{}" '
        'xmlns="http://www.w3.org/2000/svg">{}</svg>',
        label,
        summary,
        width,
        height,
        width,
        height,
        _joined(parts),
    )


def rag_bar_chart(counts: dict[str, int], *, label: str = "Ratings") -> SafeString:
    """Counts by RAG ({"red": 2, ...}), worst first, as a bar chart."""
    rows = [(Rag(key).label, int(n), RAG_FILLS[Rag(key)]) for key, n in counts.items() if key in Rag.values]
    return bar_chart(rows, label=label)


def trend_svg(
    points: Sequence[tuple[str, float | None]], *, target: float | None = None, title: str = ""
) -> SafeString:
    """A small line chart of (period label, value) oldest first, with the target as a dashed line.

    The numbers are in the table beside it, so the chart is hidden from screen readers.
    """
    width, height, pad = 240, 80, 8
    known = [(label, float(value)) for label, value in points if value is not None]
    if not known:
        return SafeString("")
    numbers = [value for _, value in known] + ([float(target)] if target is not None else [])
    low, high = min(numbers), max(numbers)
    span = (high - low) or 1.0

    def y(value: float) -> float:
        return round(height - pad - (value - low) / span * (height - 2 * pad), 1)

    step = (width - 2 * pad) / max(len(known) - 1, 1)
    coords = [(round(pad + i * step, 1), y(value)) for i, (_, value) in enumerate(known)]
    line = " ".join(f"{x},{yy}" for x, yy in coords)
    dots = format_html_join("", '<circle cx="{}" cy="{}" r="3" fill="' + LINE_COLOUR + '"></circle>', coords)
    target_line = SafeString("")
    if target is not None:
        ty = y(float(target))
        target_line = format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-dasharray="4 3"></line>',
            pad,
            width - pad,
            ty,
            ty,
            TARGET_COLOUR,
        )
    return format_html(
        '<svg class="app-trend" width="{w}" height="{h}" viewBox="0 0 {w} {h}" aria-hidden="true" '
        'focusable="false" data-title="{title}">{target}'
        '<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2"></polyline>{dots}</svg>',
        w=width,
        h=height,
        title=title,
        target=target_line,
        line=line,
        colour=LINE_COLOUR,
        dots=dots,
    )


def _text_colour_on(fill: str) -> str:
    """Black or white, whichever reads better on the fill (WCAG relative luminance)."""

    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(fill[i : i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    on_black = (luminance + 0.05) / 0.05
    on_white = 1.05 / (luminance + 0.05)
    return TEXT_COLOUR if on_black >= on_white else "#ffffff"


def heat_map_svg(
    *,
    rows: Sequence[str],
    columns: Sequence[str],
    cells: Sequence[Sequence[dict]],
    row_title: str,
    column_title: str,
) -> SafeString:
    """A grid of counts: `cells[r][c]` is {"count", "word", "rag", "url"} for row r (top first)
    and column c. Each cell shows its count and its word (a band's name), so nothing rests on
    colour; a cell with a url is a link.

    The same counts and links are in the table the page puts beside it, so the picture is
    hidden from screen readers and its links are left out of the keyboard order."""
    cell_w, cell_h, left, top, bottom = 64, 48, 56, 8, 40
    width, height = left + cell_w * len(columns), top + cell_h * len(rows) + bottom
    parts = []
    for r, row_label in enumerate(rows):
        y = top + r * cell_h
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="13" text-anchor="end" dominant-baseline="middle">{}</text>',
                left - 8,
                y + cell_h / 2,
                row_label,
            )
        )
        for c, cell in enumerate(cells[r]):
            x = left + c * cell_w
            fill = RAG_FILLS.get(cell.get("rag") or Rag.NOT_RATED, RAG_FILLS[Rag.NOT_RATED])
            ink = _text_colour_on(fill)
            body = format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#ffffff" '
                'stroke-width="2"></rect>'
                '<text x="{}" y="{}" font-size="18" font-weight="bold" text-anchor="middle" '
                'fill="{}">{}</text>'
                '<text x="{}" y="{}" font-size="10" text-anchor="middle" fill="{}">{}</text>',
                x,
                y,
                cell_w,
                cell_h,
                fill,
                x + cell_w / 2,
                y + 24,
                ink,
                cell.get("count", 0),
                x + cell_w / 2,
                y + 40,
                ink,
                cell.get("word", ""),
            )
            if cell.get("url"):
                body = format_html('<a href="{}" tabindex="-1">{}</a>', cell["url"], body)
            parts.append(body)
    for c, column_label in enumerate(columns):
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="13" text-anchor="middle">{}</text>',
                left + c * cell_w + cell_w / 2,
                top + len(rows) * cell_h + 16,
                column_label,
            )
        )
    parts.append(
        format_html(
            '<text x="{}" y="{}" font-size="13" text-anchor="middle">{}</text>',
            left + cell_w * len(columns) / 2,
            height - 4,
            column_title,
        )
    )
    parts.append(
        format_html(
            '<text x="12" y="{}" font-size="13" text-anchor="middle" transform="rotate(-90 12 {})">{}</text>',
            top + cell_h * len(rows) / 2,
            top + cell_h * len(rows) / 2,
            row_title,
        )
    )
    return format_html(
        '<svg class="app-heat-map" width="{w}" height="{h}" viewBox="0 0 {w} {h}" aria-hidden="true" '
        'focusable="false" xmlns="http://www.w3.org/2000/svg">{parts}</svg>',
        w=width,
        h=height,
        parts=_joined(parts),
    )
