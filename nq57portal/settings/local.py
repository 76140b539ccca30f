"""Laptop default: SQLite, jobs in-process, development key."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env("DEBUG", "1") not in {"0", "false", "False"}
SECRET_KEY = env("SECRET_KEY", "django-insecure-dev-only-key-never-use-in-production")

# Without Redis, `make run` runs the periodic jobs inside the development server.
JOBS_IN_PROCESS_SCHEDULE = not env("REDIS_URL")
if JOBS_IN_PROCESS_SCHEDULE:
    # No broker to queue a rebuild after each change: rebuild the dashboards' summary more often.
    CELERY_BEAT_SCHEDULE["reports.refresh_dashboard"]["schedule"] = 120.0  # noqa: F405
