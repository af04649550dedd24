"""Site-wide checks: migrations, system checks, deploy settings, pages in the shared layout."""

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from assurance.models import Direction, Organisation, Rag, ReportingPeriod


def test_models_and_migrations_agree(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_check_deploy_notices_static_files_that_were_not_collected(tmp_path):
    """Clean once they are: tests/test_production.py runs it after collectstatic."""
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "a-long-random-production-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "assurance.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path}/deploy.sqlite3",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "assurance.E002" in output and "collectstatic" in output
    # Nothing else: every other production setting passes.
    assert "1 issue" in output, output


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"} | {"DEBUG": "0"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_every_page_has_the_shared_layout_and_a_skip_link(client, db):
    page = client.get(reverse("login")).content.decode()
    assert 'href="#main-content"' in page and 'id="main-content"' in page
    assert 'lang="en-GB"' in page
    assert "govuk-crest" not in page and "GDS Transport" not in page


def test_unknown_pages_get_the_services_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize(
    ("label", "expected"),
    [("2017/18", (2017, None)), ("2017/18 Q2", (2017, 2)), ("2017-18-q4", (2017, 4)), ("2017", (2017, None))],
)
def test_periods_are_parsed_from_their_labels(label, expected):
    assert ReportingPeriod.parse(label) == expected


@pytest.mark.parametrize("label", ["2017/19", "17/18", "2017/18 Q5", ""])
def test_bad_period_labels_are_refused(label):
    with pytest.raises(ValueError):
        ReportingPeriod.parse(label)


def test_quarters_run_april_to_march():
    q1, q4 = ReportingPeriod(start_year=2017, quarter=1), ReportingPeriod(start_year=2017, quarter=4)
    assert (q1.start_date.isoformat(), q1.end_date.isoformat()) == ("2017-04-01", "2017-06-30")
    assert (q4.start_date.isoformat(), q4.end_date.isoformat()) == ("2018-01-01", "2018-03-31")
    assert q4.label == "2017/18 Q4" and ReportingPeriod(start_year=2099).label == "2099/00"


def test_direction_of_travel_follows_the_rag():
    assert Direction.between(Rag.AMBER, Rag.GREEN) == Direction.IMPROVING
    assert Direction.between(Rag.GREEN, Rag.RED) == Direction.DECLINING
    assert Direction.between(Rag.AMBER, Rag.AMBER) == Direction.MAINTAINING
    assert Direction.between(None, Rag.AMBER) == Direction.NEW


def test_the_database_refuses_a_rating_outside_the_vocabulary(db):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="x", short_name="x", slug="x", kind="galaxy")


def test_load_demo_is_idempotent_and_makes_a_user_per_role(db):
    from django.contrib.auth import get_user_model

    call_command("load_demo", force=True, stdout=StringIO())
    counts = (Organisation.objects.count(), ReportingPeriod.objects.count(), get_user_model().objects.count())
    call_command("load_demo", force=True, stdout=StringIO())
    assert (
        Organisation.objects.count(),
        ReportingPeriod.objects.count(),
        get_user_model().objects.count(),
    ) == counts
    names = set(get_user_model().objects.values_list("username", flat=True))
    assert {"editor", "publisher", "panel", "admin"} <= names


def home_office_records() -> dict[str, int]:
    from delivery_plans.models import Commitment, ProgressUpdate
    from inspections.models import Recommendation
    from meetings.models import Action, AgendaItem, Meeting
    from risks.models import Risk, RiskReview

    home = Organisation.objects.home()
    return {
        "commitments": Commitment.objects.filter(plan__owner=home).count(),
        "updates": ProgressUpdate.objects.filter(commitment__plan__owner=home).count(),
        "meetings": Meeting.objects.filter(body__owner=home).count(),
        "agenda items": AgendaItem.objects.filter(meeting__body__owner=home).count(),
        "actions": Action.objects.filter(item__meeting__body__owner=home).count(),
        "risks": Risk.objects.filter(register__owner=home).count(),
        "reviews": RiskReview.objects.filter(risk__register__owner=home).count(),
        "recommendations": Recommendation.objects.filter(report__organisation=home).count(),
        "restricted recommendations": Recommendation.objects.filter(
            report__organisation=home, visibility="restricted"
        ).count(),
    }


