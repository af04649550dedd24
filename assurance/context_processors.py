from django.conf import settings
from django.urls import NoReverseMatch, reverse

from assurance import registry
from assurance.permissions import Access, has_access, roles_of


def site(request):
    """Navigation for the signed-in role, built from the registered areas."""
    user = request.user
    staff = has_access(user, Access.EDIT)
    nav = []
    if staff:
        for area in registry.areas():
            try:
                nav.append({"title": area.title, "url": reverse(area.nav_url), "key": area.key})
            except NoReverseMatch:
                continue
        nav.append({"title": "Recent changes", "url": reverse("recent_changes"), "key": "changes"})
    if has_access(user, Access.PUBLISH):
        nav.append({"title": "Publish", "url": reverse("publish_next"), "key": "publish"})
    if has_access(user, Access.ADMIN):
        nav.append({"title": "Organisations", "url": reverse("organisation_list"), "key": "organisations"})
        nav.append({"title": "Administration", "url": reverse("admin:index"), "key": "admin"})
    return {
        "site_name": settings.SITE_NAME,
        "nav_items": nav,
        "user_roles": sorted(roles_of(user)),
        "is_staff_user": staff,
        "can_publish": has_access(user, Access.PUBLISH),
    }
