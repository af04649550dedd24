"""Session limits (ASVS 5.0 level 2, chapter 7): a session lasts at most SESSION_COOKIE_AGE
(12 hours) from signing in; staff are signed out after SESSION_IDLE_TIMEOUT (30 minutes)
without a request; a deactivated user's sessions end.

Django's own expiry slides with every save of the session, so the moment of signing in
and of the last request are kept in the session and checked here on every request.
"""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from assurance.permissions import Access, has_access
from assurance.security import log_event

SIGNED_IN_AT = "assurance_signed_in_at"
LAST_SEEN = "assurance_last_seen"
# Why the last session ended, for the sign-in page to say.
ENDED_BECAUSE = "assurance_session_ended"
# The last request is written to the session at most this often, not on every request.
LAST_SEEN_RESOLUTION = 60


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} hour{'s' if hours != 1 else ''}"
    minutes = max(1, seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


@receiver(user_logged_in, dispatch_uid="assurance.sessions.signed_in")
def _start(sender: object, request: HttpRequest | None, user: Any, **kwargs: object) -> None:
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN] = now


def has_idle_timeout(user: Any) -> bool:
    """Staff sessions reach drafts and restricted records: they end when left alone."""
    return has_access(user, Access.EDIT)


def why_ended(session: Any, user: Any, now: float) -> str | None:
    signed_in = session.get(SIGNED_IN_AT)
    if signed_in is None:
        return "lifetime"  # a session from before these limits: start afresh
    if now - signed_in > settings.SESSION_COOKIE_AGE:
        return "lifetime"
    last_seen = session.get(LAST_SEEN, signed_in)
    if has_idle_timeout(user) and now - last_seen > settings.SESSION_IDLE_TIMEOUT:
        return "idle"
    return None


class SessionLimitsMiddleware:
    """After AuthenticationMiddleware: ends sessions past their limits, and the sessions of
    users who can no longer sign in (Django then treats them as visitors, but the session
    would otherwise linger)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session, user = request.session, request.user
        if not user.is_authenticated:
            if SESSION_KEY in session:
                log_event("session_ended", request=request, reason="user cannot sign in")
                session.flush()
        else:
            now = time.time()
            reason = why_ended(session, user, now)
            if reason is not None:
                log_event("session_ended", request=request, reason=reason)
                logout(request)
                request.session[ENDED_BECAUSE] = reason
            elif now - session.get(LAST_SEEN, 0) > LAST_SEEN_RESOLUTION:
                session[LAST_SEEN] = now
        return self.get_response(request)


def ended_message(request: HttpRequest) -> str | None:
    """Why the visitor was signed out, once."""
    reason = request.session.pop(ENDED_BECAUSE, "")
    if reason == "idle":
        idle = _duration(settings.SESSION_IDLE_TIMEOUT)
        return f"You were signed out because you did nothing for {idle}. Sign in again to continue."
    if reason == "lifetime":
        lifetime = _duration(settings.SESSION_COOKIE_AGE)
        return f"You were signed out because you signed in {lifetime} ago. Sign in again to continue."
    return None


def end_sessions_of(user: Any) -> int:
    """End every live session of a user at once (when an administrator deactivates them)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            session.delete()
            ended += 1
    return ended
