"""Who may reach what: the one mechanism every view goes through.

Each view declares an `Access` level (the `access` attribute of a class-based view, or the
`@access(...)` decorator on a function view). `AccessMiddleware` checks it before the view
runs and refuses any view that declares none, so a new page is closed until someone decides
who it is for.

Answers: a visitor who is not signed in is sent to sign in; a signed-in person whose role
does not reach the page gets 403.

Roles are held per organisation (assurance.models.Membership): an editor of one office edits
that office's records, and those of the plans and bodies it shares, and gets 404 for any other
office's. A role held as an auth group, and the administrator's, reaches every organisation
(a service-wide team). Records say which organisations they belong to through their model's
`organisation_lookups`; `in_scope_for()` narrows any queryset of them to a user's.
"""

import enum
import functools

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


def _read_roles(user) -> None:
    """The user's auth groups and memberships, read together (one query, however many pages
    of the request ask) and kept on the user for the request."""
    from django.db import connections, router

    from assurance.models import Membership

    alias = router.db_for_read(Membership)
    sql, uses = _roles_sql(alias)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [user.pk] * uses)
        rows = cursor.fetchall()
    roles = {role for organisation, role in rows if organisation is None}
    if user.is_superuser:
        roles.add(Role.ADMINISTRATOR)
    user._assurance_service_roles = roles
    user._assurance_memberships = [
        (organisation, role) for organisation, role in rows if organisation is not None
    ]


@functools.cache
def _roles_sql(alias: str) -> tuple[str, int]:
    """The SQL of the roles query and how many times it names the user: compiled once per
    database, as every request asks it (compiling the union cost more than running it)."""
    from django.contrib.auth.models import Group
    from django.db.models import IntegerField, Value

    from assurance.models import Membership

    anyone = -1
    # A group reaches every organisation: its row names none.
    groups = (
        Group.objects.using(alias)
        .filter(user=anyone)
        .order_by()
        .annotate(service_wide=Value(None, output_field=IntegerField()))
        .values_list("service_wide", "name")
    )
    memberships = (
        Membership.objects.using(alias).filter(user=anyone).order_by().values_list("organisation_id", "role")
    )
    sql, params = groups.union(memberships, all=True).query.sql_with_params()
    if set(params) != {anyone}:
        raise RuntimeError("the roles query takes nothing but the user")
    return sql, len(params)


def service_wide_roles(user) -> set[str]:
    """Roles that reach every organisation: auth groups, and the superuser's administration."""
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_assurance_service_roles"):
        _read_roles(user)
    return user._assurance_service_roles


def memberships_of(user) -> list[tuple[int, str]]:
    """(organisation id, role) of each role the user holds in one organisation."""
    if not user.is_authenticated:
        return []
    if not hasattr(user, "_assurance_memberships"):
        _read_roles(user)
    return user._assurance_memberships


def roles_of(user) -> set[str]:
    """Every role the user holds, anywhere."""
    return service_wide_roles(user) | {role for _, role in memberships_of(user)}


def organisations_for(user, level: Access) -> set[int] | None:
    """The ids of the organisations where the user's roles reach `level`; None for every one.

    PUBLISHED asks where the user may read publications: where they hold any role."""
    if not user.is_authenticated:
        return set()
    wanted = set(Role) if level in (Access.PUBLISHED, Access.SIGNED_IN) else ROLES_FOR.get(level, set())
    if Role.ADMINISTRATOR in service_wide_roles(user) or service_wide_roles(user) & wanted:
        return None
    return {organisation for organisation, role in memberships_of(user) if role in wanted}


def in_scope_for(queryset, user, level: "Access | None" = None):
    """The records of the queryset that belong to organisations where the user's roles reach
    `level` (EDIT by default); a model without `organisation_lookups` is not narrowed."""
    lookups = getattr(queryset.model, "organisation_lookups", ())
    organisations = organisations_for(user, level or Access.EDIT)
    if not lookups or organisations is None:
        return queryset
    from django.db.models import Q

    condition = Q()
    for lookup in lookups:
        condition |= Q(**{f"{lookup}__in": organisations})
    # A subquery, not a join: a lookup through links would repeat records.
    return queryset.filter(pk__in=queryset.model._default_manager.filter(condition).values("pk"))


def history_in_scope_for(model, history, user):
    """The history rows of a model's records that belong to the user's organisations, read
    from the history itself, so that a deleted record's history stays with its office."""
    lookups = getattr(model, "organisation_lookups", ())
    organisations = organisations_for(user, Access.EDIT)
    if not lookups or organisations is None:
        return history
    from django.core.exceptions import FieldDoesNotExist
    from django.db.models import Q

    condition = Q(pk__in=[])
    for lookup in lookups:
        try:
            history.model._meta.get_field(lookup.split("__")[0])
        except FieldDoesNotExist:  # a link of the record's own: history rows do not carry it
            continue
        condition |= Q(**{f"{lookup}__in": organisations})
    return history.filter(
        history_id__in=history.model._default_manager.filter(condition).values("history_id")
    )


def in_scope_or_404(queryset, user, level: "Access | None" = None, **lookup):
    """The one record, if it belongs to the user's organisations; otherwise 404, as for a
    record that does not exist (an outsider learns nothing of other offices' records)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(in_scope_for(queryset, user, level), **lookup)


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
