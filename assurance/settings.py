"""Settings for Assurance, read from the environment.

One module for every environment: differences live in environment variables, never in
per-environment settings files. With no environment at all the project runs on an
embedded SQLite database with DEBUG on, so `migrate && runserver` needs no set-up.
"""

import datetime
import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true/false or 1/0, not {value!r}")


def envsecret(name: str) -> str | None:
    """A secret from NAME, or from the file named by NAME_FILE (for container secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name) or None


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Parse DATABASE_URL: sqlite:///relative.db, sqlite:////absolute.db or postgres://..."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        name = unquote(parts.path[1:]) if parts.path.startswith("/") else parts.path
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name if Path(name).is_absolute() else BASE_DIR / name,
            # Wait for a writer rather than failing at once, and take the write lock at
            # BEGIN so two concurrent edits serialise instead of deadlocking.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
            # A new SQLite connection reads the whole schema again on its first query (about
            # 2 ms here): kept open between requests, as PostgreSQL's are. A file cannot go
            # away as a server can, so no health check.
            "CONN_MAX_AGE": 60,
        }
    if parts.scheme in {"postgres", "postgresql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path[1:]),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": dict(parse_qsl(parts.query)),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(f"DATABASE_URL scheme {parts.scheme!r} is not supported")


DEBUG = envbool("DEBUG", True)
SECRET_KEY = envsecret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off")
    # Only while DEBUG is on: production refuses to start without its own key.
    SECRET_KEY = "insecure-development-key-only-used-while-debug-is-on"  # noqa: S105  # nosec B105

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

SITE_NAME = os.environ.get("SITE_NAME", "Assurance")
# Whether staff (editors, publishers, administrators) must give a one-time code from an
# authenticator app after their password. On wherever DEBUG is off; off for the demo.
OTP_REQUIRED = envbool("OTP_REQUIRED", not DEBUG)
# The issuer name authenticator apps show beside the code.
OTP_TOTP_ISSUER = SITE_NAME
# Where people report an accessibility problem or ask for another format (an email address).
ACCESSIBILITY_CONTACT_EMAIL = os.environ.get("ACCESSIBILITY_CONTACT_EMAIL", "")
# Whether visitors who are not signed in may read published dashboards.
PUBLISH_PUBLICLY = envbool("PUBLISH_PUBLICLY", True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_filters",
    "simple_history",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "assurance",
    "principles",
    "delivery_plans",
    "meetings",
    "risks",
    "inspections",
]

MIDDLEWARE = [
    # First: load balancers ask by IP address over plain HTTP, and get no session.
    "assurance.health.HealthCheckMiddleware",
    # Published pages for readers not signed in, kept whole with the headers every middleware
    # below gave them: answered before any of those runs again.
    "assurance.published_views.PublishedPagesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the query or the form: NUL bytes and over-long values are refused.
    "assurance.security.RequestLimitsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "assurance.sessions.SessionLimitsMiddleware",
    "assurance.replica.ReplicaReadsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Writes the database refuses after the form's checks passed (a race, a trigger) answer 409.
    "assurance.security.DatabaseConflictMiddleware",
    "assurance.security.NoStoreMiddleware",
    # Staff who have not yet given their one-time code reach nothing but the code step.
    "assurance.two_factor.TwoFactorMiddleware",
    # A page asked for an organisation or period not on offer answers a written 400.
    "assurance.errors.ScopeErrorMiddleware",
    # Last but one, so it sees the resolved view: every view must declare who may reach it.
    "assurance.permissions.AccessMiddleware",
    # Sign-in throttling: django-axes requires its middleware last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "assurance.urls"
WSGI_APPLICATION = "assurance.wsgi.application"
ASGI_APPLICATION = "assurance.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "assurance.context_processors.site",
            ],
            "builtins": ["assurance.templatetags.assurance_tags"],
        },
    }
]
FORM_RENDERER = "assurance.forms.GovukFormRenderer"

DATABASES = {"default": database_from_url(envsecret("DATABASE_URL") or "sqlite:///db.sqlite3")}
# A PostgreSQL read replica for what visitors read (assurance/replica.py); optional.
DATABASE_REPLICA_URL = envsecret("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = database_from_url(DATABASE_REPLICA_URL) | {"TEST": {"MIRROR": "default"}}
    DATABASE_ROUTERS = ["assurance.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out username or address before any password is hashed.
    "assurance.accounts.SignInThrottle",
    "django.contrib.auth.backends.ModelBackend",
]
# ASVS 5.0 level 2 (6.2): at least 12 characters, not a common password, not the user's details.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

SESSION_ENGINE = "django.contrib.sessions.backends.db"
CSRF_FAILURE_VIEW = "assurance.errors.csrf_failure"
# A session lasts at most 12 hours from signing in, however busy; staff are signed out after
# 30 minutes without a request (assurance/sessions.py).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_LIFETIME_SECONDS", 12 * 60 * 60))
# Closing the browser ends the session too: offices share computers.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT_SECONDS", 30 * 60))

# Sign-in throttling (django-axes): five wrong passwords for one username, or from one
# address, within the window lock further tries out until the window has passed. A lock
# always ends by itself, so nobody can lock a user out for good.
AXES_FAILURE_LIMIT = int(os.environ.get("SIGN_IN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("SIGN_IN_LOCKOUT_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# Tries during a lock do not extend it: otherwise an attacker could keep a user out for ever.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "assurance.accounts.locked_out"
AXES_CLIENT_IP_CALLABLE = "assurance.security.client_ip"
AXES_USERNAME_FORM_FIELD = "username"
# Failed sign-ins are logged as security events by assurance.security, in one line each.
AXES_VERBOSE = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_AUTOREFRESH = DEBUG  # serve from STATICFILES_DIRS without collectstatic while developing
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
# Stored papers: the filesystem under MEDIA_ROOT, or an S3-compatible bucket shared by every
# host when STORAGE_BUCKET is set (needs the optional `s3` extra: django-storages and boto3).
STORAGE_BUCKET = os.environ.get("STORAGE_BUCKET", "")
if STORAGE_BUCKET:
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": STORAGE_BUCKET,
            "endpoint_url": os.environ.get("STORAGE_ENDPOINT_URL") or None,
            "region_name": os.environ.get("STORAGE_REGION") or None,
            "access_key": envsecret("STORAGE_ACCESS_KEY_ID"),
            "secret_key": envsecret("STORAGE_SECRET_ACCESS_KEY"),
            "location": os.environ.get("STORAGE_PREFIX", ""),
            # Papers are served through the application, which checks who may read them.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Files that are already compressed gain nothing from gzip or Brotli.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = ["pdf", "png", "woff2"]

# Uploaded spreadsheets are read in memory; the importers state this limit to users.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Grids such as a plan year's oversight schedule post a field per cell.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# History change reasons hold how links changed (which commitments an item covers...): no
# 100-character limit.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Security: the production values are the defaults whenever DEBUG is off.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
# Behind a TLS-terminating proxy (load balancer), which sets X-Forwarded-Proto and appends
# the client's address to X-Forwarded-For. Never set it without such a proxy in front.
BEHIND_PROXY = envbool("BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# How many proxies append to X-Forwarded-For; the client is the address the first one saw.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", 1))
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Published pages are rendered once and kept here (they never change; a correction or a
# withdrawal changes their key). Each process keeps its own; several hosts may share one
# (CACHE_URL is not needed: a per-process cache is correct, only less often warm).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "publications": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "publications",
        "TIMEOUT": 24 * 60 * 60,
        "OPTIONS": {"MAX_ENTRIES": 500},
    },
    # Rendered fragments of costly pages, under keys that change with what they show
    # (assurance/kept.py).
    "kept": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "kept",
        "TIMEOUT": 24 * 60 * 60,
        "OPTIONS": {"MAX_ENTRIES": 300},
    },
}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        # Security events (sign-ins, failures, lock-outs, refusals, publications), one JSON
        # line each, always kept whatever LOG_LEVEL says.
        "assurance.security": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # WeasyPrint reports every unsupported CSS property; only errors matter to operators.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
        "django.tasks": {"level": "WARNING"},
        # Refused sign-ins and bad Host headers are logged once each, as security events.
        "axes": {"level": "ERROR"},
        "django.security.DisallowedHost": {"handlers": [], "propagate": False},
    },
}
