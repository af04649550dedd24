"""What the rows of a long list show, made once for the page rather than once a row: a page of
50 rows should cost about what a page of 20 does, its fixed cost, not 50 URL reversals and date
filters (each costs about as much as the rest of its row)."""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from django.db.models import QuerySet
from django.urls import reverse

# As the templates' "j M Y" writes them, in the service's one language.
MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Stands for a record's id while the URL is reversed: digits no other part of a URL holds.
_ID_MARK = 918273645


def short_date(day: datetime.date | None, empty: str = "") -> str:
    """A date as lists write it, '5 Jan 2017'; `empty` when there is none."""
    if day is None:
        return empty
    return f"{day.day} {MONTH_ABBREVIATIONS[day.month - 1]} {day.year}"


def url_of_each(name: str) -> Callable[[int], str]:
    """The URL of each record's page from its id, for a URL name that takes the id alone:
    reversed once for all the rows of a page."""
    head, _, tail = reverse(name, args=[_ID_MARK]).partition(str(_ID_MARK))
    return lambda pk: f"{head}{pk}{tail}"


def values_by(rows: Iterable[dict], key: str) -> dict[int, list[dict]]:
    """Rows read as plain values (the children of a list's records, in one query), by the id
    each holds in `key`: a list for each record, empty for one with none."""
    grouped: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        grouped[row[key]].append(row)
    return grouped


def linked(
    relation, owners, *fields: str, among=None, order_by: Sequence[str] | None = None
) -> dict[int, list]:
    """For each owner id, the `fields` of the records a many-to-many `relation` (a model's
    descriptor, either end: `Commitment.areas`, `Commitment.oversight_bodies`) links it to: one
    value each, or a tuple for several fields, in the linked model's order (or `order_by`).

    One query of plain values through the link table, where a prefetch would make a model, a
    manager and a queryset for every owner and every link: for a list of hundreds, most of its
    time. `owners` are ids or a query of them. `among` keeps only some of the linked records: a
    query of their ids is asked in the database; a set of ids is kept to as the links are read
    (for a few records the caller holds: asked in the database as well as the owners, SQLite
    looks up every pair of the two)."""
    field = relation.field
    if relation.reverse:
        owner, target, linked_model = field.m2m_reverse_field_name(), field.m2m_field_name(), field.model
    else:
        owner, target, linked_model = (
            field.m2m_field_name(),
            field.m2m_reverse_field_name(),
            field.related_model,
        )
    links = relation.through.objects.filter(**{f"{owner}_id__in": owners})
    if isinstance(among, QuerySet):
        links = links.filter(**{f"{target}_id__in": among})
    ordering = order_by if order_by is not None else linked_model._meta.ordering
    # "-name" becomes "-target__name"; the link's own id last, so that ties keep one order.
    links = links.order_by(
        *(f"{'-' if name.startswith('-') else ''}{target}__{name.lstrip('-')}" for name in ordering),
        f"{target}_id",
    )
    kept = None if among is None or isinstance(among, QuerySet) else frozenset(among)
    found: dict[int, list] = defaultdict(list)
    values = [f"{target}__{name}" for name in fields]
    for owner_id, target_id, *shown in links.values_list(f"{owner}_id", f"{target}_id", *values):
        if kept is None or target_id in kept:
            found[owner_id].append(shown[0] if len(shown) == 1 else tuple(shown))
    return found
