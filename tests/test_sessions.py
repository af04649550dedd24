"""Sessions (ASVS 5.0 level 2): 30 minutes idle for staff, 12 hours at most for anyone, and
a deactivated user's sessions end. Users are deactivated, never deleted."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assurance.permissions import Role
from assurance.sessions import LAST_SEEN, SIGNED_IN_AT
from tests.factories import PASSWORD, make_user


def signed_in(user) -> Client:
    client = Client()
    assert client.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def age_session(client: Client, *, signed_in_ago: float, last_seen_ago: float) -> None:
    session = client.session
    now = time.time()
    session[SIGNED_IN_AT] = now - signed_in_ago
    session[LAST_SEEN] = now - last_seen_ago
    session.save()


@pytest.fixture
def officer(db):
    return make_user(Role.EDITOR, username="performance-officer")


def test_a_staff_session_ends_after_30_minutes_without_a_request(officer):
    client = signed_in(officer)
    age_session(client, signed_in_ago=31 * 60, last_seen_ago=29 * 60)
    assert client.get(reverse("dashboard")).status_code == 200
    age_session(client, signed_in_ago=62 * 60, last_seen_ago=31 * 60)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    page = client.get(response["Location"]).content.decode()
    assert "signed out because you did nothing for 30 minutes" in page


def test_each_request_keeps_a_staff_session_alive(officer):
    client = signed_in(officer)
    age_session(client, signed_in_ago=3 * 60 * 60, last_seen_ago=25 * 60)
    assert client.get(reverse("dashboard")).status_code == 200
    assert time.time() - client.session[LAST_SEEN] < 5


def test_any_session_ends_12_hours_after_signing_in_however_busy(db):
    for user in (make_user(Role.EDITOR), make_user(Role.PANEL)):
        client = signed_in(user)
        age_session(client, signed_in_ago=12 * 60 * 60 + 1, last_seen_ago=10)
        client.get(reverse("home"))
        assert "_auth_user_id" not in client.session
        assert "12 hours" in client.get(reverse("login")).content.decode()


def test_a_panel_members_session_has_no_idle_timeout(db):
    client = signed_in(make_user(Role.PANEL))
    age_session(client, signed_in_ago=5 * 60 * 60, last_seen_ago=4 * 60 * 60)
    client.get(reverse("home"))
    assert "_auth_user_id" in client.session


def test_a_deactivated_users_session_ends_on_their_next_request(officer):
    client = signed_in(officer)
    key = client.session.session_key
    get_user_model().objects.filter(pk=officer.pk).update(is_active=False)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not Session.objects.filter(session_key=key).exists()


@pytest.fixture
def admin(db) -> Client:
    client = Client()
    client.force_login(make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
    return client


def test_deactivating_a_user_in_the_admin_ends_their_sessions_at_once(officer, admin):
    sessions = [signed_in(officer).session.session_key for _ in range(2)]
    other = signed_in(make_user(Role.EDITOR)).session.session_key
    response = admin.post(
        reverse("admin:auth_user_changelist"),
        {"action": "deactivate", "_selected_action": [officer.pk]},
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert not officer.is_active
    assert not Session.objects.filter(session_key__in=sessions).exists()
    assert Session.objects.filter(session_key=other).exists()


def test_the_admin_cannot_delete_users_and_says_to_deactivate_them(officer, admin):
    assert admin.get(reverse("admin:auth_user_delete", args=[officer.pk])).status_code == 403
    page = admin.get(reverse("admin:auth_user_change", args=[officer.pk])).content.decode()
    assert "Users are deactivated, never deleted" in page
    changelist = admin.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "delete_selected" not in changelist and "Deactivate the selected users" in changelist
    assert get_user_model().objects.filter(pk=officer.pk).exists()


def test_the_session_cookie_ends_with_the_browser_and_the_stored_session_within_12_hours(officer, settings):
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60 and settings.SESSION_IDLE_TIMEOUT == 30 * 60
    client = Client()
    response = client.post(reverse("login"), {"username": officer.username, "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert not cookie["max-age"] and not cookie["expires"]  # a browser-session cookie
    stored = Session.objects.get(session_key=cookie.value)
    lifetime = (stored.expire_date - timezone.now()).total_seconds()
    assert 12 * 60 * 60 - 60 < lifetime <= 12 * 60 * 60


def test_unticking_active_on_the_users_page_ends_their_sessions_at_once(officer, admin):
    session = signed_in(officer).session.session_key
    response = admin.post(
        reverse("admin:auth_user_change", args=[officer.pk]),
        {
            "username": officer.username,
            "first_name": officer.first_name,
            "last_name": "",
            "email": "",
            "date_joined_0": "2026-01-05",
            "date_joined_1": "09:00:00",
            "groups": [g.pk for g in officer.groups.all()],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    officer.refresh_from_db()
    assert not officer.is_active
    assert not Session.objects.filter(session_key=session).exists()
