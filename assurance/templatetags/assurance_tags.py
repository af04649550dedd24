"""Formatting shared by every template: ratings, directions, dates and people."""

from django import template
from django.utils.html import format_html

from assurance.models import Direction, Rag, user_display

register = template.Library()

# GOV.UK Frontend v6 tag modifiers. The word is always shown; colour only repeats it.
RAG_TAG_CLASSES = {
    Rag.RED: "govuk-tag--red",
    Rag.AMBER: "govuk-tag--orange",
    Rag.GREEN: "govuk-tag--green",
    Rag.NOT_RATED: "govuk-tag--grey",
}
DIRECTION_ARROWS = {
    Direction.IMPROVING: "↑",
    Direction.MAINTAINING: "→",
    Direction.DECLINING: "↓",
    Direction.NEW: "★",
}


def _rag(value) -> Rag:
    try:
        return Rag(value or Rag.NOT_RATED)
    except ValueError:
        return Rag.NOT_RATED


@register.filter
def rag_class(value) -> str:
    return RAG_TAG_CLASSES[_rag(value)]


@register.filter
def rag_label(value) -> str:
    return _rag(value).label


@register.simple_tag
def rag_tag(value, reason=""):
    """A RAG as a tag with its word; the reason, if any, follows for screen readers too."""
    rag = _rag(value)
    return format_html(
        '<strong class="govuk-tag app-rag {}" data-rag="{}">{}</strong>',
        RAG_TAG_CLASSES[rag],
        rag.value,
        rag.label,
    )


@register.simple_tag
def direction(value):
    """Direction of Travel as an arrow and its word; the arrow is hidden from screen readers."""
    if not value:
        return ""
    try:
        d = Direction(value)
    except ValueError:
        return value
    return format_html(
        '<span class="app-dot" data-direction="{}">'
        '<span class="app-dot__arrow" aria-hidden="true">{}</span>{}</span>',
        d.value,
        DIRECTION_ARROWS[d],
        d.label,
    )


@register.filter
def person(user) -> str:
    return user_display(user)


@register.filter
def verbose_name(obj) -> str:
    return obj._meta.verbose_name


@register.inclusion_tag("includes/pagination.html", takes_context=True)
def pagination(context):
    """GOV.UK pagination over an elided page range; links keep the current filters."""
    page = context.get("page_obj")
    if page is None or page.paginator.num_pages < 2:
        return {"show": False}
    return {
        "show": True,
        "page": page,
        "pages": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "ellipsis": page.paginator.ELLIPSIS,
        "request": context["request"],
    }


@register.simple_tag(takes_context=True)
def selected_filters(context, filterset):
    """Each filter in use, with a link to the same list without it."""
    request = context["request"]
    form = filterset.form
    if not form.is_bound or not form.is_valid():
        return []
    selected = []
    for name in form.changed_data:
        value = form.cleaned_data.get(name)
        if value in (None, "", [], ()):
            continue
        bound = form[name]
        choices = dict(getattr(bound.field, "choices", []) or [])
        values = value if isinstance(value, (list, tuple)) or hasattr(value, "model") else [value]
        shown = ", ".join(str(choices.get(v, choices.get(str(v), v))) for v in values)
        query = request.GET.copy()
        query.pop(name, None)
        query.pop("page", None)
        selected.append(
            {"label": bound.label, "value": shown, "remove_url": f"{request.path}?{query.urlencode()}"}
        )
    return selected


@register.simple_tag
def appendix_letter(number: int) -> str:
    """Appendices after the summary (A) are lettered B, C, D..."""
    return chr(ord("A") + int(number))


# Chart fills: the tag colours of GOV.UK Frontend v6, with a pattern-free order worst-first.
RAG_FILLS = {Rag.RED: "#d4351c", Rag.AMBER: "#f47738", Rag.GREEN: "#00703c", Rag.NOT_RATED: "#b1b4b6"}


@register.simple_tag
def rag_chart(counts: dict, label: str = "Ratings"):
    """A horizontal bar per RAG drawn as inline SVG on the server (so it also prints), each
    bar labelled with its word and number, so the chart never relies on colour."""
    rows = [(Rag(key), int(value)) for key, value in counts.items() if key in Rag.values]
    biggest = max([n for _, n in rows] + [1])
    bar_height, gap, label_width, width = 18, 6, 90, 360
    parts = []
    for i, (rag, n) in enumerate(rows):
        y = i * (bar_height + gap)
        length = round((width - label_width - 40) * n / biggest)
        parts.append(
            format_html(
                '<text x="0" y="{}" font-size="13" dominant-baseline="middle">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#0b0c0c"></rect>'
                '<text x="{}" y="{}" font-size="13" dominant-baseline="middle">{}</text>',
                y + bar_height / 2,
                rag.label,
                label_width,
                y,
                max(length, 1),
                bar_height,
                RAG_FILLS[rag],
                label_width + length + 6,
                y + bar_height / 2,
                n,
            )
        )
    height = len(rows) * (bar_height + gap)
    summary = ", ".join(f"{rag.label} {n}" for rag, n in rows)
    return format_html(
        '<svg class="app-chart" role="img" aria-label="{}: {}" viewBox="0 0 {} {}" width="{}" height="{}" '
        'xmlns="http://www.w3.org/2000/svg">{}</svg>',
        label,
        summary,
        width,
        height,
        width,
        height,
        format_html_join_safe(parts),
    )


def format_html_join_safe(parts) -> str:
    from django.utils.safestring import mark_safe

    # Each part was built by format_html, so its values are already escaped.
    return mark_safe("".join(parts))  # noqa: S308  # nosec


@register.filter
def as_date(value, style: str = "j F Y") -> str:
    """An ISO date string from a snapshot ('2016-10-11') as people write it ('11 October 2016')."""
    import datetime

    from django.utils.dateformat import format as date_format

    if isinstance(value, datetime.date):
        return date_format(value, style)
    try:
        return date_format(datetime.date.fromisoformat(str(value)[:10]), style)
    except ValueError:
        return value or ""
