"""A second factor for staff when OTP_REQUIRED is on: set up in the browser without
JavaScript (a QR code drawn as SVG, and the key as text), a code at every sign-in, and
single-use recovery codes."""

import base64
import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from assurance.permissions import Role
from tests.factories import PASSWORD, make_user


@pytest.fixture(autouse=True)
def _required(settings):
    settings.OTP_REQUIRED = True


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    return (
        f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps_ahead):06d}"
    )


def sign_in(user, **extra) -> tuple[Client, object]:
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD, **extra})
    assert response.status_code == 302
    return client, response


@pytest.mark.parametrize("role", [Role.EDITOR, Role.PUBLISHER, Role.ADMINISTRATOR])
def test_staff_set_up_an_app_before_reaching_any_staff_page(db, role):
    client, _ = sign_in(make_user(role))
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_setup") + "?next=")
    assert client.get(reverse("home")).status_code == 302  # not even the published pages
    assert client.get(reverse("accessibility")).status_code == 200


def test_panel_members_need_no_second_factor(db):
    client, _ = sign_in(make_user(Role.PANEL))
    assert client.get(reverse("home")).status_code == 200


def test_with_the_setting_off_staff_sign_in_with_a_password_alone(db, settings):
    settings.OTP_REQUIRED = False
    client, _ = sign_in(make_user(Role.EDITOR))
    assert client.get(reverse("dashboard")).status_code == 200


def test_setting_up_shows_a_qr_code_and_the_key_then_gives_recovery_codes(db):
    editor = make_user(Role.EDITOR)
    client, _ = sign_in(editor)
    page = client.get(reverse("two_factor_setup") + "?next=/dashboard/").content.decode()
    assert "<svg" in page and "<script" not in page.split("<main", 1)[1].split("</main>", 1)[0]
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    key = re.search(r'id="secret-key">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    assert base64.b32decode(key) == device.bin_key

    wrong = client.post(reverse("two_factor_setup"), {"code": "not-a-code"})
    assert "That code is not right" in wrong.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302
    let_the_wait_pass(device)

    response = client.post(reverse("two_factor_setup"), {"code": code_for(device), "next": "/dashboard/"})
    page = response.content.decode()
    assert response.status_code == 200 and "Save your recovery codes" in page
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", page)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "no-store" in response["Cache-Control"]
    assert client.get(reverse("dashboard")).status_code == 200


def let_the_wait_pass(device: TOTPDevice) -> None:
    """django-otp makes each try after a wrong code wait 1, 2, 4... seconds."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - datetime.timedelta(minutes=10)
    )


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def test_every_sign_in_asks_for_a_code_and_a_wrong_one_is_refused(db, caplog):
    caplog.set_level("INFO", logger="assurance.security")
    editor = make_user(Role.EDITOR)
    device = confirmed_device(editor)
    client, response = sign_in(editor, next="/changes/")
    assert client.get("/changes/")["Location"].startswith(reverse("two_factor_verify"))
    wrong = client.post(reverse("two_factor_verify"), {"code": "not-a-code", "next": "/changes/"})
    assert "That code is not right" in wrong.content.decode()
    let_the_wait_pass(device)
    right = client.post(reverse("two_factor_verify"), {"code": code_for(device), "next": "/changes/"})
    assert right.status_code == 302 and right["Location"] == "/changes/"
    assert client.get("/changes/").status_code == 200
    events = [r.getMessage() for r in caplog.records if r.name == "assurance.security"]
    assert any('"second_factor_failed"' in e for e in events)
    assert any('"second_factor_verified"' in e for e in events)


def test_a_code_cannot_be_used_twice(db):
    editor = make_user(Role.EDITOR)
    device = confirmed_device(editor)
    code = code_for(device)
    first, _ = sign_in(editor)
    assert first.post(reverse("two_factor_verify"), {"code": code}).status_code == 302
    second, _ = sign_in(editor)
    assert (
        "That code is not right" in second.post(reverse("two_factor_verify"), {"code": code}).content.decode()
    )


def test_a_recovery_code_works_once(db):
    from assurance.two_factor import make_recovery_codes

    editor = make_user(Role.EDITOR)
    confirmed_device(editor)
    code = make_recovery_codes(editor)[0]
    client, _ = sign_in(editor)
    response = client.post(reverse("two_factor_verify"), {"code": code.upper()}, follow=True)
    assert "You used a recovery code: 9 left" in response.content.decode()
    assert not StaticToken.objects.filter(token=code).exists()
    again, _ = sign_in(editor)
    assert (
        "That code is not right" in again.post(reverse("two_factor_verify"), {"code": code}).content.decode()
    )


def test_wrong_codes_slow_down_further_tries(db):
    editor = make_user(Role.EDITOR)
    device = confirmed_device(editor)
    client, _ = sign_in(editor)
    for _ in range(3):
        client.post(reverse("two_factor_verify"), {"code": "not-a-code"})
    # Even the right code is refused while the wait after the wrong ones runs, and it says so.
    response = client.post(reverse("two_factor_verify"), {"code": code_for(device)})
    assert "you must wait: try again in" in response.content.decode()


def test_a_verified_user_makes_new_recovery_codes_that_replace_the_old(db):
    from assurance.two_factor import make_recovery_codes

    editor = make_user(Role.EDITOR)
    device = confirmed_device(editor)
    old = make_recovery_codes(editor)
    client, _ = sign_in(editor)
    client.post(reverse("two_factor_verify"), {"code": code_for(device)})
    overview = client.get(reverse("two_factor")).content.decode()
    assert "Recovery codes left" in overview and ">10<" in overview
    page = client.post(reverse("two_factor_recovery_codes")).content.decode()
    new = re.findall(r"<li><code>([a-z2-7]+)</code></li>", page)
    assert len(new) == 10 and not set(new) & set(old)
    assert StaticToken.objects.filter(device__user=editor).count() == 10


def test_the_admin_asks_for_the_second_factor_too(db):
    admin = make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    confirmed_device(admin)
    client, _ = sign_in(admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_verify"))


def test_an_administrator_resets_a_lost_app_and_the_user_sets_up_a_new_one(db):
    from assurance.two_factor import make_recovery_codes

    editor = make_user(Role.EDITOR)
    device = confirmed_device(editor)
    make_recovery_codes(editor)
    admin = make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    admin_client, _ = sign_in(admin)
    admin_device = confirmed_device(admin)
    admin_client.post(reverse("two_factor_verify"), {"code": code_for(admin_device)})
    delete = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=editor).exists()
    client, _ = sign_in(editor)
    assert client.get(reverse("dashboard"))["Location"].startswith(reverse("two_factor_setup"))
