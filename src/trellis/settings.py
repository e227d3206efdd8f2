"""Django settings for Trellis: development and tests by default.

Production overrides live in ``trellis.settings_production``, which reads every
secret from the environment. Here everything has a safe local default so that
``make demo`` and ``make test`` work on a fresh machine with nothing configured.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from csp.constants import UNSAFE_INLINE as CSP_UNSAFE_INLINE

PACKAGE_DIR = Path(__file__).resolve().parent
#: The checkout (or install) root; ``var/`` beneath it holds the SQLite file.
BASE_DIR = Path(os.environ.get("TRELLIS_HOME", PACKAGE_DIR.parent.parent)).resolve()
VAR_DIR = Path(os.environ.get("TRELLIS_VAR_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY", "trellis-insecure-development-key-only-for-local-use"
)
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
ALLOWED_HOSTS = [
    h
    for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "csp",
    "pgtrigger",
    # Individual plans' version history (decision 0014).
    "reversion",
    # Serves the API docs' Swagger UI from Trellis's own static files (the
    # Content-Security-Policy allows no other origin).
    "ninja",
    "rules.apps.AutodiscoverRulesConfig",
    "trellis.people",
    "trellis.jobs",
    "trellis.curriculum",
    "trellis.evidence",
    "trellis.interop",
    "trellis.lti",
    "trellis.api",
    "trellis.individualization",
    "trellis.personalization",
    "trellis.differentiation",
    "trellis.reports",
    "trellis.family",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "trellis.people.middleware.ContentSecurityPolicy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "trellis.people.middleware.RefuseNulCharacters",
    "trellis.evidence.offline_middleware.OfflineFetchKeepsCsrfCookie",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "trellis.people.middleware.AccountLanguage",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that it sees the sign-in page's response (see AXES_LOCKOUT_CALLABLE).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "trellis.urls"
WSGI_APPLICATION = "trellis.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "trellis.people.context_processors.roles",
                "trellis.individualization.context_processors.accommodations",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'trellis.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a health check that costs no round trip
    # (trellis/postgresql/base.py, decision 0020).
    DATABASES["default"]["ENGINE"] = "trellis.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo server read while a command writes; a busy timeout
    # turns brief lock contention into a wait rather than an error.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )

AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a throttled username or address before any password is checked.
    "trellis.people.throttle.ThrottleBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

#: Failed sign-ins allowed per username (and per address) inside the window
#: before further attempts are refused until the window passes.
LOGIN_THROTTLE_ATTEMPTS = int(os.environ.get("TRELLIS_LOGIN_THROTTLE_ATTEMPTS", "5"))
LOGIN_THROTTLE_WINDOW_SECONDS = int(os.environ.get("TRELLIS_LOGIN_THROTTLE_WINDOW", "900"))
#: Reverse proxies (addresses or networks, comma-separated) whose
#: X-Forwarded-For header names the real client. Empty: REMOTE_ADDR is the client.
TRELLIS_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("TRELLIS_TRUSTED_PROXIES", "").split(",") if p.strip()
]

# django-axes counts failed sign-ins (see trellis.people.throttle).
AXES_HANDLER = "trellis.people.throttle.ThrottleHandler"
AXES_FAILURE_LIMIT = "trellis.people.throttle.failure_limit"
AXES_COOLOFF_TIME = dt.timedelta(seconds=LOGIN_THROTTLE_WINDOW_SECONDS)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "trellis.people.throttle.axes_username"
AXES_CLIENT_IP_CALLABLE = "trellis.people.throttle.client_address"
AXES_LOCKOUT_CALLABLE = "trellis.people.throttle.lockout_response"
AXES_RESET_ON_SUCCESS = True
#: A refused attempt while throttled does not restart the wait.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
#: No log of successful sign-ins: only failures are kept, and only for the window.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# Content-Security-Policy on every response (django-csp): scripts, styles,
# images, fonts and connections only from Trellis itself; no plugins, no
# framing, forms post only here. Style *attributes* (bar widths, indents)
# need 'unsafe-inline' for styles; scripts get no such allowance.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF],
        "style-src": [CSP_SELF, CSP_UNSAFE_INLINE],
        "img-src": [CSP_SELF, "data:"],
        "font-src": [CSP_SELF],
        "connect-src": [CSP_SELF],
        "media-src": [CSP_SELF],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_SELF],
        "form-action": [CSP_SELF],
        "frame-ancestors": [CSP_NONE],
    }
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
#: One date format per language on every page (trellis/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["trellis.formats"]
TIME_ZONE = os.environ.get("TRELLIS_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "trellis@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TRELLIS_LOG_LEVEL", "WARNING")},
}

# Offline learner mode (docs/offline.md): the most the service worker keeps
# on a learner's device for offline use (pages of open assessments and the
# static files they need), in bytes.
TRELLIS_OFFLINE_BUDGET_BYTES = int(os.environ.get("TRELLIS_OFFLINE_BUDGET_BYTES", str(5 * 2**20)))

# xAPI out (trellis.interop.xapi.outbox): statements go to this LRS when set.
TRELLIS_XAPI_LRS_URL = os.environ.get("TRELLIS_XAPI_LRS_URL", "")
TRELLIS_XAPI_LRS_KEY = os.environ.get("TRELLIS_XAPI_LRS_KEY", "")
TRELLIS_XAPI_LRS_SECRET = os.environ.get("TRELLIS_XAPI_LRS_SECRET", "")

# LTI 1.3 (trellis.lti): days a rotated-out signing key stays in /lti/jwks/.
TRELLIS_LTI_KEY_GRACE_DAYS = int(os.environ.get("TRELLIS_LTI_KEY_GRACE_DAYS", "7"))

# Background tasks, cache and sessions (docs/operations.md, decision 0011).
# REDIS_URL set: Redis holds the cache (sessions' too, backed by the database)
# and carries Celery's tasks unless CELERY_BROKER_URL names another broker.
# Neither set (the demo, the tests): a per-process memory cache, and tasks run
# in-process when sent, so nothing else needs to be running.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True  # a task's state and report live in trellis.jobs.TaskRun
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
TRELLIS_TASK_RETRY_SECONDS = int(os.environ.get("TRELLIS_TASK_RETRY_SECONDS", "30"))
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Sessions in the database, read through the shared cache when there is one
# (a per-process cache could keep a signed-out session alive elsewhere).
SESSION_ENGINE = "django.contrib.sessions.backends." + ("cached_db" if REDIS_URL else "db")
EMAIL_FILE_PATH = os.environ.get("DJANGO_EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
