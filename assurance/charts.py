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
