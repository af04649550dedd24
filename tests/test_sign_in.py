"""Signing in to OWASP ASVS 5.0 level 2: throttling with a cool-off, password rules, and
security events for every sign-in, failure, lock-out and refusal."""

import datetime
import json

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from assurance.permissions import Role
from tests.factories import PASSWORD, make_user


def security_events(caplog) -> list[dict]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "assurance.security"]


def sign_in(client: Client, username: str, password: str, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


@pytest.fixture
def officer(db):
    return make_user(Role.EDITOR, username="performance-officer")


def test_the_sixth_try_after_five_wrong_passwords_is_refused_with_a_clear_message(client, officer):
    for n in range(1, 6):
        response = sign_in(client, officer.username, "wrong password")
        page = response.content.decode()
        assert response.status_code == 200
        assert "Enter a correct username and password" in page
        assert ("now paused for 15 minutes" in page) == (n == 5)
    # Refused before the password is looked at, even the right one.
    response = sign_in(client, officer.username, PASSWORD)
    page = response.content.decode()
    assert response.status_code == 429
    assert "Too many wrong sign-in attempts" in page and "paused for 15 minutes" in page
    assert "_auth_user_id" not in client.session


def test_a_lock_ends_by_itself_after_the_cool_off_however_often_it_is_tried(client, officer):
    for _ in range(5):
        sign_in(client, officer.username, "wrong password")
    for _ in range(10):  # an attacker trying to keep the lock on
        assert sign_in(client, officer.username, "wrong password").status_code == 429
    assert sign_in(client, officer.username, PASSWORD).status_code == 429
    # Fifteen minutes later: the attacker could not lock the user out for good.
    sixteen_minutes_ago = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16)
    AccessAttempt.objects.update(attempt_time=sixteen_minutes_ago)
    response = sign_in(client, officer.username, PASSWORD)
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(officer.pk)


def test_one_address_trying_many_usernames_is_locked_out(db):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(5):
        sign_in(attacker, f"guess-{n}", "wrong password")
    victim = make_user(Role.PANEL, username="someone-else")
    assert sign_in(attacker, victim.username, PASSWORD).status_code == 429
    # The same user signs in from their own address.
    assert sign_in(Client(REMOTE_ADDR="198.51.100.7"), victim.username, PASSWORD).status_code == 302


def test_a_right_password_clears_the_count_of_wrong_ones(client, officer):
    for _ in range(4):
        sign_in(client, officer.username, "wrong password")
    assert sign_in(client, officer.username, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        sign_in(client, officer.username, "wrong password")
    assert sign_in(client, officer.username, PASSWORD).status_code == 302


def test_behind_a_proxy_the_client_is_the_address_the_proxy_saw(settings, officer):
    settings.BEHIND_PROXY = True
    # The client's own X-Forwarded-For entries are ignored: only the proxy's last one counts.
    for n in range(5):
        client = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.9")
        sign_in(client, f"guess-{n}", "wrong password")
    locked = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert sign_in(locked, officer.username, PASSWORD).status_code == 429
    other = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert sign_in(other, officer.username, PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "password",
    ["Passw0rd!", "police2026", "short-pass1", "performance-officer1", "123456789012", "password1234"],
)
def test_weak_passwords_are_refused(password, officer):
    with pytest.raises(ValidationError):
        validate_password(password, user=officer)


def test_a_long_uncommon_password_is_accepted(officer):
    validate_password("violet-harbour-ledger-41", user=officer)


def test_changing_a_password_says_why_a_weak_one_is_refused(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "police2026", "new_password2": "police2026"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "at least 12 characters" in page
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)


def test_sign_ins_failures_and_lock_outs_are_security_events(client, officer, caplog):
    caplog.set_level("INFO", logger="assurance.security")
    sign_in(client, officer.username, PASSWORD, REMOTE_ADDR="192.0.2.44")
    client.post(reverse("logout"))
    for _ in range(5):
        sign_in(client, officer.username, "wrong\npassword")
    sign_in(client, officer.username, PASSWORD)
    events = security_events(caplog)
    names = [e["event"] for e in events]
    assert names[:2] == ["sign_in", "sign_out"]
    assert names.count("sign_in_failed") == 4
    assert names.count("sign_in_locked_out") == 2  # the fifth wrong try, then the refused sixth
    assert events[0] | {"user": "performance-officer", "ip": "192.0.2.44"} == events[0]
    failure = next(e for e in events if e["event"] == "sign_in_failed")
    assert failure["username"] == "performance-officer" and "password" not in json.dumps(failure)
    # One line each: a value with a newline cannot forge a second line.
    assert all("\n" not in r.getMessage() for r in caplog.records if r.name == "assurance.security")


def test_permission_refusals_are_security_events(persona_client, caplog):
    caplog.set_level("INFO", logger="assurance.security")
    panel = persona_client("panel")
    assert panel.get(reverse("recent_changes")).status_code == 403
    (event,) = [e for e in security_events(caplog) if e["event"] == "permission_denied"]
    assert event["path"] == reverse("recent_changes") and event["user"] == panel.user.username


def test_publishing_is_a_security_event(db, caplog):
    from tests.publishing_factories import make_publication

    caplog.set_level("INFO", logger="assurance.security")
    publication = make_publication()
    (event,) = [e for e in security_events(caplog) if e["event"] == "publication_published"]
    assert event["publication_id"] == publication.pk and event["version"] == 1
    assert event["user"] == publication.published_by.username
    assert event["organisation"] == publication.organisation.slug
