"""The tracker's tags for an item read as a record, made as its lists make them."""

from django import template
from django.utils import timezone

from inspections.rows import item_tags_of

register = template.Library()


@register.simple_tag
def item_tags(item):
    """Status, overdue, target revised and restricted, after an item wherever it is listed."""
    return item_tags_of(item, timezone.localdate())
