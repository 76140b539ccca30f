from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from kpis.signals import progress_changed

        from .dashboard.refresh import refresh_soon
        from .dashboard.rows import sync_on_progress

        progress_changed.connect(sync_on_progress, dispatch_uid="reports.dashboard.sync_on_progress")
        progress_changed.connect(refresh_soon, dispatch_uid="reports.dashboard.refresh_soon")
