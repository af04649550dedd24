"""The first rows of a long list, with how many there are in all: how a dashboard or summary
page shows the exceptions (Red and Amber, overdue, changed) without showing every row, so it
stays the same size however much data there is. The full list is one link away."""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

# How many rows a summary lists: enough to read the exceptions at a glance; the full,
# filtered list has the rest.
SHOWN = 20


@dataclass(frozen=True)
class FirstRows:
    """The first `len(rows)` of `total` rows, and where the full list is."""

    rows: list[Any]
    total: int
    full_list_url: str = ""

    @property
    def not_shown(self) -> int:
        return self.total - len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)


def first_rows(
    queryset: QuerySet, *, full_list_url: str = "", total: int | None = None, limit: int = SHOWN
) -> FirstRows:
    """The first `limit` rows of an ordered queryset, cut in the database, and their total:
    two queries (one when the caller already counted), whatever the number of rows."""
    rows = list(queryset[:limit])
    if total is None:
        total = queryset.order_by().count()
    return FirstRows(rows=rows, total=total, full_list_url=full_list_url)


def first_items(items: list, *, full_list_url: str = "", limit: int = SHOWN) -> FirstRows:
    """The same for rows already in memory (a snapshot's): the first `limit`, and the total."""
    return FirstRows(rows=list(items[:limit]), total=len(items), full_list_url=full_list_url)
