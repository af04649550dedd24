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
