"""Haven's one settings module, read from the environment.

Production is the default: DEBUG off, secure cookies, HSTS, a strict Content-Security-Policy.
`make run` sets HAVEN_DEV=1 for the local demo; the tests set their own values in
tests/conftest.py. Nothing here reads case data, and no secret has a usable production default.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from dj_database_url import DBConfig
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.safety import DEV_FIELD_KEY, DEV_SECRET_KEY, refuse_unsafe

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# HAVEN_DEV=1 is the local, fictional-data mode: DEBUG on, plain-HTTP cookies, a throwaway key.
DEV = envbool("HAVEN_DEV")
DEBUG = envbool("DEBUG", DEV)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEV:
        raise ImproperlyConfigured("SECRET_KEY must be set (or HAVEN_DEV=1 for a local demo).")
    SECRET_KEY = DEV_SECRET_KEY

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEV else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

# Demo mode shows the current second-factor code on the verification page so that the
# fictional demo can be tried without an authenticator app. It is labelled on every page and
# refused outside HAVEN_DEV (config.safety, when these settings are imported).
DEMO_MODE = envbool("HAVEN_DEMO_MODE")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    # Trigram lookups for the search of a known child on PostgreSQL (ID-7); inert on SQLite.
    "django.contrib.postgres",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "haven.core",
    "haven.accounts",
    "haven.audit",
    "haven.children",
    "haven.cases",
    "haven.safeguards",
    "haven.decisions",
    "haven.documents",
    "haven.identification",
    "haven.consent",
    "haven.protection",
    "haven.placements",
    "haven.justice",
    "haven.reintegration",
    "haven.voice",
    "haven.directory",
    "haven.reports",
    "haven.alerts",
    "haven.api",
    "haven.web",
    "haven.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "haven.core.sessions.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "haven.accounts.middleware.SecondFactorRequiredMiddleware",
    "haven.accounts.middleware.AgencyTimeZoneMiddleware",
    "haven.audit.middleware.RequestContextMiddleware",
    "haven.core.middleware.NoStoreMiddleware",
    "haven.core.middleware.FriendlyMethodNotAllowedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

if not DEV:
    # Static files are served by the app itself in production (no local-disk state beyond the
    # collected, hashed files); the development server serves them in HAVEN_DEV.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "haven" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # Overrides Django's `date` filter: Thai dates in the Buddhist Era (haven.core.dates).
            "builtins": ["haven.core.templatetags.locale_dates"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "haven.web.context_processors.haven",
            ],
        },
    }
]
# Django's form templates, with a select's options written in one loop (haven.core.renderers).
FORM_RENDERER = "haven.core.renderers.FormRenderer"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer commits; IMMEDIATE avoids "database is locked"
    # surprises when two requests upgrade a read transaction to a write at once. Writers queue:
    # twenty saves to one case at once took over the old 5 s wait (a 500, or a 400 from the
    # session save after the write had committed), so a writer waits up to 30 s for its turn.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;"
        ),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Haven's queries are short: PostgreSQL's JIT compilation cost 2–8 s on the dashboard,
    # statistics and supervisor queries at 100,000 cases and saved nothing. Off for every
    # connection Haven opens, whatever the server's configuration says.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"


def replica_database(primary: DBConfig, url: str) -> DBConfig:
    """The "replica" database of DATABASE_REPLICA_URL: a PostgreSQL streaming replica of the
    primary, opened as the primary's connections are (jit off). Only PostgreSQL: a second
    SQLite file would never receive the primary's writes."""
    replica = dj_database_url.parse(
        url, conn_max_age=primary.get("CONN_MAX_AGE", 0), conn_health_checks=True
    )
    postgresql = "django.db.backends.postgresql"
    if primary.get("ENGINE") != postgresql or replica.get("ENGINE") != postgresql:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL names a PostgreSQL streaming replica of a PostgreSQL "
            "DATABASE_URL: both must be postgres:// addresses (docs/deployment.md)."
        )
    # Its own address's options (sslmode…), and the server options of every Haven connection.
    replica.setdefault("OPTIONS", {})["options"] = primary.get("OPTIONS", {})["options"]
    # A test run never creates or empties a database on the replica: it reads the primary's.
    replica["TEST"] = {"MIRROR": "default"}
    return replica


