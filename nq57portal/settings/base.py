"""Settings shared by every environment. Values that differ per deployment come from the environment."""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "guardian",
    "axes",
    "audit",
    "units",
    "tasks",
    "kpis",
    "evidence",
    "reports",
    "ops",
    "notifications",
    "budget",
    "targets",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    # With read replicas: one read scope per request, and the primary for a while after a write.
    "nq57portal.replicas.ReplicaPinMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "nq57portal.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's SessionMiddleware, saving an unmodified session at most every SESSION_REFRESH_SECONDS.
    "nq57portal.middleware.SlidingSessionMiddleware",
    "nq57portal.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "audit.middleware.RequestContextMiddleware",
    # AxesMiddleware last: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

ROOT_URLCONF = "nq57portal.urls"
WSGI_APPLICATION = "nq57portal.wsgi.application"

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
                "units.context_processors.roles",
            ],
        },
    },
    # Jinja2 for the few templates whose render time matters (the dashboard board), in a folder of
    # their own so neither engine finds the other's files. Rendered by name with using="jinja2".
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "nq57portal.jinja2.environment", "autoescape": True},
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
        # A connection kept between requests is checked before a request uses it: after a database
        # restart (or a failover) each web worker reconnects instead of answering one 500.
        conn_health_checks=True,
    )
}
# PostgreSQL deployments run the portal as a role that owns nothing (DATABASE_URL) and migrate and
# restore as the owner of the tables (DATABASE_OWNER_URL), which then grants the portal's role what it
# may do: read and write the tables, only read and append to the audit trail (ops/dbroles.py).
DATABASE_OWNER = dj_database_url.parse(env("DATABASE_OWNER_URL")) if env("DATABASE_OWNER_URL") else None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Read replicas (issue 25): DATABASE_REPLICA_URL, one or more PostgreSQL streaming replicas of the
# primary (comma-separated), become the databases replica_0, replica_1, … The dashboards, exports, the
# API and official reports read from one of them (nq57portal/replicas.py); everything else, and every
# write, uses DATABASE_URL. A request that wrote reads the primary for REPLICA_PIN_SECONDS after; a
# replica lagging more than REPLICA_MAX_LAG_SECONDS, or down, is skipped (checked at most every
# REPLICA_CHECK_SECONDS per process) and the primary answers instead. Unset: one database, as before.
DATABASE_REPLICAS = []
for _index, _url in enumerate(env_list("DATABASE_REPLICA_URL")):
    _replica = dj_database_url.parse(
        _url, conn_max_age=int(env("DB_CONN_MAX_AGE", "60")), conn_health_checks=True
    )
    # A replica that does not answer must cost a page seconds at most, once per REPLICA_CHECK_SECONDS.
    _replica.setdefault("OPTIONS", {}).setdefault("connect_timeout", int(env("REPLICA_CONNECT_TIMEOUT", "2")))
    _replica["TEST"] = {"MIRROR": "default"}  # a test run never creates a database on a replica
    DATABASES[f"replica_{_index}"] = _replica
    DATABASE_REPLICAS.append(f"replica_{_index}")
DATABASE_ROUTERS = ["nq57portal.replicas.ReplicaRouter"] if DATABASE_REPLICAS else []
REPLICA_MAX_LAG_SECONDS = float(env("REPLICA_MAX_LAG_SECONDS", "5"))
REPLICA_CHECK_SECONDS = float(env("REPLICA_CHECK_SECONDS", "5"))
REPLICA_PIN_SECONDS = int(env("REPLICA_PIN_SECONDS", "10"))

