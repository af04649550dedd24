"""Signing in and out, and changing a password, in the service's own pages."""

from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from assurance.forms import GovukFormMixin
from assurance.permissions import Access
from assurance.sessions import ended_message


class SignInView(auth_views.LoginView):
    access = Access.ANYONE
    template_name = "registration/login.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # LoginView names the site after the request's host; the service has its own name.
        context["site_name"] = settings.SITE_NAME
        context["ended_message"] = ended_message(self.request)
        return context


class SignInThrottle(AxesStandaloneBackend):
    """django-axes' check before any password is hashed, remembering that it refused."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        try:
            return super().authenticate(request, username, password, **kwargs)
        except AxesBackendPermissionDenied:
            request.sign_in_refused_unchecked = True
            raise


def locked_out(request: HttpRequest, response: Any = None, credentials: Any = None) -> HttpResponse:
    """The sign-in page again, saying why (django-axes calls this when a lock is reached).

    The wrong try that reaches the limit is told its password was wrong and that signing in
    is now paused; every later try in the window is refused unchecked, with status 429.
    """
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else 15
    context: dict[str, Any] = {"next": request.POST.get("next", ""), "site_name": settings.SITE_NAME}
    checked_form = (getattr(response, "context_data", None) or {}).get("form")
    if getattr(request, "sign_in_refused_unchecked", False) or checked_form is None:
        context |= {"form": auth_forms.AuthenticationForm(request), "locked_out_minutes": minutes}
        return render(request, "registration/login.html", context, status=429)
    context |= {"form": checked_form, "paused_minutes": minutes}
    return render(request, "registration/login.html", context)


class SignOutView(auth_views.LogoutView):
    access = Access.ANYONE


class PasswordChangeForm(GovukFormMixin, auth_forms.PasswordChangeForm):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    access = Access.SIGNED_IN
    template_name = "registration/password_change.html"
    form_class = PasswordChangeForm


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    access = Access.SIGNED_IN
    template_name = "registration/password_change_done.html"
