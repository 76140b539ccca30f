"""Tests: whatever DATABASE_URL says (SQLite by default, PostgreSQL in CI)."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-secret-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = True
CELERY_TASK_ALWAYS_EAGER = True  # integration tests start a real worker explicitly
# Transactional tests empty every table with TRUNCATE; the audit table's trigger lets only
# connections that ask for it do so (audit/apps.py). Never set outside tests.
AUDIT_ALLOW_TRUNCATE = True
# Tests run as the owner of their own database; never switch to a deployment's owner (ops/dbroles.py).
DATABASE_OWNER = None