AUTH_USER_MODEL = "units.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions expire after SESSION_COOKIE_AGE of inactivity. Instead of saving on every request, an
# unmodified session's expiry is extended at most every SESSION_REFRESH_SECONDS
# (nq57portal.middleware.SlidingSessionMiddleware); 0 extends it on every request.
SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", str(60 * 60 * 2)))
SESSION_REFRESH_SECONDS = int(env("SESSION_REFRESH_SECONDS", "300"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the body's hx-headers, not the cookie

# Failed logins: django-axes, cool-off ends by itself.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env("AXES_COOLOFF_HOURS", "0.25"))  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client's address, for the audit trail and for lockouts: X-Real-IP / X-Forwarded-For are believed
# only from these proxies (addresses or networks, e.g. 127.0.0.1,::1 or 172.16.0.0/12); a request from
# anywhere else is recorded with the address it came from (audit/middleware.py).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "127.0.0.1,::1")
for _proxy in TRUSTED_PROXIES:
    ipaddress.ip_network(_proxy, strict=False)  # a mistyped entry stops the start, never a request
AXES_CLIENT_IP_CALLABLE = "audit.middleware.client_ip"

GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The reader's language choice (set_language): sent only to this site's pages (Lax), never to
# scripts; Secure in production (settings.production).
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["nq57portal.formats"]
# Off: with it on, every {{ pk }} in an id or URL would render as "1.218". Figures shown to people
# use |intcomma (locale-aware: 1.234 in Vietnamese).
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Evidence and generated reports: outside STATIC_ROOT and never under a served URL;
# files are only ever served by views that check permissions.
PRIVATE_ROOT = Path(env("PRIVATE_ROOT", str(BASE_DIR / "var" / "private")))
STORAGES["private"]["OPTIONS"] = {"location": str(PRIVATE_ROOT), "base_url": None}
# Nothing uses the default (public) media storage; evidence and reports use "private".
MEDIA_ROOT = BASE_DIR / "var" / "public-media-unused"
MEDIA_URL = "/media/"

# Appendix import limits.
IMPORT_MAX_ROWS = int(env("IMPORT_MAX_ROWS", "5000"))
IMPORT_MAX_FILE_BYTES = int(env("IMPORT_MAX_FILE_BYTES", str(10 * 1024 * 1024)))
# What openpyxl is allowed to load: the workbook's parts once unzipped, and one cell's text
# (Excel itself holds at most 32,767 characters in a cell). Checked while streaming the XML,
# before openpyxl reads anything, so a small file with one huge cell costs no memory.
IMPORT_MAX_UNZIPPED_BYTES = int(env("IMPORT_MAX_UNZIPPED_BYTES", str(50 * 1024 * 1024)))
IMPORT_MAX_CELL_CHARS = int(env("IMPORT_MAX_CELL_CHARS", "32767"))
# An uploaded workbook waits this long between preview and apply, then the schedule removes it.
IMPORT_UPLOAD_KEEP_HOURS = float(env("IMPORT_UPLOAD_KEEP_HOURS", "24"))

# Red flags (DESIGN.md): thresholds are settings.
FLAG_LAGGING_RATIO = float(env("FLAG_LAGGING_RATIO", "0.5"))
FLAG_LAGGING_MIN_EXPECTED = float(env("FLAG_LAGGING_MIN_EXPECTED", "20"))
# An overdue or lagging flag its unit head has not acknowledged (with a remediation plan) within
# this many working days goes to the committee's leaders and the secretariat.
FLAG_ESCALATION_WORKING_DAYS = int(env("FLAG_ESCALATION_WORKING_DAYS", "5"))
# A lead unit's completion claim: its co-ordinating units may confirm or object for this many days
# after it reaches the committee (the reviewer need not wait for them).
COORDINATION_ANSWER_DAYS = int(env("COORDINATION_ANSWER_DAYS", "5"))
# Reports waiting for their unit head's sign-off this many days are reminded to the head (daily).
SIGNOFF_REMIND_AFTER_DAYS = int(env("SIGNOFF_REMIND_AFTER_DAYS", "1"))
# Days that are not working days besides weekends: "MM-DD" every year (the fixed public holidays
# of the Labour Code, art. 112) and "YYYY-MM-DD" for the lunar ones (Tết, Hùng Kings), which move
# each year and are announced by the Government: add them to PUBLIC_HOLIDAYS_EXTRA (comma-separated).
PUBLIC_HOLIDAYS = ("01-01", "04-30", "05-01", "09-01", "09-02") + tuple(
    d.strip() for d in env("PUBLIC_HOLIDAYS_EXTRA", "").split(",") if d.strip()
)
REPORT_DUE_DAY = int(env("REPORT_DUE_DAY", "20"))

# Jobs: with REDIS_URL, Celery with Redis as broker; without, the same jobs run in-process.
REDIS_URL = env("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
if CELERY_BROKER_URL.startswith("redis://"):
    # Redis as kombu ships it, except that a worker holding a message survives Redis going away
    # (nq57portal/broker.py).
    CELERY_BROKER_TRANSPORT = "nq57portal.broker:Transport"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_DEFAULT_QUEUE", "celery")
# Queues by kind of job (nq57portal/queue.py): long jobs (report rendering, the sweep, the dashboards'
# rebuild, the daily reminders and digests) on CELERY_LONG_QUEUE, short ones (the outbox, webhooks,
# resuming reports, periods, upload clean-up, the heartbeat) on CELERY_SHORT_QUEUE. A worker started without -Q
# consumes the three queues; compose runs one worker per kind (`-Q long`, `-Q short,celery`).
CELERY_LONG_QUEUE = env("CELERY_LONG_QUEUE", "long")
CELERY_SHORT_QUEUE = env("CELERY_SHORT_QUEUE", "short")
CELERY_TASK_QUEUES = [
    Queue(name, routing_key=name)
    for name in dict.fromkeys([CELERY_TASK_DEFAULT_QUEUE, CELERY_LONG_QUEUE, CELERY_SHORT_QUEUE])
]
CELERY_TASK_ROUTES = ("nq57portal.queue.route_job",)
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 600
CELERY_TASK_SOFT_TIME_LIMIT = 540
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {}
if env("HEARTBEAT_SECONDS"):  # operational check of worker + beat (and the integration test)
    CELERY_BEAT_SCHEDULE["heartbeat"] = {
        "task": "ops.heartbeat",
        "schedule": float(env("HEARTBEAT_SECONDS")),
        "args": ("beat",),
    }

EMAIL_BACKEND = env("EMAIL_BACKEND", "nq57portal.mail.OneLineEmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "NQ57 <no-reply@nq57.local>")
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# The mail server (SMTP). EMAIL_HOST left empty means "not configured": production's deploy check
# (ops/checks.py) refuses that, instead of Django's silent default of localhost:25 without TLS.
EMAIL_HOST = env("EMAIL_HOST", "")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
# A mail server that stops answering must not hold the outbox job until its time limit.
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "30"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step at INFO; fontTools every subset.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Progress reporting (kpis): periods of every plan in force are created by this job (idempotent).
CELERY_BEAT_SCHEDULE["kpis.ensure_periods"] = {"task": "kpis.ensure_periods", "schedule": 60 * 60 * 6}
CELERY_BEAT_SCHEDULE["tasks.purge_import_uploads"] = {
    "task": "tasks.purge_import_uploads",
    "schedule": 60.0 * 60,
}

# Evidence uploads (issue 5): what is accepted and the limits each file is checked against
# (evidence/validation). Types are keys of evidence.validation.kinds.KINDS.
EVIDENCE_ALLOWED_TYPES = env_list("EVIDENCE_ALLOWED_TYPES", "pdf,jpeg,png,docx,xlsx,pptx,doc,xls,odt,ods")
EVIDENCE_MAX_FILE_BYTES = int(env("EVIDENCE_MAX_FILE_BYTES", str(25 * 1024 * 1024)))
EVIDENCE_MAX_REPORT_BYTES = int(env("EVIDENCE_MAX_REPORT_BYTES", str(100 * 1024 * 1024)))
# Office/OpenDocument files are zips: limits on what they expand to (symlink entries are always refused).
EVIDENCE_ZIP_MAX_UNCOMPRESSED_BYTES = int(env("EVIDENCE_ZIP_MAX_UNCOMPRESSED_BYTES", str(200 * 1024 * 1024)))
EVIDENCE_ZIP_MAX_RATIO = float(env("EVIDENCE_ZIP_MAX_RATIO", "200"))
EVIDENCE_ZIP_MAX_ENTRIES = int(env("EVIDENCE_ZIP_MAX_ENTRIES", "5000"))
EVIDENCE_IMAGE_MAX_PIXELS = int(env("EVIDENCE_IMAGE_MAX_PIXELS", str(50_000_000)))
# Virus scanning with clamd: a unix socket, or host and port. Neither set → files are not scanned;
# set but not answering → uploads are refused. clamd's StreamMaxLength must be ≥ EVIDENCE_MAX_FILE_BYTES.
EVIDENCE_CLAMD_SOCKET = env("EVIDENCE_CLAMD_SOCKET", "")
EVIDENCE_CLAMD_HOST = env("EVIDENCE_CLAMD_HOST", "")
EVIDENCE_CLAMD_PORT = int(env("EVIDENCE_CLAMD_PORT", "3310"))
EVIDENCE_CLAMD_TIMEOUT = float(env("EVIDENCE_CLAMD_TIMEOUT", "30"))
# Digital signatures in evidence PDFs are checked against the certificates (PEM or DER: .pem, .crt,
# .cer, .der) in this folder: the national root and the government CAs the province installs. None
# ship with the portal; unset or empty → pages say "chưa cấu hình" for the issuer's trust.
EVIDENCE_TRUST_ROOTS_DIR = env("EVIDENCE_TRUST_ROOTS_DIR", "")
EVIDENCE_SIGNATURE_TIMEOUT = float(env("EVIDENCE_SIGNATURE_TIMEOUT", "60"))
EVIDENCE_SIGNATURE_MAX_MEMORY = int(env("EVIDENCE_SIGNATURE_MAX_MEMORY", str(1024 * 1024 * 1024)))

# Red flags, reminders and notifications (issue 6). The sweep runs every FLAG_SWEEP_MINUTES; the
# outbox sender every minute; reminders and digests once a day (Vietnam time).
from celery.schedules import crontab  # noqa: E402

FLAG_SWEEP_MINUTES = int(env("FLAG_SWEEP_MINUTES", "15"))
# Only the integration test that kills a worker mid-sweep sets this (seconds between statements).
FLAG_SWEEP_TEST_DELAY_SECONDS = float(env("FLAG_SWEEP_TEST_DELAY_SECONDS", "0"))
PORTAL_BASE_URL = env("PORTAL_BASE_URL", "http://127.0.0.1:8000")
NOTIFICATION_EMAIL_BATCH = int(env("NOTIFICATION_EMAIL_BATCH", "200"))
NOTIFICATION_DIGEST_HOUR = int(env("NOTIFICATION_DIGEST_HOUR", "7"))
# An unacknowledged message (worker killed) is handed to another worker after this many seconds.
# It must outlast the longest a message is held unacknowledged: a job's hard time limit (900 s) plus
# the longest countdown a job is sent with (the sweep's retries, up to 300 s). Reports do not wait
# for it: their lease and reports.resume_reports re-send them within minutes.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(env("CELERY_VISIBILITY_TIMEOUT", "1200"))}
if env("CELERY_UNACKED_RESTORE_SECONDS"):  # how often a worker looks for such messages (kombu: ~100 s)
    CELERY_BROKER_TRANSPORT_OPTIONS.update(
        unacked_restore_interval=int(env("CELERY_UNACKED_RESTORE_SECONDS")), unacked_restore_throttle=1
    )
CELERY_BEAT_SCHEDULE["kpis.sweep_flags"] = {"task": "kpis.sweep_flags", "schedule": 60.0 * FLAG_SWEEP_MINUTES}
CELERY_BEAT_SCHEDULE["notifications.send_outbox"] = {"task": "notifications.send_outbox", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["notifications.send_reminders"] = {
    "task": "notifications.send_reminders",
    "schedule": crontab(hour=6, minute=30),
}
CELERY_BEAT_SCHEDULE["notifications.send_digests"] = {
    "task": "notifications.send_digests",
    "schedule": crontab(hour=NOTIFICATION_DIGEST_HOUR, minute=0),
}

# Accounts (issue 3): the length check with a Vietnamese message (Django's catalogue lacks it).
AUTH_PASSWORD_VALIDATORS = [
    {**v, "NAME": "units.passwords.MinimumLengthValidator"}
    if v["NAME"].endswith(".MinimumLengthValidator")
    else v
    for v in AUTH_PASSWORD_VALIDATORS
]

# Dashboards (issue 7): the summary rows they read are rebuilt this often (and so follow each
# red-flag sweep and every progress change within that time); a page says when they were built.
DASHBOARD_REFRESH_MINUTES = int(env("DASHBOARD_REFRESH_MINUTES", "10"))
# After a report, a review decision or a sweep, one rebuild is queued this many seconds later;
# the changes within that window share it (reports/dashboard/refresh.py).
DASHBOARD_REFRESH_DELAY_SECONDS = int(env("DASHBOARD_REFRESH_DELAY_SECONDS", "30"))
# Official reports (issue 16): a generation job holds a lease this long, renewed while it renders;
# reports whose job was lost (lease lapsed, or still queued REPORT_RESEND_SECONDS after being sent)
# are sent again every REPORT_RESUME_SECONDS.
REPORT_LEASE_SECONDS = int(env("REPORT_LEASE_SECONDS", "120"))
REPORT_RESEND_SECONDS = int(env("REPORT_RESEND_SECONDS", "120"))
# Only the integration test that kills a worker in the middle of a render sets this.
REPORT_RENDER_TEST_DELAY_SECONDS = float(env("REPORT_RENDER_TEST_DELAY_SECONDS", "0"))
CELERY_BEAT_SCHEDULE["reports.resume_reports"] = {
    "task": "reports.resume_reports",
    "schedule": float(env("REPORT_RESUME_SECONDS", "60")),
}
CELERY_BEAT_SCHEDULE["reports.refresh_dashboard"] = {
    "task": "reports.refresh_dashboard",
    "schedule": 60.0 * DASHBOARD_REFRESH_MINUTES,
}

# Dashboards (issue 7): a rendered board is kept in the cache until the next summary build. Without
# CACHE_URL each web process keeps its own (local memory); with several processes or nodes, point
# CACHE_URL at Redis (e.g. redis://redis:6379/1, a database apart from the Celery broker's).
CACHE_URL = env("CACHE_URL", "")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "nq57",
        }
    }

# Open data API (issue 24): Django REST Framework, described by drf-spectacular (OpenAPI 3 at
# /api/schema/, its documentation at /api/docs/ with Swagger UI served from the portal itself by
# drf-spectacular-sidecar: the CSP allows no other origin, and a province network may have none).
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "api.schema.ClientApiSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.auth.ClientTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.auth.IsClient"],
    "UNAUTHENTICATED_USER": None,
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
    "UNICODE_JSON": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "NQ57 — API dữ liệu mở",
    "DESCRIPTION": (
        "Dữ liệu của cổng NQ57 cho các hệ thống khác (IOC của tỉnh, hệ thống theo dõi quốc gia): "
        "kế hoạch, phân công, báo cáo tiến độ, cảnh báo đỏ, số liệu theo đơn vị như bảng điều hành. "
        "Xác thực: `Authorization: Bearer <mã truy cập>` do Thường trực cấp."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.ids_are_positive",
    ],
    "ENUM_NAME_OVERRIDES": {
        "AssignmentStatusEnum": "kpis.models.Status",
        "PlanStatusEnum": "tasks.models.PlanStatus",
        "FlagStateEnum": ["open", "resolved"],
    },
}
# Webhooks (issue 24): the outbox (api.WebhookDelivery) is sent every minute and right after an
# event commits; a failed delivery waits 1, 2, 4 … minutes (at most 6 hours) and is given up after
# WEBHOOK_MAX_ATTEMPTS (about two days). A receiver must answer within WEBHOOK_TIMEOUT_SECONDS.
WEBHOOK_TIMEOUT_SECONDS = float(env("WEBHOOK_TIMEOUT_SECONDS", "10"))
WEBHOOK_MAX_ATTEMPTS = int(env("WEBHOOK_MAX_ATTEMPTS", "16"))
WEBHOOK_BATCH = int(env("WEBHOOK_BATCH", "100"))
CELERY_BEAT_SCHEDULE["api.send_webhooks"] = {"task": "api.send_webhooks", "schedule": 60.0}
# The delivery log keeps what ended (delivered or given up) this many days, then the daily job removes
# it; deliveries still being tried are never removed.
WEBHOOK_KEEP_DAYS = int(env("WEBHOOK_KEEP_DAYS", "90"))
CELERY_BEAT_SCHEDULE["api.prune_webhooks"] = {"task": "api.prune_webhooks", "schedule": 60.0 * 60 * 24}
