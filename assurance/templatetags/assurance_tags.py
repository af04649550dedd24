"""Formatting shared by every template: ratings, directions, dates and people."""

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from assurance import charts, registry
from assurance.models import Direction, Rag, Visibility, user_display
from assurance.summaries import FirstRows, first_items
from assurance.text import cut_at_word

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


@register.simple_tag
def rag_chart(counts: dict, label: str = "Ratings"):
    """Counts of each RAG as a bar chart, each bar labelled with its word and number."""
    return charts.rag_bar_chart(counts, label=label)


def _get(row, name: str):
    return row.get(name) if isinstance(row, dict) else getattr(row, name, None)


@register.simple_tag
def trend_chart(rows, title: str = "", target=None):
    """A measure's values (rows with `period` and `value`, as model rows or snapshot dicts) as a
    line, with the target dashed: `target` if given, else the latest row's own `target`."""
    points = []
    targets = []
    for row in rows:
        period = _get(row, "period")
        points.append((getattr(period, "label", period), _get(row, "value")))
        if _get(row, "target") is not None:
            targets.append(float(_get(row, "target")))
    if target is not None:
        targets.append(float(target))
    return charts.trend_svg(points, target=targets[-1] if targets else None, title=title)


@register.simple_tag(takes_context=True)
def shown(context, rows) -> FirstRows:
    """A snapshot's rows as a page shows them: on a page that summarises (the live dashboard
    sets `summarise`) the first SHOWN with their total; on a publication or in the paper, the
    record, all of them. `{% shown rows as name %}`"""
    rows = list(rows or [])
    return first_items(rows) if context.get("summarise") else first_items(rows, limit=len(rows))


@register.filter
def dashboard_areas(snapshot: dict) -> list[dict]:
    """A snapshot's areas, each with the templates that render it today."""
    from assurance.dashboard import rendered_areas

    return rendered_areas(snapshot)


