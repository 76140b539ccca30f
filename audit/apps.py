from django.apps import AppConfig


def _allow_truncate(sender, connection, **kwargs):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET nq57.audit_truncate = 'allow'")


class AuditConfig(AppConfig):
    name = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.conf import settings
        from django.db.backends.signals import connection_created

        # Only the test settings empty tables between tests (TRUNCATE); a deployment never does.
        if getattr(settings, "AUDIT_ALLOW_TRUNCATE", False):
            connection_created.connect(_allow_truncate, dispatch_uid="audit_allow_truncate")
