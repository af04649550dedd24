"""A second factor for staff (ASVS 5.0 level 2, chapter 6): time-based one-time codes from an
authenticator app (django-otp TOTP), with single-use recovery codes (django-otp static).

When OTP_REQUIRED is on, editors, publishers and administrators who have given only their
password reach nothing but the steps below: setting up an app the first time, then
entering a code at every sign-in. Panel members read only published dashboards and need
no second factor. A lost phone is handled by an administrator, who removes the user's
device in the administration pages so they set up a new one.
"""

import base64
from collections.abc import Callable
from typing import Any

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from assurance.forms import Form
from assurance.permissions import Access, access, declared_access, has_access
from assurance.security import log_event

RECOVERY_CODES = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def needs_second_factor(user: Any) -> bool:
    """Staff see drafts and restricted records, and publish: they sign in with two factors."""
    return has_access(user, Access.EDIT)


def has_app(user: Any) -> bool:
    """Whether the user has an authenticator app set up. Recovery codes alone do not count:
    once an administrator removes a lost app, its owner sets up a new one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_step(view: Any) -> Any:
    """Mark a view that a user who has given only their password may reach."""
    view.second_factor_step = True
    return view


class TwoFactorMiddleware:
    """Sends staff who have not given a code this session to the code step (or, the first
    time, to set up an app), before any page but the public ones."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable, view_args: Any, view_kwargs: Any):
        user: Any = request.user
        if not settings.OTP_REQUIRED or not user.is_authenticated or user.is_verified():
            return None
        if getattr(view_func, "second_factor_step", False) or not needs_second_factor(user):
            return None
        match = request.resolver_match
        in_admin = bool(match and "admin" in match.namespaces)
        if not in_admin and declared_access(view_func) is Access.ANYONE:
            return None
        step = "two_factor_verify" if has_app(user) else "two_factor_setup"
        return redirect_to_login(request.get_full_path(), reverse(step))


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


class CodeForm(Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "class": "govuk-input govuk-input--width-10",
            }
        ),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).lower()


def wrong_code_message(device: Any, *, recovery: bool) -> str:
    """What to tell someone whose code was refused; django-otp doubles the wait after each."""
    message = "That code is not right. Enter the code your app shows now"
    message += ", or a recovery code." if recovery else "."
    allowed, data = device.verify_is_allowed() if device is not None else (True, None)
    if not allowed and data and data.get("locked_until"):
        seconds = max(1, int((data["locked_until"] - timezone.now()).total_seconds()) + 1)
        message += f" After wrong codes you must wait: try again in {seconds} seconds."
    return message


def qr_code_svg(uri: str) -> str:
    """The set-up address as an SVG QR code, drawn here: no script, no third party."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=5, border=4, dark="#0b0c0c", light="#ffffff", title="QR code to scan with your app"
    )
    return svg.replace("<svg ", '<svg role="img" ', 1)


def grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def make_recovery_codes(user: Any) -> list[str]:
    """New recovery codes, replacing any left; each works once."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def show_recovery_codes(request: HttpRequest, codes: list[str]) -> HttpResponse:
    return render(request, "two_factor/recovery_codes.html", {"codes": codes, "next": _next_url(request)})


@second_factor_step
@access(Access.SIGNED_IN)
def setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the key), then enter a code."""
    user: Any = request.user
    if has_app(user):
        messages.info(request, "Your authenticator app is already set up.")
        return redirect("two_factor_verify" if not user.is_verified() else "two_factor")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            log_event("second_factor_set_up", request=request)
            return show_recovery_codes(request, make_recovery_codes(user))
        log_event("second_factor_failed", request=request, step="set up")
        device.refresh_from_db()
        form.add_error("code", wrong_code_message(device, recovery=False))
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        # segno draws the SVG from the set-up address alone, which holds no text from a visitor.
        "qr_code": mark_safe(qr_code_svg(device.config_url)),  # noqa: S308  # nosec
        "secret": grouped(secret),
        "next": _next_url(request),
    }
    return render(request, "two_factor/setup.html", context)


@second_factor_step
@access(Access.SIGNED_IN)
def verify(request: HttpRequest) -> HttpResponse:
    """The second sign-in step: a code from the app, or a recovery code."""
    user: Any = request.user
    if not has_app(user):
        return redirect_to_login(_next_url(request), reverse("two_factor_setup"))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                log_event("recovery_code_used", request=request, left=left)
                messages.warning(
                    request,
                    f"You used a recovery code: {left} left. Make new ones from ‘Two-factor sign-in’.",
                )
            else:
                log_event("second_factor_verified", request=request)
            return HttpResponseRedirect(_next_url(request))
        log_event("second_factor_failed", request=request, step="sign in")
        app = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        form.add_error("code", wrong_code_message(app, recovery=True))
    return render(request, "two_factor/verify.html", {"form": form, "next": _next_url(request)})


@access(Access.SIGNED_IN)
def overview(request: HttpRequest) -> HttpResponse:
    """Whether two-factor sign-in is set up, and how many recovery codes are left."""
    user: Any = request.user
    recovery = StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).first()
    context = {
        "app_set_up": has_app(user),
        "codes_left": recovery.token_set.count() if recovery else 0,
        "required": settings.OTP_REQUIRED and needs_second_factor(user),
    }
    return render(request, "two_factor/overview.html", context)


@require_POST
@access(Access.SIGNED_IN)
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    """Replace the recovery codes, once signed in with a second factor."""
    user: Any = request.user
    if not user.is_verified():
        messages.error(request, "Set up your authenticator app and sign in with it first.")
        return redirect("two_factor")
    log_event("recovery_codes_replaced", request=request)
    return show_recovery_codes(request, make_recovery_codes(user))
