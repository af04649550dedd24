"""Every named URL, asked by every role with hostile query strings, bad ids and hostile
forms, answers without a 500 on SQLite and PostgreSQL alike; NUL bytes and over-long values
get the written 400, and no injected markup comes back unescaped.

Each URL is one test. Every URL gets every hostile query string, spread over the five
roles (two each), so the whole table stays a few seconds of work."""

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from assurance.permissions import Role
from tests.access import all_cases
from tests.factories import make_user

CASES = all_cases()
ROLES = ["anonymous", "panel", "editor", "publisher", "administrator"]
ROLE_OF = {"panel": Role.PANEL, "editor": Role.EDITOR, "publisher": Role.PUBLISHER}
# Names the pages' filters, pickers and forms read.
NAMES = [
    "organisation", "period", "year", "quarter", "page", "sort", "q", "status", "rag", "body",
    "plan", "objective", "owner", "kind", "direction", "overdue", "principle", "summary", "next",
]  # fmt: skip
MARKUP = '"><script>alert("assurance-xss")</script><img src=x onerror=alert(1)>'


def query(values: dict[str, str] | list[tuple[str, str]]) -> str:
    items = values.items() if isinstance(values, dict) else values
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in items)


def every_name(value: str) -> str:
    return query(dict.fromkeys(NAMES, value))


# Fields of the service's forms that choose records by id.
CHOOSING_RECORDS = [
    "commitments",
    "risks",
    "bodies",
    "objectives",
    "related",
    "areas",
    "organisations",
    "allies",
]

# (label, query string, the written 400 it must get, if any)
HOSTILE = [
    ("nul byte", every_name("2016\x00"), "contains a NUL character"),
    ("100 KB value", query({"organisation": "x" * 100_000}), "longer than 2,000 characters"),
    ("unicode oddities", every_name("\u202e2017/18\u200b\ufeff\U0001f4a5\ufffe\u0301"), None),
    # Bytes that are not UTF-8, an overlong encoding and a lone surrogate, percent-encoded.
    ("broken utf-8", "&".join(f"{n}=%ff%fe%c0%af%ed%a0%80" for n in NAMES), None),
    ("sql", every_name("1' OR '1'='1'; DROP TABLE auth_user; --"), None),
    ("markup", every_name(MARKUP), None),
    ("repeated", query([(name, str(n)) for name in NAMES for n in range(10)]), None),
    ("numbers", every_name("99999999999999999999999"), None),
    ("negative and empty", query([(n, v) for n in NAMES for v in ("-1", "", "0", "1.5e308")]), None),
    ("path tricks", every_name("../../../etc/passwd"), None),
]


def clients() -> dict[str, Client]:
    made = {"anonymous": Client()}
    for role in ROLES[1:]:
        client = Client()
        if role == "administrator":
            client.force_login(make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
        else:
            client.force_login(make_user(ROLE_OF[role]))
        made[role] = client
    return made


def bad_kwargs(kwargs: dict) -> list[dict]:
    """The URL's own arguments swapped for ids and slugs that name nothing."""
    variants = []
    for bad_int, bad_str in ((2**63, "no-such-thing"), (0, "x" * 300)):
        variant = {}
        for key, value in kwargs.items():
            variant[key] = bad_int if isinstance(value, int) else bad_str
        variants.append(variant)
    return variants


def check(response, *, where: str, failures: list[str], written_400: str | None = None) -> None:
    if response.status_code >= 500:
        failures.append(f"{response.status_code} {where}")
        return
    body = b"" if getattr(response, "streaming", False) else response.content
    if written_400 is not None and response.status_code != 400:
        failures.append(f"{response.status_code}, not the written 400, {where}")
    elif written_400 is not None and written_400.encode() not in body:
        failures.append(f"400 without saying what was wrong, {where}")
    if b"assurance-xss" in body and b'<script>alert("assurance-xss")' in body:
        failures.append(f"markup came back unescaped, {where}")


def ask(client: Client, method: str, url: str, failures: list[str], **kwargs):
    try:
        return getattr(client, method)(url, **kwargs)
    except Exception as error:  # noqa: BLE001 - gather every crash, then report them together
        failures.append(f"{type(error).__name__}: {str(error)[:200]} on {method.upper()} {url[:120]}")
        return None


@pytest.mark.parametrize("name", sorted(CASES))
def test_no_url_answers_500_to_hostile_input_from_any_role(name, db, settings):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    case = CASES[name]
    kwargs = case.kwargs()
    url = reverse(name, kwargs=kwargs)
    position = sorted(CASES).index(name)
    people = clients()
    failures: list[str] = []

    for r, role in enumerate(ROLES):
        for k in range(2):
            label, query_string, says = HOSTILE[(position + 2 * r + k) % len(HOSTILE)]
            if name == "healthz":
                says = None  # answered before anything reads the query, which it ignores
            response = ask(people[role], "get", f"{url}?{query_string}", failures)
            if response is not None:
                check(response, where=f"{role} GET {url} ({label})", failures=failures, written_400=says)

    staff = people["administrator"]
    for variant in bad_kwargs(kwargs):
        bad_url = reverse(name, kwargs=variant) if kwargs else f"{url}not-a-page/"
        response = ask(staff, "get", bad_url, failures)
        if response is not None:
            check(response, where=f"administrator GET {bad_url[:120]}", failures=failures)

    if name != "logout":
        for label, form in (
            ("markup form", dict.fromkeys(NAMES, MARKUP) | {"name": MARKUP, "text": MARKUP, "title": MARKUP}),
            ("sql form", dict.fromkeys(NAMES, "1' OR 1=1 --") | {"loaded_version": "-1", "version": "x"}),
            ("nul form", {"name": "a\x00b"}),
            # Past the database's integers, in every field that chooses records.
            ("numbers form", dict.fromkeys([*NAMES, *CHOOSING_RECORDS], "99999999999999999999999")),
        ):
            response = ask(people["publisher"], "post", url, failures, data=form)
            if response is not None:
                written = "contains a NUL character" if label == "nul form" else None
                check(
                    response, where=f"publisher POST {url} ({label})", failures=failures, written_400=written
                )

    assert not failures, "\n".join(failures)
