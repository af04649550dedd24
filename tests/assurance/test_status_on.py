"""A tracked record's status on an earlier day: the one rule the risks, actions and
recommendations on a past quarter's dashboard follow."""

import datetime

import pytest

from assurance.models import status_on

QUARTER_END = datetime.date(2016, 12, 31)


@pytest.mark.parametrize(
    ("status", "closed_on", "shown"),
    [
        ("closed", datetime.date(2016, 12, 31), "closed"),  # closed on the day itself
        ("closed", datetime.date(2016, 11, 2), "closed"),
        ("closed", datetime.date(2017, 1, 1), "in_progress"),  # closed a day later: still worked on
        ("open", None, "open"),
        ("in_progress", None, "in_progress"),
        # Reopened since, with its old closing day kept: it was closed on the day.
        ("open", datetime.date(2016, 10, 5), "closed"),
        ("open", datetime.date(2017, 2, 5), "open"),
    ],
)
def test_a_status_as_it_stood_on_a_day(status, closed_on, shown):
    on_the_day = status_on(
        QUARTER_END, status=status, closed_on=closed_on, closed="closed", until_closed="in_progress"
    )
    assert on_the_day == shown
