"""Settings for the ketamine provider directory, read from the environment.

Development and tests need nothing set: a SQLite file, DEBUG from `DEBUG=1`, an insecure key.
Production sets `SECRET_KEY`, `ALLOWED_HOSTS`, `SITE_URL` and usually `DATABASE_URL`; a server
(gunicorn, `runserver`, the task worker) started without them stops at start-up instead of
running insecurely, unless DEBUG is on. One-off commands run through manage.py fall back to the
development defaults, so `makemigrations` works on a fresh clone. docs/security.md says what
each protection is for.
"""

import os
import re
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

TESTING = "pytest" in sys.modules


def env_bool(name, default=False):
    """`1`, `true`, `yes` and `on` are true; anything else set is false."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


DEBUG = env_bool("DEBUG")
# manage.py sets DIRECTORY_COMMAND_LINE. A one-off command (migrate, makemigrations, an import)
# may use development defaults for missing secrets; a command that serves (runserver, the task
# workers) is a server like gunicorn and may not: with DEBUG off it needs the real secrets.
SERVER_COMMANDS = {"runserver", "db_worker", "rqworker"}
COMMAND_LINE = os.environ.get("DIRECTORY_COMMAND_LINE") == "1"
SERVING_COMMAND = COMMAND_LINE and len(sys.argv) > 1 and sys.argv[1] in SERVER_COMMANDS
ONE_OFF_COMMAND = COMMAND_LINE and not SERVING_COMMAND
DEVELOPMENT_DEFAULTS = DEBUG or TESTING or ONE_OFF_COMMAND

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEVELOPMENT_DEFAULTS:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment for production "
            "(for local development, set DEBUG=1 instead)."
        )
    # The "django-insecure-" prefix makes `check --deploy` flag it.
    SECRET_KEY = "django-insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if not DEVELOPMENT_DEFAULTS:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is not set. Give the site's host names, comma-separated."
        )
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Where the site runs, for absolute links in emails and downloads: never the Host header of
# whoever asked first (issue 12, item 14). Required in production like SECRET_KEY.
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/")
if not SITE_URL:
    if not DEVELOPMENT_DEFAULTS:
        raise ImproperlyConfigured(
            "SITE_URL is not set. Give the site's public address, like https://directory.example.org."
        )
    SITE_URL = "http://127.0.0.1:8000"
if not re.fullmatch(r"https?://[^/\s?#]+(/[^\s?#]*)?", SITE_URL):
    raise ImproperlyConfigured(f"SITE_URL must be an http(s) address, not {SITE_URL!r}.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "simple_history",
    "axes",
    "django_tasks_db",
    "directory",
    "clinics",
]

MIDDLEWARE = [
    "directory.middleware.RequestIdMiddleware",
    "directory.middleware.ClientIpMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "directory.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "directory.middleware.PreferredLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "directory.routers.ReplicaRoutingMiddleware",
    # A database that is down or too slow answers 503 in the format of the URL (directory/errors.py).
    "directory.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into a 429 page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Brute-force protection for every sign-in (admin and staff): after 5 failures for one
# username from one address, that pair is locked out for an hour. Off in tests unless a test
# turns it on, because the test client signs in without a request.
AXES_ENABLED = env_bool("AXES_ENABLED", default=not TESTING)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

# The client's address (directory/client.py), for the login lockout and the public-form rate
# limits alike. 0: the socket address (REMOTE_ADDR), right when gunicorn faces the internet.
# N: N proxies of ours stand in front, each appending to X-Forwarded-For, so the client is the
# Nth address from the right; anything further left was written by the client and is ignored.
PROXY_COUNT = env_int("PROXY_COUNT", 0)
if PROXY_COUNT < 0:
    raise ImproperlyConfigured("PROXY_COUNT must be 0 or more.")
AXES_CLIENT_IP_CALLABLE = "directory.client.client_ip"

# The public forms (report, claim, list your clinic): at most PUBLIC_FORM_RATE_LIMIT of one
# kind per client address in PUBLIC_FORM_RATE_PERIOD_SECONDS, counted in the "shared" cache
# (clinics/moderation/limits.py).
PUBLIC_FORM_RATE_LIMIT = env_int("PUBLIC_FORM_RATE_LIMIT", 5)
PUBLIC_FORM_RATE_PERIOD_SECONDS = env_int("PUBLIC_FORM_RATE_PERIOD_SECONDS", 3600)

LOGIN_URL = "admin:login"
# Where a sign-in goes when `next` is missing or points off-site: the admin, for now the only
# signed-in area (without it, Django sends people to /accounts/profile/, a 404).
LOGIN_REDIRECT_URL = "admin:index"
# Moderators can publish: their sessions end sooner than the two weeks everyone else gets
# (applied at sign-in, directory/sessions.py).
MODERATOR_SESSION_SECONDS = env_int("MODERATOR_SESSION_SECONDS", 8 * 3600)

ROOT_URLCONF = "directory.urls"
WSGI_APPLICATION = "directory.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clinics.context_processors.directory",
            ],
        },
    },
]

# Database: a SQLite file unless DATABASE_URL names another (postgres://user@host:5432/name).
# Persistent connections with health checks: a fresh connection per request costs more than
# the search itself (docs/geo-search.md, section 6). DATABASE_POOL=1 uses psycopg's
# connection pool instead (PostgreSQL only; Django then requires CONN_MAX_AGE=0).
DATABASE_POOL = env_bool("DATABASE_POOL")
# A database that accepts connections and never answers must not hold a request (and its
# gunicorn worker) for 30 s (issue 12, item 7): connecting gives up after DB_CONNECT_TIMEOUT
# seconds (libpq counts at least 2), a statement is cancelled after DB_STATEMENT_TIMEOUT_MS,
# and the page answers 503 (directory/errors.py). One-off commands (migrate, imports, the
# benchmark's fill) and the task worker have no statement limit unless one is set.
DB_CONNECT_TIMEOUT = env_int("DB_CONNECT_TIMEOUT", 3)
SERVES_PAGES = not COMMAND_LINE or sys.argv[1:2] == ["runserver"]
DB_STATEMENT_TIMEOUT_MS = env_int("DB_STATEMENT_TIMEOUT_MS", 5000 if SERVES_PAGES else 0)


def database(url):
    config = dj_database_url.parse(
        url,
        conn_max_age=0 if DATABASE_POOL else int(os.environ.get("CONN_MAX_AGE", "600")),
        conn_health_checks=not DATABASE_POOL,
    )
    if config["ENGINE"] == "django.db.backends.postgresql":
        options = config.setdefault("OPTIONS", {})
        options.setdefault("connect_timeout", DB_CONNECT_TIMEOUT)
        if DB_STATEMENT_TIMEOUT_MS:
            options["options"] = (
                options.get("options", "") + f" -c statement_timeout={DB_STATEMENT_TIMEOUT_MS}"
            ).strip()
    if DATABASE_POOL and config["ENGINE"] == "django.db.backends.postgresql":
        config.setdefault("OPTIONS", {})["pool"] = {
            "min_size": int(os.environ.get("DATABASE_POOL_MIN", "2")),
            "max_size": int(os.environ.get("DATABASE_POOL_MAX", "10")),
            "timeout": 10,
        }
    return config


DATABASES = {
    "default": database(os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
# A read replica: anonymous page views read from it (directory/routers.py).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = database(os.environ["DATABASE_REPLICA_URL"])
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["directory.routers.ReplicaRouter"]

REDIS_URL = os.environ.get("REDIS_URL", "")
# "default" holds what is cheap to lose (geocoding results, facet counts): per process unless
# Redis is there. "shared" holds what every worker and host must agree on (the public-form rate
# limits, single-use form tokens): Redis when REDIS_URL is set, else a table in the database
# (`manage.py createcachetable`, run by `make run` and `make serve`; tests create it themselves).
if REDIS_URL:
    REDIS_CACHE = {
        # Like Django's RedisCache, but a Redis outage means "no cache", not an error.
        "BACKEND": "directory.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "TIMEOUT": 3600,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    CACHES = {"default": REDIS_CACHE, "shared": REDIS_CACHE | {"KEY_PREFIX": "shared"}}
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "shared": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "directory_shared_cache",
        },
    }

# Background work (emails, download builds) runs as Django tasks, enqueued after the request's
# transaction commits and run by a worker beside the web server (`make run`, `make serve`):
# - TASKS_BACKEND=database (default): rows in this database, run by `manage.py db_worker`;
# - TASKS_BACKEND=rq: Redis queues at REDIS_URL, for several hosts, run by
#   `manage.py rqworker --job-class django_tasks_rq.Job --with-scheduler default`;
# - TASKS_BACKEND=immediate: run at once inside the request (the tests).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate" if TESTING else "database")
if TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
elif TASKS_BACKEND == "rq":
    if not REDIS_URL:
        raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL.")
    INSTALLED_APPS.insert(INSTALLED_APPS.index("django_tasks_db"), "django_rq")
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
else:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be database, rq or immediate, not {TASKS_BACKEND!r}."
    )

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English at the site's root, Spanish under /es/ (issue 20; docs/translation.md). The catalogue
# is locale/es/LC_MESSAGES/django.po; `make install` compiles it.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Spanish numbers and dates as written in the US (directory/formats/es/formats.py).
FORMAT_MODULE_PATH = ["directory.formats"]
# The visitor's choice, remembered for a year; the cookie is read by LocaleMiddleware and by
# directory.middleware.PreferredLanguageMiddleware.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SECURE = not DEBUG and not TESTING
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Email: printed to the console in development and tests; in production sent over SMTP to
# EMAIL_HOST (default: an MTA on localhost, port 25).
if DEBUG or TESTING:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS"),
            },
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "directory@localhost")
# A mail server that fails is tried again MAIL_MAX_ATTEMPTS times in all, waiting
# MAIL_RETRY_SECONDS, then twice as long each time (clinics/mail.py).
MAIL_MAX_ATTEMPTS = env_int("MAIL_MAX_ATTEMPTS", 5)
MAIL_RETRY_SECONDS = env_int("MAIL_RETRY_SECONDS", 60)

# Security headers. HTTPS-only settings apply whenever DEBUG is off; a TLS-terminating proxy
# in front of gunicorn must set X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not (DEBUG or TESTING))
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# A refused form gets the site's own page (header, 988 line, a way back), not Django's.
CSRF_FAILURE_VIEW = "directory.errors.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Map tiles: the only third-party host a page may contact (issue 7). Set MAP_TILE_URL to ""
# to turn the map off; results and detail pages work without it.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "&copy; OpenStreetMap contributors")


def _origin(url):
    parts = url.split("/")
    return "/".join(parts[:3]) if url.startswith("http") else ""


SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"] + ([_origin(MAP_TILE_URL)] if _origin(MAP_TILE_URL) else []),
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Geocoding (clinics/geo.py). ZIPs, ZIP+4, "City, ST" and "lat,lng" are resolved offline from
# the zipcodes package. Street addresses need an online geocoder: GEOCODER=nominatim (or any
# geopy service name) with GEOCODER_USER_AGENT; GEOCODER_DOMAIN points at a self-hosted server.
GEOCODER = os.environ.get("GEOCODER", "")
GEOCODER_USER_AGENT = os.environ.get("GEOCODER_USER_AGENT", "ketamine-directory")
GEOCODER_DOMAIN = os.environ.get("GEOCODER_DOMAIN", "")
GEOCODER_SCHEME = os.environ.get("GEOCODER_SCHEME", "https")
GEOCODER_API_KEY = os.environ.get("GEOCODER_API_KEY", "")
GEOCODER_MIN_DELAY_SECONDS = float(os.environ.get("GEOCODER_MIN_DELAY_SECONDS", "1.0"))
GEOCODER_TIMEOUT_SECONDS = float(os.environ.get("GEOCODER_TIMEOUT_SECONDS", "5"))
# After a failed call geopy waits this long before its one retry (its own default, 5 s, is a
# 5 s stall for a patient); never less than GEOCODER_MIN_DELAY_SECONDS.
GEOCODER_ERROR_WAIT_SECONDS = float(
    os.environ.get("GEOCODER_ERROR_WAIT_SECONDS", "0" if TESTING else "1")
)

# Moderator verification (issue 15.10): how long a confirmed fact stays current, in days
# (VERIFICATION_VALID_DAYS_PRICES and so on for one fact), and the NPI registry. The
# registry is read only with NPI_REGISTRY_ONLINE=1, by a task, never inside a request.
VERIFICATION_VALID_DAYS = int(os.environ.get("VERIFICATION_VALID_DAYS", "365"))
VERIFICATION_VALID_DAYS_BY_FACT = {
    fact: int(os.environ[f"VERIFICATION_VALID_DAYS_{fact.upper()}"])
    for fact in ("phone", "website", "npi", "rems", "prices", "address", "hours", "accepting")
    if os.environ.get(f"VERIFICATION_VALID_DAYS_{fact.upper()}")
}
# Clinic staff (issue 17): every LISTING_CONFIRM_INTERVAL_DAYS their staff are asked "Is your
# listing still right?" (manage.py ask_listing_confirmation, run daily), and the one-click
# link in that email works for as long; an owner's invitation link works for
# STAFF_INVITATION_VALID_DAYS.
LISTING_CONFIRM_INTERVAL_DAYS = env_int("LISTING_CONFIRM_INTERVAL_DAYS", 30)
STAFF_INVITATION_VALID_DAYS = env_int("STAFF_INVITATION_VALID_DAYS", 14)
NPI_REGISTRY_ONLINE = env_bool("NPI_REGISTRY_ONLINE")
NPI_REGISTRY_URL = os.environ.get("NPI_REGISTRY_URL", "https://npiregistry.cms.hhs.gov/api/")

# Who runs this copy of the directory and how to reach them, for /about/ (issue 19.3).
SITE_OPERATOR = os.environ.get("SITE_OPERATOR", "").strip()
SITE_CONTACT_EMAIL = os.environ.get("SITE_CONTACT_EMAIL", "").strip()

# Shown on every page while the listings are the generated demo data.
DEMO_DATA_NOTICE = env_bool("DEMO_DATA_NOTICE", default=True)

# Logs go to standard output as JSON lines carrying the request id (directory/logs.py);
# LOG_FORMAT=plain gives readable lines for development.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "directory.logs.RequestIdFilter"},
        "without_query_strings": {"()": "directory.logs.WithoutQueryStringsFilter"},
    },
    "formatters": {
        "json": {"()": "directory.logs.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": os.environ.get("LOG_FORMAT", "plain" if DEBUG else "json"),
            "filters": ["request_id", "without_query_strings"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # runserver's request lines go through the same handler, so they lose query strings too.
    "loggers": {"django.server": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