# With a replica, the statistics and the dashboard read from it and nothing else does
# (haven.core.routers; docs/deployment.md, "Scaling out").
DATABASE_ROUTERS: list[str] = []
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = replica_database(
        DATABASES["default"], os.environ["DATABASE_REPLICA_URL"]
    )
    DATABASE_ROUTERS = ["haven.core.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
# "/" sends each person to their role's page (haven.web.views.home).
LOGIN_REDIRECT_URL = "home"

# Lockout (django-axes): five failures for one username from one address lock it for 30 minutes.
AXES_FAILURE_LIMIT = envint("HAVEN_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("HAVEN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# The client's address, for lockouts and the audit trail alike (haven.audit.middleware): behind
# HAVEN_PROXY_COUNT trusted proxies it is read from X-Forwarded-For by django-ipware, counting
# from the right, so a client cannot forge it; otherwise REMOTE_ADDR.
HAVEN_PROXY_COUNT = envint("HAVEN_PROXY_COUNT", 1 if envbool("HAVEN_BEHIND_PROXY") else 0)
AXES_IPWARE_PROXY_COUNT = HAVEN_PROXY_COUNT or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if HAVEN_PROXY_COUNT else ["REMOTE_ADDR"]
)

# Idle timeout: after HAVEN_SESSION_IDLE_MINUTES without a request the user must sign in again.
# Shared devices are the norm in the field. Requests renew the session at most once a minute
# (haven.core.sessions), not on every request: a renewal is a write, and a failed one must not
# fail the response of a write that has committed.
SESSION_ENGINE = "haven.core.sessions"
SESSION_COOKIE_AGE = envint("HAVEN_SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEV
CSRF_COOKIE_SECURE = not DEV
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = not DEV
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

SECURE_SSL_REDIRECT = envbool("HAVEN_SSL_REDIRECT", not DEV)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if envbool("HAVEN_BEHIND_PROXY") else None
)
SECURE_HSTS_SECONDS = 0 if DEV else envint("HAVEN_HSTS_SECONDS", 63072000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEV
SECURE_HSTS_PRELOAD = not DEV
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# i18n. Django knows neither Filipino nor Lao; they are declared here so that translations can
# be added without code changes.
LANGUAGE_CODE = "en"
# The languages of the interface, the kiosk and the children's sheets (CC-11), in the order the
# language lists show them; each one's review status is in haven/locale/reviews.json.
LANGUAGES = [
    ("en", "English"),
    ("id", "Bahasa Indonesia"),
    ("th", "ภาษาไทย"),
    ("vi", "Tiếng Việt"),
    ("km", "ភាសាខ្មែរ"),
    ("lo", "ພາສາລາວ"),
    ("my", "မြန်မာဘာသာ"),
    ("ms", "Bahasa Melayu"),
    ("fil", "Filipino"),
]
# Django lacks Filipino and Lao, and names Khmer in English ("Khmer"): a child looking for
# their language on the kiosk must find it in their own script.
EXTRA_LANG_INFO = {
    "km": {"bidi": False, "code": "km", "name": "Khmer", "name_local": "ភាសាខ្មែរ"},
    "fil": {"bidi": False, "code": "fil", "name": "Filipino", "name_local": "Filipino"},
    "lo": {"bidi": False, "code": "lo", "name": "Lao", "name_local": "ພາສາລາວ"},
}
USE_I18N = True
# English, Lao, Burmese and Filipino dates as the region writes them (haven/core/formats).
FORMAT_MODULE_PATH = ["haven.core.formats"]
USE_TZ = True
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
LOCALE_PATHS = [BASE_DIR / "haven" / "locale"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "haven" / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Documents and photos (DP-13): encrypted before they reach this storage, kept in a private
# directory that no URL serves (docs/deployment.md), files readable by Haven's user alone.
HAVEN_DOCUMENTS_ROOT = Path(os.environ.get("HAVEN_DOCUMENTS_ROOT", BASE_DIR / "documents"))
HAVEN_DOCUMENT_MAX_BYTES = envint("HAVEN_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": HAVEN_DOCUMENTS_ROOT,
            "base_url": None,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEV
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Field-level encryption (DP-7). A comma-separated list of Fernet keys: the first encrypts, all
# decrypt, so a key is rotated by putting a new one first and running `manage.py rotate_keys`.
HAVEN_FIELD_KEYS = envlist("HAVEN_FIELD_KEYS")
if not HAVEN_FIELD_KEYS:
    if not DEV:
        raise ImproperlyConfigured("HAVEN_FIELD_KEYS must be set (Fernet keys, comma-separated).")
    HAVEN_FIELD_KEYS = [DEV_FIELD_KEY]
# The audit chain is an HMAC chain; without this key an edited chain cannot be re-sealed. In
# production it is required and differs from SECRET_KEY; the local demo uses SECRET_KEY.
HAVEN_AUDIT_KEY = os.environ.get("HAVEN_AUDIT_KEY", SECRET_KEY if DEV else "")

# Demo mode, DEBUG, the published keys, a malformed field key, a missing audit key: refused
# here, so that gunicorn importing config.wsgi meets it as manage.py does.
refuse_unsafe(
    dev=DEV,
    debug=DEBUG,
    demo_mode=DEMO_MODE,
    secret_key=SECRET_KEY,
    field_keys=HAVEN_FIELD_KEYS,
    audit_key=HAVEN_AUDIT_KEY,
)

# Safeguard thresholds (measure IDs in brackets).
HAVEN_RETELLING_ALERT_THRESHOLD = envint("HAVEN_RETELLING_ALERT_THRESHOLD", 3)  # CC-6, VW-5
# From this age a child's own consent suffices; younger children give assent and a parent or
# guardian consents too (CC-3, DP-5). Set it to the age of medical consent where Haven runs.
HAVEN_CHILD_CONSENT_AGE = envint("HAVEN_CHILD_CONSENT_AGE", 16)
# Without a document establishing the age, an estimated age under this starts the presumption
# of minority (ID-2): an estimate can be years out. Never below 18 (a system check refuses it).
HAVEN_PRESUMPTION_ESTIMATED_AGE_UNDER = envint("HAVEN_PRESUMPTION_ESTIMATED_AGE_UNDER", 21)
# How many children one guardian may hold at once, unless a supervisor overrides (PS-2).
HAVEN_GUARDIAN_CASELOAD_CEILING = envint("HAVEN_GUARDIAN_CASELOAD_CEILING", 15)
# How many open cases one case worker (or interpreter) may hold before the dashboard shows
# the load as a burnout risk (CC-14).
HAVEN_CASELOAD_CEILING = envint("HAVEN_CASELOAD_CEILING", 20)
# Statistics released outside an agency show no count below this (DP-10; CTDC's k = 11).
HAVEN_STATISTICS_MIN_CELL = envint("HAVEN_STATISTICS_MIN_CELL", 11)
# Seconds the statistics page and API show a count before counting again themselves
# (haven.reports.snapshots); `manage.py refresh_statistics` every hour keeps them younger. 0
# counts on every request.
HAVEN_STATISTICS_MAX_AGE = envint("HAVEN_STATISTICS_MAX_AGE", 7200)
# Seconds the supervisors' dashboard shows a count before counting again itself
# (haven.reports.snapshots); `manage.py refresh_dashboards` every 15 minutes keeps it younger.
# 0 counts on every request (seconds for a national agency at a million cases).
HAVEN_DASHBOARD_MAX_AGE = envint("HAVEN_DASHBOARD_MAX_AGE", 1800)
# Hours from identification to a guardian's appointment for a child deprived of care (PS-1).
HAVEN_GUARDIAN_DUE_HOURS = envint("HAVEN_GUARDIAN_DUE_HOURS", 168)
# A child with no information session this many hours after identification (PS-5).
HAVEN_INFORMATION_DUE_HOURS = envint("HAVEN_INFORMATION_DUE_HOURS", 72)
# The longest a shelter placement may go between reviews (ND-3).
HAVEN_SHELTER_REVIEW_MAX_DAYS = envint("HAVEN_SHELTER_REVIEW_MAX_DAYS", 90)
# Days within which a child's complaint or concern must be acknowledged before it shows as
# overdue (CC-12); how long a kiosk stays open, and how many messages it takes an hour.
HAVEN_FEEDBACK_ACK_DAYS = envint("HAVEN_FEEDBACK_ACK_DAYS", 7)
HAVEN_KIOSK_HOURS = envint("HAVEN_KIOSK_HOURS", 12)
HAVEN_KIOSK_SUBMISSIONS_PER_HOUR = envint("HAVEN_KIOSK_SUBMISSIONS_PER_HOUR", 30)
# Retention (DP-8): how long each class of a child's data is kept, counted from the closing of
# the child's last case — nothing of a child is erased while any of their cases is open, so a
# child who comes back (RR-6) need not retell. 10 years, and not before the child's 25th birthday
# when a birth date is recorded, for names, story, family, health and legal matters: adults who
# were in care ask for their records, often in their twenties; proceedings and compensation
# claims take years, and limitation periods for offences against children often start at 18;
# children's health records are commonly kept until the 25th birthday. Whereabouts only 2 years:
# they are what exploiters look for, and the placement's type and dates remain. Case basics and
# the coded facts the statistics count are kept. Names are never kept shorter than any other
# class (a system check, haven.E002). `manage.py retention_apply` applies it.
_RETAIN_YEARS = envint("HAVEN_RETAIN_YEARS", 10)
_RETAIN_UNTIL_AGE = envint("HAVEN_RETAIN_UNTIL_AGE", 25)
HAVEN_RETENTION = {
    "identity": {"years": _RETAIN_YEARS, "until_age": _RETAIN_UNTIL_AGE},
    "family": {"years": _RETAIN_YEARS, "until_age": _RETAIN_UNTIL_AGE},
    "narrative": {"years": _RETAIN_YEARS, "until_age": _RETAIN_UNTIL_AGE},
    "health": {"years": _RETAIN_YEARS, "until_age": _RETAIN_UNTIL_AGE},
    "legal": {"years": _RETAIN_YEARS, "until_age": _RETAIN_UNTIL_AGE},
    "location": {"years": envint("HAVEN_RETAIN_LOCATION_YEARS", 2)},
}
# Email the people a critical alert is escalated to (ND-2), besides their inbox. The email says
# only that an alert needs them. Needs EMAIL_* settings for the mail server.
HAVEN_NOTIFY_EMAIL = envbool("HAVEN_NOTIFY_EMAIL")
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.console.EmailBackend"
        if DEV
        else "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {}
        if DEV
        else {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": envint("EMAIL_PORT", 587),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": envbool("EMAIL_USE_TLS", True),
            "timeout": 10,
        },
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "haven@localhost")
# Where people reach Haven, for links in e-mails ("https://haven.example.org"); without it an
# e-mail says to sign in and names the page instead.
HAVEN_BASE_URL = os.environ.get("HAVEN_BASE_URL", "http://localhost:8000" if DEV else "").rstrip(
    "/"
)
# `manage.py send_due_digest` (run it daily) e-mails each person with something overdue or due
# today on their cases how many things are due, and the link to What is due: counts only, never
# a child's name, reference or place (CC-9, DP-13). Off unless set.
HAVEN_DUE_DIGEST = envbool("HAVEN_DUE_DIGEST")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["haven.api.permissions.IsVerifiedStaff"],
    "DEFAULT_PAGINATION_CLASS": "haven.api.pagination.Pagination",
    "PAGE_SIZE": 25,
    # drf-spectacular's, documenting pages, omitted fields and the error envelope as sent.
    "DEFAULT_SCHEMA_CLASS": "haven.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "haven.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["haven.api.parsers.JSONBodyParser"],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Haven API",
    "DESCRIPTION": "Case management for child protection. Every write runs the same services "
    "and safeguard rules as the web pages.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["haven.api.permissions.IsVerifiedStaff"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "AgeStatusEnum": "haven.children.models.AgeStatus",
        "AgeStatusInputEnum": "haven.children.models.AGE_STATUS_INPUT_CHOICES",
        "StageEnum": "haven.cases.models.Case.Stage",
        "TraffickingStatusEnum": "haven.cases.models.Case.TraffickingStatus",
        "StatusDecidedByEnum": "haven.cases.models.Case.StatusDecidedBy",
        "TransferKindEnum": "haven.directory.models.TransferKind",
        "InterviewKindEnum": "haven.cases.models.Interview.Kind",
    },
}

# DP-15: logs carry request metadata and event codes, never case content. Django's own request
# logging is kept at WARNING so that URLs (which hold only opaque IDs) are the most it writes.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # WeasyPrint and fontTools narrate every PDF at INFO; only their problems are logged.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# The admin site must never show or let anyone copy a second-factor secret.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Flash messages can name a case: keep them on the server, not in a browser cookie (DP-13).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
