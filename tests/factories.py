"""Factories for core records. Areas add their own in tests/<area>/factories.py."""

import io
import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from openpyxl import Workbook

from assurance.models import Organisation, ReportingPeriod

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery-staple"


def make_user(role: str | None = None, username: str | None = None, **fields):
    """A user with one role (an auth group name), or none for an outsider."""
    n = next(_seq)
    user = get_user_model().objects.create_user(
        username=username or f"user{n}",
        password=PASSWORD,
        first_name=fields.pop("first_name", f"Person{n}"),
        **fields,
    )
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def make_organisation(**fields) -> Organisation:
    n = next(_seq)
    defaults = {
        "name": f"Office of the Police and Crime Commissioner {n}",
        "short_name": f"Area {n}",
        "slug": f"area-{n}",
    }
    defaults.update(fields)
    return Organisation.objects.create(**defaults)


def make_period(start_year: int = 2017, quarter: int | None = None) -> ReportingPeriod:
    return ReportingPeriod.objects.get_or_create(start_year=start_year, quarter=quarter)[0]


def make_xlsx(rows) -> bytes:
    """An Excel workbook whose first sheet holds the rows, as a spreadsheet program saves it."""
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
