"""What the rows of a long list show, made once for the page rather than once a row: a page of
50 rows should cost about what a page of 20 does, its fixed cost, not 50 URL reversals and date
filters (each costs about as much as the rest of its row)."""

import datetime
from collections.abc import Callable

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