@register.simple_tag(takes_context=True)
def record_panels(context, obj):
    """The panels other areas show on this record's page (see assurance.registry.Panel)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    parts = []
    for panel in registry.panels_for(obj):
        records = panel.shown(obj, user=user)
        parts.append(
            render_to_string(
                panel.template, {"object": obj, "records": records, "panel": panel}, request=request
            )
        )
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703 - each part is a rendered, autoescaped template


VISIBILITY_TAG_CLASSES = {Visibility.PUBLIC: "govuk-tag--grey", Visibility.RESTRICTED: "govuk-tag--red"}


@register.simple_tag
def visibility_tag(value):
    """Restricted records say so in words; public ones need no tag."""
    if value != Visibility.RESTRICTED:
        return ""
    return format_html(
        '<strong class="govuk-tag app-visibility {}">{}</strong>',
        VISIBILITY_TAG_CLASSES[Visibility.RESTRICTED],
        Visibility.RESTRICTED.label,
    )


# Tones of a status tag: the word is always in the tag, the tone only repeats it.
STATUS_TONES = {
    "neutral": "govuk-tag--grey",
    "active": "govuk-tag--teal",
    "done": "govuk-tag--green",
    "warning": "govuk-tag--yellow",
    "problem": "govuk-tag--red",
}


@register.simple_tag
def status_tag(label, tone: str = "neutral"):
    """A status (open, overdue, closed, withheld...) as a tag with its word."""
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>', STATUS_TONES.get(tone, "govuk-tag--grey"), label
    )


@register.filter(name="cut_at_word")
def cut_at_word_filter(text, limit: int = 80) -> str:
    return cut_at_word(str(text or ""), int(limit))


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


CAPTION_CLASSES = {
    "hidden": "govuk-visually-hidden",
    "s": "govuk-table__caption govuk-table__caption--s",
    "m": "govuk-table__caption govuk-table__caption--m",
    "l": "govuk-table__caption govuk-table__caption--l",
}


@register.simple_block_tag
def govuk_table(content, heads: str = "", caption: str = "", caption_size: str = "hidden", classes: str = ""):
    """A GOV.UK table: the caption, a header row, and the rows between the tags.

    `heads` names the columns, separated by "|"; a name starting with "#" is a numeric column.
    A caption that needs the page's values can instead open the content as a <caption>, and a
    header row that does (a column per status a plan sets, a tag in a heading) as a <thead>.
    Every table of the service is made here, so its markup (scope, classes) is the same in
    every page and in the panel paper.
    """
    body = str(content)
    head_caption = ""
    stripped = body.lstrip()
    if stripped.startswith("<caption"):
        end = stripped.index("</caption>") + len("</caption>")
        head_caption, body = stripped[:end], stripped[end:]
    elif caption:
        head_caption = format_html(
            '<caption class="{}">{}</caption>',
            CAPTION_CLASSES.get(caption_size, CAPTION_CLASSES["hidden"]),
            caption,
        )
    cells = []
    for name in (h for h in heads.split("|") if h):
        numeric = name.startswith("#")
        cells.append(
            format_html(
                '<th scope="col" class="govuk-table__header{}">{}</th>',
                " govuk-table__header--numeric" if numeric else "",
                name.removeprefix("#"),
            )
        )
    head = (
        format_html(
            '<thead class="govuk-table__head"><tr class="govuk-table__row">{}</tr></thead>',
            mark_safe("".join(cells)),  # nosec B308 B703 - joined format_html parts
        )  # noqa: S308 - joined format_html parts
        if cells
        else ""
    )
    if not cells and body.lstrip().startswith("<thead"):
        rest = body.lstrip()
        end = rest.index("</thead>") + len("</thead>")
        head, body = mark_safe(rest[:end]), rest[end:]  # noqa: S308  # nosec B308 B703 - rendered by the template
    return format_html(
        '<table class="govuk-table{}">{}{}<tbody class="govuk-table__body">{}</tbody></table>',
        f" {classes}" if classes else "",
        mark_safe(head_caption),  # noqa: S308  # nosec B308 B703 - built by format_html, or rendered by the template
        head,
        mark_safe(body),  # noqa: S308  # nosec B308 B703 - the rendered, autoescaped content of the tag
    )


@register.filter
def cover_sections(report: dict) -> list[dict]:
    """A frozen cover report's sections in the order a panel report prints them, numbered,
    leaving out those the office left empty."""
    contact = report.get("contact") or {}
    candidates = [
        ("Purpose", "text", report.get("purpose")),
        ("Background", "text", report.get("background")),
        ("Key points and exceptions", "text", report.get("key_points")),
        ("Implications", "implications", report.get("implications")),
        ("Recommendation", "text", report.get("recommendation")),
        ("Contact officer", "contact", contact if any(contact.values()) else None),
        ("Background papers", "lines", report.get("background_papers")),
    ]
    present = [(heading, kind, content) for heading, kind, content in candidates if content]
    return [
        {"number": n, "heading": heading, "kind": kind, "content": content}
        for n, (heading, kind, content) in enumerate(present, start=1)
    ]


@register.simple_tag
def heat_map(grid: dict, row_title: str = "Likelihood", column_title: str = "Impact", links: bool = False):
    """A likelihood × impact grid of counts ({"rows": [{"likelihood", "cells": [{"count",
    "level", "rag", "url", "impact"}]}]}, as a snapshot stores it) drawn as SVG; cells link only
    when `links` is set (staff pages), never on published pages."""
    rows = grid.get("rows", [])
    return charts.heat_map_svg(
        rows=[str(row["likelihood"]) for row in rows],
        columns=[str(cell["impact"]) for cell in rows[0]["cells"]] if rows else [],
        cells=[
            [
                {
                    "count": cell["count"],
                    "word": cell.get("level", ""),
                    "rag": cell.get("rag", ""),
                    "url": cell.get("url", "") if links else "",
                }
                for cell in row["cells"]
            ]
            for row in rows
        ],
        row_title=row_title,
        column_title=column_title,
    )
