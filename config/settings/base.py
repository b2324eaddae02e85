"""Settings shared by every environment; dev/test/prod only override."""

import tomllib
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
# Absolute base of links that leave the site: QR labels, mails, calendar feeds.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- The municipality ------------------------------------------------------
# Everything that makes this Mobara (name, 団体コード, sections, lending rules)
# comes from a data file, so another city runs Tsunagu by pointing here.
TSUNAGU_CITY_FILE = Path(
    env_str("TSUNAGU_CITY_FILE", str(BASE_DIR / "config" / "city" / "mobara.toml"))
)
with TSUNAGU_CITY_FILE.open("rb") as _city_file:
    TSUNAGU = tomllib.load(_city_file)

# Staff (生活課, 総務課) must use TOTP two-factor. On in production, off for the demo.
TSUNAGU_STAFF_MFA_REQUIRED = env_bool("TSUNAGU_STAFF_MFA_REQUIRED", False)
# Seconds a kiosk device stays signed in: one working day.
TSUNAGU_KIOSK_SESSION_SECONDS = env_int("TSUNAGU_KIOSK_SESSION_SECONDS", 10 * 60 * 60)
# The only paths a kiosk account may open; everything else answers 403.
TSUNAGU_KIOSK_HOME = "/kiosk/"
TSUNAGU_KIOSK_ALLOWED_PREFIXES = [
    "/kiosk/",
    "/t/",
    "/accounts/logout/",
    "/i18n/",
    "/static/",
    "/healthz",
]

# Behind the city's TLS proxy every request comes from the proxy: the client is the
# N-th address from the right of X-Forwarded-For, trusted only when the peer is one
# of TRUSTED_PROXIES (CIDRs). Rate limits (ours and allauth's) key on that client.
TSUNAGU_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
TSUNAGU_TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", ["127.0.0.1/32", "::1/128"])
# allauth's own client address follows the same count (our adapter also hands it
# core.ratelimit.client_ip, which checks the peer against TRUSTED_PROXIES as well).
ALLAUTH_TRUSTED_PROXY_COUNT = TSUNAGU_TRUSTED_PROXY_COUNT

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # the widget templates, for our FORM_RENDERER
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tables2",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
]
# Ours, in dependency order: core <- lending, volunteers <- outreach <- (wifi) <- kpi.
# kpi reads the others only through their selectors; nothing imports kpi.
TSUNAGU_APPS = ["core", "lending", "volunteers", "outreach", "wifi", "kpi"]
INSTALLED_APPS += TSUNAGU_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.CookieLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "core.middleware.KioskLockdownMiddleware",
    "core.middleware.StaffTwoFactorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "core.context_processors.tsunagu",
            ],
            "builtins": ["core.templatetags.wareki", "core.templatetags.people"],
        },
    }
]

# --- Database --------------------------------------------------------------
# DATABASE_URL selects PostgreSQL (production). Without it: an SQLite file with
# WAL (readers never block the writer), IMMEDIATE transactions (a writer takes
# the lock at BEGIN, so two writers queue instead of failing with "database is
# locked" half-way) and a busy timeout.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
}
if database_url := env_str("DATABASE_URL", ""):
    DATABASES = {
        "default": dj_database_url.parse(database_url, conn_max_age=60, conn_health_checks=True)
    }
    # Server-side parameters and prepared statements: a statement run a few times on a
    # connection (every request's session, user and roles; the kiosk's scan) is parsed
    # and planned once per connection, not on each request (issue 18: the kiosk's return
    # cost PostgreSQL 2.5 ms of CPU, 1.2 prepared). Off (TSUNAGU_DB_PREPARE=false) behind
    # a pooler in transaction mode that does not keep prepared statements.
    if DATABASES["default"]["ENGINE"].endswith("postgresql") and env_bool(
        "TSUNAGU_DB_PREPARE", True
    ):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=5
        )
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "tsunagu.sqlite3",
            "OPTIONS": SQLITE_OPTIONS,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache -----------------------------------------------------------------
# Shared by every worker process so allauth's rate limits hold across workers.
if redis_url := env_str("REDIS_URL", ""):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "tsunagu_cache",
        }
    }

# --- Accounts --------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:dashboard"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{TSUNAGU['city']['name']} つなぐ] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
ACCOUNT_ADAPTER = "core.adapters.AccountAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = f"{TSUNAGU['city']['name']} つなぐ"
SESSION_COOKIE_AGE = 8 * 60 * 60  # a working day; kiosks get their own length
SESSION_EXPIRE_AT_BROWSER_CLOSE = False

DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "tsunagu@example.jp")
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Seconds an SMTP connection may hang before the attempt counts as failed (and is retried).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)

# --- Messages to people (core.messaging) -------------------------------------
# Every message is a row of the outbox, written in the transaction of the change
# that causes it; a background worker delivers it (django-tasks with its database
# backend: `manage.py db_worker`), and `manage.py deliver_messages` delivers
# whatever is due (a retry, a row whose task was lost) from cron or by hand.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Channels in the order they are tried: the first automatic one that reaches the
# person wins; who has none gets the fallback (a call, or a postcard when asked).
# An SMS or LINE provider is one more class here (see core.channels.Channel).
TSUNAGU_MESSAGE_CHANNELS = [
    "core.channels.EmailChannel",
    "core.channels.CallChannel",
    "core.channels.PostcardChannel",
]
# Automatic delivery: attempts before a message is marked failed for staff to look
# at, and the back-off between them (doubling from the first delay up to the cap).
TSUNAGU_MESSAGE_MAX_ATTEMPTS = env_int("TSUNAGU_MESSAGE_MAX_ATTEMPTS", 10)
TSUNAGU_MESSAGE_RETRY_FIRST_SECONDS = env_int("TSUNAGU_MESSAGE_RETRY_FIRST_SECONDS", 60)
TSUNAGU_MESSAGE_RETRY_MAX_SECONDS = env_int("TSUNAGU_MESSAGE_RETRY_MAX_SECONDS", 6 * 60 * 60)
# A message claimed by a worker that then vanished (killed mid-send) is tried again
# after this many seconds.
TSUNAGU_MESSAGE_CLAIM_SECONDS = env_int("TSUNAGU_MESSAGE_CLAIM_SECONDS", 10 * 60)

# --- Language and time -----------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Tokyo"
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

# --- Static files ----------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# --- Security that holds in every environment ------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# No inline scripts or styles anywhere: templates link static files only.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; media-src 'self' blob:; font-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

# Every form renders through one pattern: error summary, required marks, tied errors.
FORM_RENDERER = "core.forms.FormRenderer"

DJANGO_TABLES2_TEMPLATE = "django_tables2/tsunagu.html"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Development and tests serve static files straight from the source folders;
# production (prod.py) serves the collected, hashed files.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
