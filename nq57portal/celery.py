"""Celery app configured from Django settings (CELERY_* keys)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nq57portal.settings.local")

app = Celery("nq57portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Celery entry points live in each app's jobs.py (an app named `tasks` makes tasks.py confusing).
app.autodiscover_tasks(related_name="jobs")
