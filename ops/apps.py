import os
import sys

from django.apps import AppConfig
from django.conf import settings


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = "Vận hành"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy checks)

        # Laptop default (no Redis): run the beat schedule inside the development server, once,
        # in the autoreloader's child process, so a newcomer sees flags appear by themselves.
        if not getattr(settings, "JOBS_IN_PROCESS_SCHEDULE", False) or "runserver" not in sys.argv:
            return
        if os.environ.get("RUN_MAIN") != "true" and "--noreload" not in sys.argv:
            return
        from nq57portal.celery import app
        from nq57portal.queue import InProcessScheduler

        InProcessScheduler(app).start()
