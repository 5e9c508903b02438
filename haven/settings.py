"""One settings module, driven by environment variables (see docs/architecture.md).

SQLite under var/ by default so that "check out, install, run" works; PostgreSQL
through DATABASE_URL in production and in CI.
"""

import os
import time
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HAVEN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


DEMO = env_bool("HAVEN_DEMO")
DEBUG = env_bool("HAVEN_DEBUG", default=DEMO)


def _local_secret_key() -> str:
    """A key generated once per installation and kept in var/ (demo, tests, a laptop).

    Production sets SECRET_KEY in the environment and keeps it out of the disk image.
    """
    # Only when no SECRET_KEY is configured.
    from django.core.management.utils import get_random_secret_key

    path = VAR_DIR / "secret_key"
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: when two processes start together, exactly one writes the key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(get_random_secret_key())
    for _ in range(50):
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.01)  # the other process is still writing it
    raise RuntimeError(f"{path} is empty: delete it or set SECRET_KEY")


SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "haven.core.queue",  # the job ledger and worker heartbeats (docs/events.md)
    "haven.forces",
    "haven.access",
    "haven.people",
    "haven.chronology",
    "haven.tasks",
    "haven.intake",
    "haven.risk",
    "haven.safeguarding",
    "haven.investigation",
    "haven.protection",
    "haven.marac",
    "haven.perpetrators",
    "haven.insight",
    "haven.assurance",
    "haven.learning",
    "haven.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "haven.core.middleware.RefuseNulCharacters",  # PostgreSQL cannot store NUL: 400, not 500
    "haven.core.middleware.NoStore",  # personal data is never cached by browsers or proxies
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "haven.core.middleware.NotFoundPage",  # GOV.UK 404 even with DEBUG (demo)
    "haven.access.middleware.IdleTimeoutMiddleware",
    "haven.access.middleware.RequireSecondFactorMiddleware",
    "haven.forces.policy.PolicySnapshotMiddleware",  # one policy read per force and day
    "haven.web.drafts.DraftClearingMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Background jobs (haven/core/jobs.py): queued in the database and run by `haven worker`
# (HAVEN_TASKS=database, the default outside the demo), or at once in the process.
_TASKS_IN_DB = os.environ.get("HAVEN_TASKS", "immediate" if (DEMO or DEBUG) else "database")
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend" if _TASKS_IN_DB == "database"
                     else "django_tasks.backends.immediate.ImmediateBackend"}}
# Domain events (haven/core/events.py): with the database queue, one job per subscriber is
# written in the publisher's transaction and run by the worker; otherwise after commit here.
HAVEN_EVENT_DELIVERY = os.environ.get(
    "HAVEN_EVENT_DELIVERY", "queued" if _TASKS_IN_DB == "database" else "after_commit")

ROOT_URLCONF = "haven.urls"
WSGI_APPLICATION = "haven.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "haven" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "haven.web.context.shell",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'haven.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Wait for a writer rather than fail at once; take the write lock at BEGIN so that two
    # writers queue instead of deadlocking on the access-log chain head.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
    # Tests on a file, not Django's shared-cache in-memory database: there a reader meets a
    # writer's table lock at once ("database table is locked"), ignoring the timeout, and
    # the browser tests' concurrent requests (a draft saved while a lookup runs) failed.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "access.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Sessions end after a spell of inactivity; officers leave terminals in busy rooms.
HAVEN_IDLE_TIMEOUT_SECONDS = env_int("HAVEN_IDLE_TIMEOUT_SECONDS", 15 * 60)
# The page warns this long before the idle sign-out, with a "Stay signed in" button.
HAVEN_IDLE_WARNING_SECONDS = env_int("HAVEN_IDLE_WARNING_SECONDS", 2 * 60)
# Where enrolment links point, and how long they work.
# The access log's anchors: signed heads kept outside the database (haven/access/anchors.py).
# Production sets the key from its secret store and the file on storage the database's
# administrators cannot rewrite.
HAVEN_AUDIT_ANCHOR_KEY = os.environ.get("HAVEN_AUDIT_ANCHOR_KEY", "")
HAVEN_AUDIT_ANCHOR_FILE = os.environ.get("HAVEN_AUDIT_ANCHOR_FILE", "")
# Seal the access log in a thread per process instead of on the request's path (ADR 0005):
# `haven serve` turns it on for its web processes; commands seal at once (a command may
# exit before a thread would run).
HAVEN_AUDIT_SEAL_IN_THREAD = env_bool("HAVEN_AUDIT_SEAL_IN_THREAD", default=False)
# How long the sealer thread lets commits gather before one seal covers them all (ms).
HAVEN_AUDIT_SEAL_GATHER_MS = env_int("HAVEN_AUDIT_SEAL_GATHER_MS", 250)
# `haven worker` lowers its own CPU priority by this much (0 keeps it): on a machine it shares
# with the web processes, a request waiting for a core goes before a background reaction.
HAVEN_WORKER_NICE = env_int("HAVEN_WORKER_NICE", 10)
# API idempotency keys are kept this long (the retry window), then pruned by a periodic job.
HAVEN_IDEMPOTENCY_KEEP_HOURS = env_int("HAVEN_IDEMPOTENCY_KEEP_HOURS", 24)
HAVEN_BASE_URL = os.environ.get("HAVEN_BASE_URL", "http://127.0.0.1:8000")
HAVEN_ENROLMENT_LINK_HOURS = env_int("HAVEN_ENROLMENT_LINK_HOURS", 72)
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_SAMESITE = "Strict"
SECURE_COOKIES = env_bool("HAVEN_SECURE_COOKIES", default=not (DEBUG or DEMO))
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_CONTENT_TYPE_NOSNIFF = True
# HTTPS only, remembered by the browser for a year, outside the demo and development.
SECURE_HSTS_SECONDS = 0 if (DEBUG or DEMO) else env_int("HAVEN_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not (DEBUG or DEMO)
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# A second factor (TOTP) is required everywhere except the demo and the test suite.
HAVEN_REQUIRE_OTP = env_bool("HAVEN_REQUIRE_OTP", default=not DEMO)

AXES_FAILURE_LIMIT = env_int("HAVEN_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_RESET_ON_SUCCESS = True
# Count wrong passwords per (address, username) pair: a control room shares one address, and
# one officer's typos must not lock out the whole room (issue 8 item 5).
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_LOCKOUT_CALLABLE = "haven.access.views.locked_out"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "haven" / "static"]
WHITENOISE_USE_FINDERS = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # A session only after its second factor; a token only for an enrolled user.
        "haven.access.api_auth.VerifiedSessionAuthentication",
        "haven.access.api_auth.EnrolledTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "haven.core.api.Pagination",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Haven API",
    "DESCRIPTION": "Every read and change is scoped to the caller's force or agency and logged.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Self-hosted Swagger UI: machines are offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        # One JSON object per line for a log shipper (HAVEN_LOG_FORMAT=json): messages carry
        # ids only, never names, addresses or answers.
        "json": {"()": "haven.core.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler",
                             "formatter": os.environ.get("HAVEN_LOG_FORMAT", "plain")}},
    "root": {"handlers": ["console"], "level": os.environ.get("HAVEN_LOG_LEVEL", "WARNING")},
}
