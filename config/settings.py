"""Wijkverband settings: one file, driven by environment variables with embedded defaults.

Without DATABASE_URL the app uses SQLite; without REDIS_URL the in-memory channel layer and a
cache in the database (shared by the web server and the task worker). Production sets both (see
README "Configuration").
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

TESTING = "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")
CI = env_bool("CI", False)
DEBUG = env_bool("DEBUG", False)

_INSECURE_DEV_KEY = "insecure-development-key-do-not-use-in-production-0123456789"
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production needs a long random SECRET_KEY (for local development set DEBUG=true)."
        )
    SECRET_KEY = _INSECURE_DEV_KEY
elif (
    not DEBUG
    and not TESTING
    and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure") or SECRET_KEY == _INSECURE_DEV_KEY)
):
    raise ImproperlyConfigured("SECRET_KEY is insecure: use at least 50 random characters.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# A refused form gets our own page, in the interface's words (Django's speaks to developers).
CSRF_FAILURE_VIEW = "wijkverband.core.views.csrf_failure"

INSTALLED_APPS = [
    # Daphne's `manage.py runserver` serves the sockets too, in development. Everywhere else uvicorn
    # serves them (`make run`, production, the benches), and Daphne's import would bring Twisted into
    # every process: 17 MiB and 259 modules more in each worker and task worker.
    *(["daphne"] if sys.argv[1:2] == ["runserver"] else []),
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_htmx",
    "guardian",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_q",
    "wijkverband.core",
    "wijkverband.accounts",
    "wijkverband.audit",
    "wijkverband.tenancy",
    "wijkverband.work",
    "wijkverband.bottlenecks",
    "wijkverband.threads",
    "wijkverband.realtime",
    "wijkverband.agreements",
    # Who to call in the wijk, and the sociale basis around it.
    "wijkverband.wijkcard",
    "wijkverband.socialmap",
    # Welzijn op Recept figures; feeds agreements' indicators.
    "wijkverband.referrals",
    # Regional work: patterns taken up by the region, agreements it offers its teams.
    "wijkverband.regional",
    # Client representatives' signals: triaged into the bottleneck log or an agreement's review.
    "wijkverband.signals",
    # Above the features: gathers what waits on a person from all of them.
    "wijkverband.mywork",
    # The region's steering view: figures of every feature per team (docs/dashboard.md).
    "wijkverband.dashboard",
    "wijkverband.search",
    # The public postcode lookup: shows what the features mark public.
    "wijkverband.lookup",
    # Last among ours: demo data loads every feature, and nothing loads it.
    "wijkverband.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A request id for the log lines of this request (X-Request-ID), and the HTTP metrics.
    "wijkverband.core.middleware.RequestIdMiddleware",
    # First: every request runs in a team scope (no team until TeamMiddleware, last, resolves one).
    "wijkverband.tenancy.entry.NoTeamScopeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise (static files keep their caching): no page of ours is ever cached.
    "wijkverband.core.middleware.PrivateDataCacheMiddleware",
    "wijkverband.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # A request renews the session's idle expiry, at most once a minute (not a write per page).
    "wijkverband.accounts.middleware.SessionRenewalMiddleware",
    "wijkverband.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, with the session and the person it signs in read in one query (accounts/sessions.py).
    "wijkverband.accounts.sessions.AuthenticationMiddleware",
    # After a person's own write, the header's "Mijn werk" count is counted again (docs/my-work.md).
    "wijkverband.mywork.middleware.AskedCountMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # A GET at an address that takes only a form's POST gets a page that says so (core/middleware.py).
    "wijkverband.core.middleware.MethodNotAllowedPageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # An htmx request that must sign in takes the whole page to the sign-in page (not into the list).
    "wijkverband.accounts.middleware.HtmxSignInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A page asked with an ended session: the sign-in page says the session expired (after messages).
    "wijkverband.accounts.middleware.SessionEndedNoticeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wijkverband.tenancy.second_factor.SecondFactorRequiredMiddleware",
    # Last: resolves the team or region of the URL and runs the view inside its scope.
    "wijkverband.tenancy.entry.TeamMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "frontend" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wijkverband.tenancy.context_processors.navigation",
                "wijkverband.work.context_processors.notifications",
                "wijkverband.mywork.context_processors.my_work",
            ],
        },
    },
]

# --- Data stores -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if CI and not DATABASE_URL:
    raise ImproperlyConfigured("CI=true needs DATABASE_URL (PostgreSQL): the suite must not fall back.")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Persistent connections and ASGI do not mix well: each request runs in its own thread.
        conn_max_age=env_int("CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so that the live ASGI server of the browser tests sees the test data.
    # Per process, so parallel test runs never share one file.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f"test-db-{os.getpid()}.sqlite3")}
    # make run writes from two processes (uvicorn and the task worker): transactions take the write
    # lock when they begin (a reader that later writes cannot deadlock another into "database is
    # locked"), a writer waits for the lock, and readers do not block the writer (WAL).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    # Named explicitly: the live server of the browser tests derives its database from this.
    DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME", f"test_{DATABASES['default']['NAME']}")}
    # DATABASE_POOL_SIZE: a psycopg connection pool of at most this many connections per process
    # (0: none, a connection per request). Under ASGI every HTTP request and every socket's database
    # work runs in a thread of its own; without a pool each opens its own connection, and when every
    # page reconnects at once (a restart) they exhaust PostgreSQL's max_connections. With a pool a
    # process never holds more than this many, the rest wait for one (docs/scaling.md). Replaces
    # CONN_MAX_AGE, which Django does not combine with a pool.
    DATABASE_POOL_SIZE = env_int("DATABASE_POOL_SIZE", 0)
    # The statements of every post, reconnect and page written out once (wijkverband.core.rows) are
    # prepared once per connection (Django's own queries are not). false behind a PgBouncer in
    # transaction mode, which does not keep them with a connection.
    DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", True)
    if DATABASE_PREPARED_STATEMENTS:
        # Only server-binding cursors prepare, and only rows.prepared_cursor makes them: Django's
        # client-binding cursors never do, whatever this says (rows.run prepares with SQL's PREPARE).
        DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 0
    # DATABASE_POOL_READY: how many of the pool's connections a web worker opens before it listens,
    # and keeps open (config/asgi.py; default: all of them). The pool opens connections on demand
    # one at a time, so after a restart the first handshakes and pages would wait for connections
    # opened one after another (docs/scaling.md, "A new worker").
    DATABASE_POOL_READY = max(0, min(env_int("DATABASE_POOL_READY", DATABASE_POOL_SIZE), DATABASE_POOL_SIZE))
    if DATABASE_POOL_SIZE > 0:
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(2, DATABASE_POOL_SIZE),
            "max_size": DATABASE_POOL_SIZE,
            "timeout": env_int("DATABASE_POOL_TIMEOUT", 10),
        }

REDIS_URL = env_str("REDIS_URL")
# The embedded default's cache table (below). Every migrate makes it, with or without REDIS_URL
# (core/dbcache.py): a database migrated with Redis may be served without it later.
EMBEDDED_CACHE_TABLE = "wijkverband_cache"
if CI and not REDIS_URL:
    raise ImproperlyConfigured("CI=true needs REDIS_URL: the suite must not fall back.")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # Redis pub/sub: one PUBLISH per group message and no list polling per receive (about a
            # fifth of the CPU of the list-based layer per message). At-most-once delivery is all
            # the live layer needs: the database is the record and every worker catches up by
            # sequence number (docs/realtime.md). CHANNEL_LAYER_BACKEND may name another layer.
            # wijkverband.realtime.layer: channels_redis's, without a post's PUBLISH waiting for the
            # worker's subscribes (after a restart, thousands), which go to Redis together.
            "BACKEND": env_str("CHANNEL_LAYER_BACKEND", "wijkverband.realtime.layer.ChannelLayer"),
            "CONFIG": {
                "hosts": [REDIS_URL],
                # Test runs get their own prefix, so parallel runs on one Redis never hear each other.
                "prefix": env_str("CHANNEL_PREFIX", "wijkverband") + (f"-test{os.getpid()}" if TESTING else ""),
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Test runs get their own prefix, so parallel runs never clear each other's keys.
            "KEY_PREFIX": env_str("CACHE_PREFIX", "wijkverband") + (f"-test{os.getpid()}" if TESTING else ""),
            # One pool per process, not one per request or open socket (wijkverband/core/redis.py).
            "OPTIONS": {"pool_class": "wijkverband.core.redis.SharedConnectionPool"},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    # A table in the database (wijkverband/core/dbcache.py), which every process of `make run`
    # reads: the task worker sees who is online in the web server, as with Redis. Tests keep a
    # local-memory cache per test process: a cache in the database would add its queries to the
    # pages' counted ones and join each test's transaction (tests/core/test_dbcache.py tests this one).
    CACHES = {
        "default": {
            "BACKEND": "wijkverband.core.dbcache.DatabaseCache",
            "LOCATION": EMBEDDED_CACHE_TABLE,
            # Past this many keys Django's database cache deletes a third of them, live ones too.
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }
    if TESTING:
        CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "wijkverband.accounts.backends.ConfirmedAddressBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    # Django's looks at username, first_name, last_name and email: our User has none of the first
    # three, so "Noor Nieuw 12" was accepted for Noor Nieuw. Ours compares the address's part
    # before the "@" as a whole too (`nurse.nieuw1` for nurse.nieuw@…), and refuses a password that
    # holds that part or a word of the name ("physio-2026-x" for physio@…).
    {
        "NAME": "wijkverband.accounts.passwords.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("name", "email")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    # Django's list of common passwords is English ("wachtwoord123" passed): ours adds Dutch ones.
    {"NAME": "wijkverband.accounts.passwords.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "wijkverband.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"  # an invitation link already proves the address
# Everyone changes their own address ("E-mailadres" under Account): the new one counts once the
# link mailed to it is followed, and it then replaces the old one, which is told. Until then the
# account signs in and resets its password by the old one (accounts.backends, accounts.forms).
ACCOUNT_CHANGE_EMAIL = True
# allauth refuses an unconfirmed address on an account with a second factor, lest someone sign up
# with another's address and lock its owner out with a factor. There is no open sign-up here:
# every account comes from an invitation to its address, and a new address is unconfirmed only
# until its link is followed.
MFA_ALLOW_UNVERIFIED_EMAIL = True
ACCOUNT_REAUTHENTICATION_REQUIRED = True  # the password again before an address changes
ACCOUNT_FORMS = {
    "login": "wijkverband.accounts.forms.LoginForm",
    "add_email": "wijkverband.accounts.forms.AddEmailForm",
    "reset_password": "wijkverband.accounts.forms.ResetPasswordForm",
    "reauthenticate": "wijkverband.accounts.forms.ReauthenticateForm",
    "change_password": "wijkverband.accounts.forms.ChangePasswordForm",
}
ACCOUNT_SESSION_REMEMBER = False
# A change to how someone signs in is mailed to them: a password changed or reset, the e-mail
# address changed (to the old address), a second factor added or removed, new recovery codes. In
# our words (frontend/templates/account/email/, mfa/email/), with absolute links to take the
# account back (AccountAdapter.send_notification_mail).
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Wijkverband] "
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    # Failed sign-ins: a wrong password, and a wrong code after it (per person); a success does not
    # count. Per address, high enough for a GP practice's whole staff behind one NAT address, low
    # enough to stop one address trying passwords across accounts; per account, a short wait, so
    # someone typing wrong passwords for a colleague's address locks them out for minutes only.
    # The reasoning is in docs/accounts.md ("Rate limits").
    "login_failed": env_str("LOGIN_FAILED_RATE", "30/5m/ip,5/5m/key"),
    "login": "30/m/ip",
    "reset_password": "5/m/ip,3/15m/key",
    "reset_password_from_key": "10/m/ip",
    # A new address's link sent past allauth's cooldown (one per address per 3 minutes) because the
    # person chose that address anew (accounts.rate_limits.new_email_link_wait), per address.
    "new_email_link": "3/15m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
# WebAuthn needs https; plain http is accepted only for local development and the browser tests.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env_bool("WEBAUTHN_ALLOW_INSECURE_ORIGIN", DEBUG or TESTING)
MFA_TOTP_ISSUER = "Wijkverband"
MFA_FORMS = {
    "activate_totp": "wijkverband.accounts.forms.ActivateTOTPForm",
    "add_webauthn": "wijkverband.accounts.forms.AddWebAuthnForm",
    "edit_webauthn": "wijkverband.accounts.forms.EditWebAuthnForm",
    "authenticate": "wijkverband.accounts.forms.AuthenticateForm",
    "deactivate_totp": "wijkverband.accounts.forms.DeactivateTOTPForm",
    "reauthenticate": "wijkverband.accounts.forms.MFAReauthenticateForm",
}
MFA_RECOVERY_CODE_COUNT = 10
MFA_RATE_LIMITS = {
    # Setting up an authenticator app (accounts.forms.ActivateTOTPForm): someone signed in, with the
    # secret on their screen, learning their app; not failed sign-ins (allauth's choice).
    "activate_totp": "10/5m/user",
}

# Guardian finds the direct-foreign-key permission models in wijkverband.tenancy.models itself.
ANONYMOUS_USER_NAME = None  # no guardian anonymous user: outsiders never hold permissions
GUARDIAN_RAISE_403 = False

# Session: expires after inactivity; a request renews it, at most once a minute
# (wijkverband.accounts.middleware.SessionRenewalMiddleware: not a database write per page).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
# Django's database sessions, each row with the person it signs in (one query for both).
SESSION_ENGINE = "wijkverband.accounts.sessions"
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Security ------------------------------------------------------------------------------------
SECURE_COOKIES = env_bool("SECURE_COOKIES", not (DEBUG or TESTING))
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- E-mail --------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Wijkverband <noreply@wijkverband.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Seconds a mail server may take to answer. Without it a server that accepts the connection and
# never answers held a task worker until its job was killed, and the mail did not count as a
# failed attempt (so neither the retry's backoff nor the "attempts > 3" alert saw it).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    # Without a mail server, e-mails (invitations, password resets) are printed to the console.
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Internationalisation ------------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [
    Path(env_str("LOCALE_DIR", str(BASE_DIR / "locale"))),
    # Dutch for third-party strings (allauth) that their own catalogues leave untranslated.
    BASE_DIR / "locale_overrides",
]
TIME_ZONE = "Europe/Amsterdam"
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True

# --- Static files --------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "frontend" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "wijkverband.core.storage.StaticFilesStorage"
            if env_bool("STATIC_MANIFEST", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Serve straight from the source folders unless the deployment ran collectstatic.
WHITENOISE_USE_FINDERS = not env_bool("STATIC_MANIFEST", False)

# --- Background work (django-q2, database broker: docs/work.md) ----------------------------------
Q_CLUSTER = {
    "name": "wijkverband",
    "orm": "default",  # jobs are rows in our database: durable, no other server to run
    "workers": env_int("TASK_WORKERS", 2),
    "timeout": env_int("TASK_TIMEOUT_SECONDS", 120),
    # A job a worker took and did not finish (it died) is handed out again after this long.
    "retry": env_int("TASK_RETRY_SECONDS", 300),
    "max_attempts": 5,
    "catch_up": False,  # a periodic job missed while no worker ran runs once, not once per miss
    "save_limit": 500,
    "poll": 1,
    "ack_failures": True,
    # Tests run jobs at once, in the test's own process.
    "sync": TESTING,
}
# Without Redis (make run: one web process and the in-memory channel layer) a worker in another
# process cannot reach an open page (it does see who is online: the cache is in the database). The
# jobs that push to pages (a post's mentions) then run after the commit in the web process; mail,
# digests and reminders still go to the worker. With Redis, as in production, every job goes to the worker.
TASKS_PUSH_IN_PROCESS = not REDIS_URL and not TESTING

# Absolute links in e-mails (they are written in the worker, where there is no request).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# The domain of the Message-ID of our e-mails.
MAIL_ID_DOMAIN = env_str("MAIL_ID_DOMAIN", "wijkverband.localhost")

# --- Product settings ----------------------------------------------------------------------------
# Apps read these through django.conf.settings, never the environment themselves.
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 14)
# Threads: the longest message, posts per person per minute (every worker together), and how many
# events a subscribe or an HTTP catch-up replays before the client is told to reload.
# The longest message is counted in characters (what people can check), as Python counts them (code
# points, a line break one). 10,000 of them stay within REALTIME_MAX_FRAME_BYTES however they are
# written (at most 6 bytes each in a JSON frame, an escaped control character).
THREADS_MAX_BODY_CHARS = env_int("THREADS_MAX_BODY_CHARS", 10_000)
THREADS_POSTS_PER_MINUTE = env_int("THREADS_POSTS_PER_MINUTE", 30)
THREADS_REPLAY_LIMIT = env_int("THREADS_REPLAY_LIMIT", 500)
# The live socket (wijkverband/realtime/consumers.py): the largest frame, incoming frames per second
# (with a burst), the outgoing queue before a too-slow client is closed, threads per socket.
# The header's "Mijn werk" count is kept this long per person (0: counted on every page); counted
# again at once when something new is asked of them or after their own writes (docs/my-work.md).
MY_WORK_COUNT_SECONDS = env_int("MY_WORK_COUNT_SECONDS", 30)
REALTIME_MAX_FRAME_BYTES = env_int("REALTIME_MAX_FRAME_BYTES", 64_000)
REALTIME_FRAMES_PER_SECOND = env_int("REALTIME_FRAMES_PER_SECOND", 20)
REALTIME_FRAME_BURST = env_int("REALTIME_FRAME_BURST", 40)
REALTIME_QUEUE_LIMIT = env_int("REALTIME_QUEUE_LIMIT", 1000)
# Threads per worker for sockets' handshakes, and as many for their subscribes (wijkverband/realtime/pools.py).
REALTIME_CONNECT_THREADS = env_int("REALTIME_CONNECT_THREADS", 4)
# Of those, at most this many at once for pages in the background (docs/realtime.md, "Reconnect storm").
REALTIME_BACKGROUND_THREADS = env_int("REALTIME_BACKGROUND_THREADS", 1)
REALTIME_MAX_SUBSCRIPTIONS = env_int("REALTIME_MAX_SUBSCRIPTIONS", 50)
# How long (microseconds) a web worker's thread may hold the interpreter while another waits for it
# (sys.setswitchinterval; config/asgi.py). Python's 5 ms makes a page's thread wait up to 5 ms behind
# the event loop and each socket pool after every query: beside two busy threads the pages took about
# three times as long as with 1 ms. 0: Python's own (docs/scaling.md, "The interpreter's turns").
WORKER_SWITCH_INTERVAL_US = env_int("WORKER_SWITCH_INTERVAL_US", 1000)

# --- Operations: metrics and logs (docs/operations.md) -------------------------------------------
# /metrics answers requests from these networks (the client address as the rate limits see it,
# wijkverband/core/clientip.py) or with "Authorization: Bearer <METRICS_TOKEN>"; anyone else gets 404.
METRICS_ALLOWED_NETWORKS = env_list("METRICS_ALLOWED_NETWORKS", ["127.0.0.1/32", "::1/128"])
METRICS_TOKEN = env_str("METRICS_TOKEN")
if METRICS_TOKEN and len(METRICS_TOKEN) < 32 and not (DEBUG or TESTING):
    raise ImproperlyConfigured("METRICS_TOKEN is too short: use at least 32 random characters.")
# Several processes per replica: prometheus-client keeps values in files here (its own variable).
PROMETHEUS_MULTIPROC_DIR = env_str("PROMETHEUS_MULTIPROC_DIR")
# "json": one JSON object per log line, with the request id (X-Request-ID) of the request or socket.
LOG_FORMAT = env_str("LOG_FORMAT", "text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured("LOG_FORMAT is text or json.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "once_a_minute": {"()": "wijkverband.core.logging.EverySoOften", "seconds": 60},
        "request_id": {"()": "wijkverband.core.logging.RequestIdFilter"},
        "query_strings": {"()": "wijkverband.core.logging.QueryStringFilter"},
    },
    "formatters": {
        "text": {"format": "%(levelname)s [%(request_id)s] %(name)s: %(message)s"},
        "json": {"()": "wijkverband.core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id", "query_strings"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # While Redis is down its pub/sub receiver logs a traceback every second: keep one a minute.
    # uvicorn's access log through ours: in our format (JSON with LOG_FORMAT=json), and without the
    # query string of a search or one with client data in it (docs/privacy.md).
    "loggers": {
        "channels_redis.pubsub": {"filters": ["once_a_minute"]},
        "uvicorn.access": {"handlers": ["console"], "propagate": False},
    },
}
