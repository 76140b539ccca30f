from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "units"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401  (connects the sign-in audit receivers)
