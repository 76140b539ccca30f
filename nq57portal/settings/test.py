"""Tests: whatever DATABASE_URL says (SQLite by default, PostgreSQL in CI)."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-secret-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = True
CELERY_TASK_ALWAYS_EAGER = True  # integration tests start a real worker explicitly
