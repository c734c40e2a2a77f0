"""Qinqing settings: one module, driven by environment variables (django-environ).

`DJANGO_ENV` selects the mode: `development` (default), `test` or `production`. Production requires
`SECRET_KEY` and `ALLOWED_HOSTS` and turns on every `check --deploy` hardening.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF

from crm.lib.storage_url import storages_from_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"
TESTING = DJANGO_ENV == "test"

if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")
else:
    SECRET_KEY = env.str(
        "SECRET_KEY", default="dev-only-insecure-key-never-use-in-production-qinqing"
    )
DEBUG = env.bool("DEBUG", default=not PRODUCTION and not TESTING)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "treebeard",
    "simple_history",
    "django_filters",
    "django_htmx",
    "accounts.apps.AxesConfig",  # django-axes, named in Chinese
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_prometheus",
    "health_check",
    "ops",
    "accounts",
    "enterprises",
    "issues",
    "visits",
    "workcalendar",
    "notifications",
    "portal",
    "cockpit",
    "api",
    "workbench",
    # The public site and the policy library (Wagtail), pushes and campaigns (DESIGN §9).
    "website",
    "policies",
    "campaigns",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
]

MIDDLEWARE = [
    "ops.logging.RequestIdMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before CSRF and every view: a NUL in any parameter is refused with a 400.
    "crm.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "crm.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Axes goes last so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "crm.urls"
WSGI_APPLICATION = "crm.wsgi.application"
ASGI_APPLICATION = "crm.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "crm.context_processors.navigation",
            ],
            "libraries": {"choices": "crm.lib.choice_tags"},
        },
    },
]
# Django's widget templates, but selects written in Python (one template per option was the
# slowest part of the filter forms).
FORM_RENDERER = "crm.lib.form_renderer.FormRenderer"

# --- Database -------------------------------------------------------------------------------
# SQLite (WAL, immediate transactions so the web process and the Celery worker do not trip over
# each other's locks) unless DATABASE_URL points elsewhere, e.g. postgres://postgres@127.0.0.1/qq.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    # Covering indexes' INCLUDE columns serve index-only scans on PostgreSQL (DESIGN §12);
    # SQLite, the embedded default, builds the same indexes without them.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # No JIT compilation: the pages' queries take milliseconds, and a plan whose cost is
        # overestimated (a correlated EXISTS inside an OR) paid 0.6–1.3 s compiling itself.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://qinqing"),
}

# --- People -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # a username or a mobile number (enterprise contacts, DESIGN §9)
    "accounts.backends.PhoneOrUsernameBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.CharacterClassValidator"},
]
# scrypt at a chosen cost (accounts/hashers.py explains the numbers); PBKDF2 hashes made before
# still verify and are upgraded at the next login.
CHOSEN_PASSWORD_HASHERS = [
    "accounts.hashers.QinqingScryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
PASSWORD_HASHERS = CHOSEN_PASSWORD_HASHERS
if TESTING:  # fast hashing for the test suite only
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Login throttling (accounts/throttle.py): a username is paused for one address after
# AXES_FAILURE_LIMIT failures from it, everywhere only after failures from several addresses,
# and an address after failures on many usernames; pauses lift after the cool-off.
AXES_HANDLER = "accounts.throttle.ThrottleHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A refused attempt answers 429 and is not counted again (the pause is not prolonged by it).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
# Behind reverse proxies, the client's address comes from X-Forwarded-For (crm/lib/client_ip.py);
# AXES_PROXY_COUNT is how many proxies stand in front of gunicorn (0: none, the header is ignored);
# the setting has our own name, as django-axes flags a setting AXES_PROXY_COUNT as deprecated.
QINQING_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "crm.lib.client_ip.client_ip"
QINQING_LOGIN_USERNAME_IPS = env.int("LOGIN_USERNAME_IPS", default=3)
QINQING_LOGIN_USERNAME_FAILURES = env.int("LOGIN_USERNAME_FAILURES", default=15)
QINQING_LOGIN_IP_USERNAMES = env.int("LOGIN_IP_USERNAMES", default=20)
AXES_ENABLE_ACCESS_FAILURE_LOG = False

# --- Language and time ------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# UI strings are written in Simplified Chinese in the source (the primary language) and
# translated to English in each app's locale/en catalogue.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "/media-not-served/"  # attachments are served only through permission-checked views
# Local disk by default; an S3-compatible bucket shared by every process when MEDIA_STORAGE_URL
# is set (crm/lib/storage_url.py). Attachments use the "private" storage.
MEDIA_STORAGE_URL = env.str("MEDIA_STORAGE_URL", default="")
STORAGES = {
    **storages_from_url(MEDIA_STORAGE_URL),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# --- Security ---------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
    # Django's admin ships inline styles; it is for administrators only. The Wagtail admin
    # (/cms/, policy editors and administrators) gets a relaxed policy of its own below.
    "EXCLUDE_URL_PREFIXES": ["/django-admin/"],
}
# Only under /cms/ (crm.middleware.CSPMiddleware): Wagtail's admin uses inline styles and a few
# inline scripts, and its page preview is an iframe of the same origin. Still no third party.
CMS_URL_PREFIX = "/cms/"
CMS_CONTENT_SECURITY_POLICY_OVERRIDES = {
    "script-src": [SELF, "'unsafe-inline'"],
    "style-src": [SELF, "'unsafe-inline'"],
    "frame-src": [SELF],
    "frame-ancestors": [SELF],
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Wagtail (the public site and the policy library, DESIGN §9) -------------------------------
WAGTAIL_SITE_NAME = "亲清 · 政策直达"
WAGTAILADMIN_BASE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Content is written in one language (Simplified Chinese); the admin is Chinese first.
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = [("zh-hans", "简体中文")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "ofd", "wps", "txt", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# Documents (政策依据 files) are public on the public site; serve them through Django.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatars from gravatar.com: nothing is loaded from another origin.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True
# Editors type Chinese titles; the slug the admin derives from one stays Chinese (browsers show
# it as typed).
WAGTAIL_ALLOW_UNICODE_SLUGS = True
WAGTAILADMIN_LOGIN_URL = "accounts:login"
WAGTAIL_FRONTEND_LOGIN_URL = "accounts:login"

# --- Celery -----------------------------------------------------------------------------------
# With no CELERY_BROKER_URL, kombu's filesystem transport: a real worker and beat with no server.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_FOLDER = VAR_DIR / "broker"
if CELERY_BROKER_URL == "filesystem://":
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
        "processed_folder": str(CELERY_BROKER_FOLDER / "processed"),
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must never hang a user's request when the broker is down (DESIGN §7).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- REST API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.IdCursorPagination",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerTokenThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": env.str("API_THROTTLE_RATE", default="600/min")},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "亲清 Qinqing API",
    "DESCRIPTION": (
        "Qinqing REST API v1 (DESIGN §11): the same visibility rules, filters and workflow as "
        "the pages. Authenticate with `Authorization: Bearer <token>` (issue yours at "
        "/api/tokens/) or the session cookie."
    ),
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "PREPROCESSING_HOOKS": ["api.schema.only_this_api"],
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # `check --deploy` would report the generator's naming notes (id filters typed as strings,
    # auto-resolved enum names) as warnings; they are not errors, `manage.py spectacular` still
    # shows them, and the schema is checked by the property run (tests/api/test_schema_fuzz).
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
}
# 12345 result callbacks (api.callbacks): attempts before a callback is given up.
API_CALLBACK_TIMEOUT_SECONDS = env.int("API_CALLBACK_TIMEOUT_SECONDS", default=10)

# --- Mail and logging -------------------------------------------------------------------------
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="qinqing@localhost")
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))

# One line per record on stdout; LOG_FORMAT=json (the production default) for log shippers. Every
# record carries the request id (ops/logging.py), also in Celery tasks queued by that request.
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "ops.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
        "json": {"()": "ops.logging.JsonFormatter"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["stdout"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Wagtail 8 runs its search-index and reference-index updates as tasks: one line each.
        "django_tasks": {"level": "WARNING"},
    },
}

# --- Product settings -------------------------------------------------------------------------
QINQING_SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# How long after closure an enterprise may reopen an issue (DESIGN §5 reopen).
ISSUE_REOPEN_WINDOW_DAYS = env.int("ISSUE_REOPEN_WINDOW_DAYS", default=30)
# Dotted path of the SMS backend (notifications.sms); the default writes messages to the log.
QINQING_SMS_BACKEND = env.str("SMS_BACKEND", default="notifications.sms.LogSMSBackend")
# A delivery claimed by a worker that died is handed to another after this lease (seconds).
QINQING_DELIVERY_LEASE_SECONDS = env.int("DELIVERY_LEASE_SECONDS", default=600)
# Where notifications.sms.FileSMSBackend appends messages (staging machines, the soak run).
QINQING_SMS_FILE = env.str("SMS_FILE", default=str(VAR_DIR / "sms.jsonl"))
# Supervision ladder (DESIGN §6): overdue working days before the 督办 notice and the 提级.
ISSUE_SUPERVISION_NOTICE_DAYS = env.int("ISSUE_SUPERVISION_NOTICE_DAYS", default=2)
ISSUE_ESCALATION_DAYS = env.int("ISSUE_ESCALATION_DAYS", default=5)
# --- Operations -------------------------------------------------------------------------------
# Who may scrape /metrics (Prometheus); everyone else gets 404.
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
# /health/ready/ reports the beat as degraded when its heartbeat (every minute) is older than this.
QINQING_BEAT_STALE_SECONDS = env.int("BEAT_STALE_SECONDS", default=300)

# --- How the apps plug into each other ---------------------------------------------------------
# Declared here, in one place, and read where used; no app appends to a global list at start-up.
# Sections of the enterprise page (enterprises.sections), in the order of their `order` field:
# each a dotted path of fn(request, enterprise) -> PageSection | None.
QINQING_ENTERPRISE_PAGE_SECTIONS = [
    "visits.sections.visit_section",
    "issues.enterprise_section.issues_section",
    "portal.sections.accounts_section",  # 企业账号: invitations and bindings
    "policies.sections.policy_section",  # 匹配政策: matched policies and their pushes
]
# Enterprises unit staff may see (enterprises.models.EnterpriseQuerySet.visible_to), besides the
# rules of the enterprises app: each a dotted path of fn(unit_ids) -> Q over Enterprise.
QINQING_UNIT_ENTERPRISE_VISIBILITY = [
    "issues.visibility.enterprises_of_units",
]
