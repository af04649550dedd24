from django.apps import AppConfig
from django.core import checks


class AssuranceConfig(AppConfig):
    name = "assurance"
    verbose_name = "Assurance core"

    def ready(self):
        from assurance import security, sessions  # noqa: F401 - their signal receivers

        security.connect_lockout_signal()
        checks.register(check_every_view_declares_access, checks.Tags.security)
        checks.register(check_static_files_are_collected, checks.Tags.staticfiles, deploy=True)


def iter_patterns(patterns, prefix=""):
    from django.urls import URLPattern, URLResolver

    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # the admin is closed to all but administrators by the middleware
            yield from iter_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def check_every_view_declares_access(app_configs, **kwargs):
    """A view with no declared access level is refused to everyone; say so at start-up."""
    from django.urls import get_resolver

    from assurance.permissions import declared_access

    errors = []
    for route, pattern in iter_patterns(get_resolver().url_patterns):
        if declared_access(pattern.callback) is None:
            errors.append(
                checks.Error(
                    f"The view for /{route} declares no access level",
                    hint="Set `access` on the view class or use @access(...) from assurance.permissions.",
                    id="assurance.E001",
                )
            )
    return errors


def check_static_files_are_collected(app_configs, **kwargs):
    """With hashed static files every page needs the manifest that collectstatic writes."""
    from pathlib import Path

    from django.conf import settings
    from django.contrib.staticfiles.storage import staticfiles_storage

    manifest_name = getattr(staticfiles_storage, "manifest_name", None)
    if manifest_name is None or (Path(settings.STATIC_ROOT) / manifest_name).is_file():
        return []
    return [
        checks.Error(
            f"No static files manifest in STATIC_ROOT ({settings.STATIC_ROOT}): every page would fail",
            hint="Run `python manage.py collectstatic --no-input` with these settings first.",
            id="assurance.E002",
        )
    ]
