"""What every request gets, whatever it carries: a written 400 for a bad Host, a NUL byte or
an over-long value; the 409 page when the database refuses a write; no caching of anything
a signed-in person sees; /healthz for load balancers."""

import os
import subprocess
import sys

import pytest
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import path, reverse

from assurance import urls as project_urls
from assurance.models import Organisation
from assurance.permissions import Access, access
from assurance.writes import unaudited
from tests.factories import make_organisation


@pytest.mark.parametrize("url", ["/", "/sign-in/", "/no-such-page/", "/healthz/", "/dashboard/"])
def test_a_host_not_allowed_gets_the_services_400_not_a_500(client, settings, db, url):
    settings.ALLOWED_HOSTS = ["assurance.example.org"]
    response = Client(raise_request_exception=False).get(url, HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert "Sorry, there is a problem with your request" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("organisation=a%00b", "‘organisation’ in the web address contains a NUL character"),
        ("a%00=1", "parameter name containing a NUL character"),
        ("q=" + "x" * 2001, "‘q’ in the web address is longer than 2,000 characters"),
        ("&".join(f"p{n}=1" for n in range(201)), "more than 200 parameters"),
        ("organisation=" + "&organisation=".join("x" * 201), "repeats ‘organisation’ more than 200 times"),
    ],
)
def test_a_nul_byte_or_an_over_long_value_in_the_query_is_a_written_400(persona_client, query, says):
    response = persona_client("editor").get(f"{reverse('principles:list')}?{query}")
    assert response.status_code == 400
    assert says in response.content.decode()


def test_a_nul_byte_in_a_form_is_a_written_400_and_saves_nothing(persona_client):
    before = Organisation.objects.count()
    response = persona_client("administrator").post(
        reverse("organisation_create"), {"name": "Office\x00", "short_name": "x", "slug": "x", "kind": "opcc"}
    )
    assert response.status_code == 400
    assert "‘name’ in the form contains a NUL character" in response.content.decode()
    assert Organisation.objects.count() == before


def test_an_over_long_form_value_is_a_written_400(persona_client):
    response = persona_client("administrator").post(reverse("organisation_create"), {"name": "x" * 100_001})
    assert response.status_code == 400
    assert "‘name’ in the form is longer than 100,000 characters" in response.content.decode()


@access(Access.EDIT)
def save_a_clashing_record(request):
    # What a race leaves behind: the form's checks passed, then someone saved the same slug.
    existing = Organisation.objects.get(slug=request.POST["slug"])
    with transaction.atomic():
        Organisation.objects.create(name="Clash", short_name="Clash", slug=existing.slug, kind="opcc")
    return HttpResponse("saved")


# The product's URLs, with one more page for this test.
urlpatterns = [path("clash/", save_a_clashing_record), *project_urls.urlpatterns]


def test_a_write_the_database_refuses_answers_the_409_page(persona_client, settings):
    settings.ROOT_URLCONF = "tests.test_requests"
    organisation = make_organisation()
    response = persona_client("editor").post("/clash/", {"slug": organisation.slug})
    assert response.status_code == 409
    assert "Your change was not saved" in response.content.decode()
    assert Organisation.objects.filter(slug=organisation.slug).count() == 1


def test_the_meetings_triggers_refuse_with_an_integrity_error_which_answers_409(db):
    """On SQLite (RAISE ABORT) and PostgreSQL (check_violation) alike, so the middleware
    above turns a write the trigger refuses into the 409 page."""
    from meetings.models import Action
    from tests.meetings.factories import make_action

    action = make_action()
    item = action.item
    with pytest.raises(IntegrityError), transaction.atomic(), unaudited():
        type(item).objects.filter(pk=item.pk).update(visibility="restricted")
    assert Action.objects.get(pk=action.pk).visibility != "restricted"


@pytest.mark.parametrize("name", ["dashboard", "recent_changes", "principles:list", "principles:issues_csv"])
def test_staff_pages_and_exports_are_never_stored_by_the_browser(persona_client, name):
    response = persona_client("editor").get(reverse(name))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_a_signed_in_download_is_never_stored(persona_client):
    response = persona_client("editor").get(reverse("delivery_plans:export", kwargs={"fmt": "xlsx"}))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


def test_published_pages_for_visitors_are_not_marked_no_store(client, db):
    response = client.get(reverse("publication_list"))
    assert response.status_code == 200 and "no-store" not in response.get("Cache-Control", "")


def test_healthz_answers_ok_without_a_session_https_or_an_allowed_host(client, settings, db):
    settings.ALLOWED_HOSTS = ["assurance.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", HTTP_HOST="10.0.0.12:8000")
    assert response.status_code == 200 and response.content == b"ok\n"
    assert response["Content-Type"] == "text/plain" and "no-store" in response["Cache-Control"]
    assert not response.cookies


def test_healthz_answers_503_when_the_database_is_unreachable(tmp_path):
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(r.status_code, r.content.decode().strip())"
    )
    env = os.environ | {"DATABASE_URL": "postgres://nobody@127.0.0.1:9/nothing?connect_timeout=2"}
    env["DJANGO_SETTINGS_MODULE"] = "assurance.settings"
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False, timeout=60
    )
    assert result.stdout.strip() == "503 database unavailable", result.stderr[-2000:]


def test_a_form_sent_without_its_security_token_gets_a_written_403(db, caplog):
    caplog.set_level("INFO", logger="assurance.security")
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()
    assert any('"csrf_failure"' in r.getMessage() for r in caplog.records)
