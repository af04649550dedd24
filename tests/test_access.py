"""Every URL answers every persona as the access table says: the one check that a new page
is not open to the wrong people."""

import dataclasses

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assurance.models import Membership
from assurance.permissions import Access, Role
from tests.access import ALLOWED, Case, all_cases
from tests.conftest import PERSONAS
from tests.factories import make_organisation, make_user

CASES = all_cases()


def named_urls(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from named_urls(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}" if pattern.name else f"(unnamed) {pattern.pattern}"


def test_every_url_is_in_the_access_table():
    missing = sorted(set(named_urls()) - set(CASES))
    assert not missing, f"URLs missing from the access table (tests/**/access_cases.py): {missing}"


def test_the_access_table_names_no_url_that_is_gone():
    assert not sorted(set(CASES) - set(named_urls()))


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_each_persona_gets_the_answer_its_role_allows(name, persona, persona_client, db):
    case = CASES[name]
    client = persona_client(persona)
    url = reverse(name, kwargs=case.kwargs())
    response = client.get(url)
    if persona in ALLOWED[case.access]:
        expected = 405 if case.post_only else case.ok_status
        assert response.status_code == expected, f"{persona} GET {url}"
    elif persona == "anonymous":
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    else:
        assert response.status_code == 403, f"{persona} GET {url}"


@pytest.mark.parametrize("persona", ["anonymous", "panel"])
def test_the_admin_is_for_administrators_only(persona, persona_client):
    response = persona_client(persona).get(reverse("admin:index"))
    assert response.status_code == (302 if persona == "anonymous" else 403)


def test_administrators_reach_the_admin(persona_client):
    assert persona_client("administrator").get(reverse("admin:index")).status_code in (200, 302)


def test_anonymous_visitors_are_sent_to_sign_in_when_nothing_is_public(persona_client, settings):
    settings.PUBLISH_PUBLICLY = False
    response = persona_client("anonymous").get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


NO_KWARGS = next(f.default for f in dataclasses.fields(Case) if f.name == "kwargs")
ELSEWHERE = sorted(
    name
    for name, case in CASES.items()
    if case.access in (Access.EDIT, Access.PUBLISH)
    and not case.post_only
    and not case.shared
    and case.kwargs is not NO_KWARGS
)


@pytest.mark.parametrize("name", ELSEWHERE)
def test_staff_of_another_office_find_no_record_of_this_one(name, db):
    """Roles are held per organisation: a publisher (who is also an editor) of one office gets
    404 for another office's records, as for records that do not exist."""
    case = CASES[name]
    elsewhere = make_organisation(name="Office of the Police and Crime Commissioner Elsewhere")
    user = make_user()
    Membership.objects.create(user=user, organisation=elsewhere, role=Role.PUBLISHER)
    client = Client()
    client.force_login(user)
    url = reverse(name, kwargs=case.kwargs())
    assert client.get(url).status_code == 404, url