def test_load_demo_at_scale_2_doubles_the_home_offices_own_records_and_loads_again_unchanged(db):
    from assurance.history import audited_models

    def everything():
        return {m._meta.label: (m._default_manager.count(), m.history.count()) for m in audited_models()}

    call_command("load_demo", force=True, stdout=StringIO())
    one = home_office_records()
    call_command("load_demo", scale=2, force=True, stdout=StringIO())
    two = home_office_records()
    assert all(one.values()), one
    assert two == {name: 2 * count for name, count in one.items()}
    assert Organisation.objects.filter(slug="demo-opcc-2").exists()

    loaded = everything()
    call_command("load_demo", scale=2, force=True, stdout=StringIO())
    assert everything() == loaded


def test_load_demo_refuses_with_debug_off_unless_forced(db, settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo", stdout=StringIO())


def test_forced_demo_data_with_debug_off_has_users_who_cannot_sign_in(client, db, settings):
    from django.contrib.auth import get_user_model

    from assurance.demo import DEMO_PASSWORD

    settings.DEBUG = False
    out = StringIO()
    call_command("load_demo", force=True, stdout=out)
    assert "cannot sign in" in out.getvalue() and DEMO_PASSWORD not in out.getvalue()
    for username in ("editor", "publisher", "panel", "admin"):
        response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 200 and "_auth_user_id" not in client.session, username
        assert not get_user_model().objects.get(username=username).has_usable_password()

    # Once an administrator sets a password, loading the demo again leaves it alone.
    admin = get_user_model().objects.get(username="admin")
    admin.set_password("violet-harbour-ledger-41")
    admin.save()
    call_command("load_demo", force=True, stdout=StringIO())
    admin.refresh_from_db()
    assert admin.check_password("violet-harbour-ledger-41")


def test_demo_users_loaded_under_debug_lose_the_demo_password_when_forced_in_production(db, settings):
    from django.contrib.auth import get_user_model

    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    settings.DEBUG = False
    call_command("load_demo", force=True, stdout=StringIO())
    assert not get_user_model().objects.get(username="admin").has_usable_password()


@pytest.mark.parametrize("username", ["editor", "publisher", "panel", "admin"])
def test_every_demo_role_signs_in_and_sees_its_navigation(client, db, settings, username):
    settings.DEBUG = True  # the demo, as `make run` serves it
    call_command("load_demo", stdout=StringIO())
    from assurance.demo import DEMO_PASSWORD

    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and "Sign out" in page
    assert ("Recent changes" in page) == (username != "panel")
    assert ("Administration" in page) == (username == "admin")


@pytest.mark.parametrize("url", ["/sign-in/", "/no-such-page/", "/accessibility/"])
def test_every_footer_links_to_the_accessibility_statement(client, db, url):
    page = client.get(url).content.decode()
    footer = page[page.index("<footer") :]
    assert f'href="{reverse("accessibility")}"' in footer


def test_the_500_page_links_to_the_accessibility_statement_too():
    from django.template import loader

    page = loader.get_template("errors/500.html").render({"site_name": "Assurance"})
    assert 'href="/accessibility/"' in page[page.index("<footer") :]


def test_the_accessibility_statement_says_what_public_sector_statements_say(client, db, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "accessibility@opcc.example.org"
    page = client.get(reverse("accessibility")).content.decode()
    for heading in (
        "How accessible this service is",
        "Feedback and contact information",
        "Reporting accessibility problems with this service",
        "Enforcement procedure",
        "Compliance status",
        "Non-accessible content",
        "Preparation of this accessibility statement",
    ):
        assert heading in page
    assert "Web Content Accessibility Guidelines version 2.2" in page and "Equality Advisory" in page
    assert 'href="mailto:accessibility@opcc.example.org"' in page
