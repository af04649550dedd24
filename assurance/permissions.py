"""Who may reach what: the one mechanism every view goes through.

Each view declares an `Access` level (the `access` attribute of a class-based view, or the
`@access(...)` decorator on a function view). `AccessMiddleware` checks it before the view
runs and refuses any view that declares none, so a new page is closed until someone decides
who it is for.

Answers: a visitor who is not signed in is sent to sign in; a signed-in person whose role
does not reach the page gets 403.
"""

import enum

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


class Role(enum.StrEnum):
    """Roles are auth groups with these names."""

    PANEL = "Panel member"
    EDITOR = "Editor"
    PUBLISHER = "Publisher"
    ADMINISTRATOR = "Administrator"


class Access(enum.Enum):
    # Published dashboards and papers: anyone when the instance publishes publicly.
    PUBLISHED = "published"
    # Any signed-in person (e.g. signing out, their own account).
    SIGNED_IN = "signed_in"
    # Drafts, restricted records, history, and every edit: OPCC staff.
    EDIT = "edit"
    # Approving and publishing a period's dashboard.
    PUBLISH = "publish"
    # Users, organisations and reference data.
    ADMIN = "admin"
    # Pages that must work for everyone, such as signing in.
    ANYONE = "anyone"


# Which roles reach each level; administrators reach everything.
ROLES_FOR = {
    Access.EDIT: {Role.EDITOR, Role.PUBLISHER, Role.ADMINISTRATOR},
    Access.PUBLISH: {Role.PUBLISHER, Role.ADMINISTRATOR},
    Access.ADMIN: {Role.ADMINISTRATOR},
}


def roles_of(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_assurance_roles"):
        roles = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            roles.add(Role.ADMINISTRATOR)
        user._assurance_roles = roles
    return user._assurance_roles


def has_access(user, level: Access) -> bool:
    if level is Access.ANYONE:
        return True
    if level is Access.PUBLISHED:
        return settings.PUBLISH_PUBLICLY or user.is_authenticated
    if not user.is_authenticated:
        return False
    if level is Access.SIGNED_IN:
        return True
    return bool(roles_of(user) & ROLES_FOR[level])


def can_edit(user) -> bool:
    return has_access(user, Access.EDIT)


def can_publish(user) -> bool:
    return has_access(user, Access.PUBLISH)


def can_see_restricted(user) -> bool:
    """Restricted and draft records are for OPCC staff alone."""
    return has_access(user, Access.EDIT)


def access(level: Access):
    """Declare the access level of a function view."""

    def decorate(view):
        view.access = level
        return view

    return decorate


def declared_access(view_func) -> Access | None:
    view_class = getattr(view_func, "view_class", None)
    if view_class is not None and hasattr(view_class, "access"):
        return view_class.access
    return getattr(view_func, "access", None)


class AccessMiddleware:
    """Checks the declared access level of the resolved view before it runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        level: Access | None
        if match and "admin" in match.namespaces:
            # Django's admin is for administrators only; its own checks still apply.
            level = Access.ADMIN
        else:
            level = declared_access(view_func)
        if level is None:
            # Closed by default; the system check "assurance.E001" names such views.
            raise PermissionDenied
        if has_access(request.user, level):
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
