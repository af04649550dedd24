"""A measure's trend as a small SVG line chart, drawn on the server so it also prints."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT, PAD = 240, 80, 8


def trend_svg(values, *, title: str) -> SafeString:
    """Values (with .period, .value, .target) as a line; the target as a dashed line.

    The numbers are in the table beside it, so the chart is hidden from screen readers.
    """
    points = [(v.period.label, float(v.value)) for v in values if v.value is not None]
    targets = [float(v.target) for v in values if v.target is not None]
    if not points:
        return SafeString("")
    numbers = [p[1] for p in points] + targets
    low, high = min(numbers), max(numbers)
    span = (high - low) or 1.0

    def y(value: float) -> float:
        return round(HEIGHT - PAD - (value - low) / span * (HEIGHT - 2 * PAD), 1)

    step = (WIDTH - 2 * PAD) / max(len(points) - 1, 1)
    coords = [(round(PAD + i * step, 1), y(value)) for i, (_, value) in enumerate(points)]
    line = " ".join(f"{x},{yy}" for x, yy in coords)
    dots = format_html_join("", '<circle cx="{}" cy="{}" r="3" fill="#1d70b8"></circle>', coords)
    target = ""
    if targets:
        ty = y(targets[-1])
        target = format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#505a5f" stroke-dasharray="4 3"></line>',
            PAD,
            WIDTH - PAD,
            ty,
            ty,
        )
    return format_html(
        '<svg class="app-trend" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-hidden="true" '
        'focusable="false" data-title="{title}">{target}'
        '<polyline points="{line}" fill="none" stroke="#1d70b8" stroke-width="2"></polyline>{dots}</svg>',
        w=WIDTH,
        h=HEIGHT,
        title=title,
        target=target,
        line=line,
        dots=dots,
    )
