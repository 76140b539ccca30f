"""Deployment checks (`manage.py check --deploy`): what a production host must have configured."""

from django.conf import settings
from django.core.checks import Error, register

# Backends that deliver nothing: fine on a laptop or in tests, never in production.
NON_DELIVERING_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "nq57portal.mail.OneLineEmailBackend",
}


@register("mail", deploy=True)
def check_mail_is_configured(app_configs=None, **kwargs):
    """Every reminder, flag notice and digest goes out by e-mail; a deployment whose mail settings
    were left unset would queue them and retry for ever."""
    backend = settings.EMAIL_BACKEND
    if backend in NON_DELIVERING_BACKENDS:
        return [
            Error(
                f"EMAIL_BACKEND is {backend}, which delivers no e-mail.",
                hint="Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and EMAIL_HOST.",
                id="ops.E001",
            )
        ]
    if backend == "django.core.mail.backends.smtp.EmailBackend" and not settings.EMAIL_HOST:
        return [
            Error(
                "EMAIL_HOST is not set: e-mail (reminders, red-flag notices, digests) cannot be sent.",
                hint="Set EMAIL_HOST, EMAIL_PORT, EMAIL_USE_TLS (or EMAIL_USE_SSL), EMAIL_HOST_USER and "
                "EMAIL_HOST_PASSWORD (see .env.example).",
                id="ops.E002",
            )
        ]
    if settings.EMAIL_USE_TLS and settings.EMAIL_USE_SSL:
        return [
            Error(
                "EMAIL_USE_TLS and EMAIL_USE_SSL are both set; choose one (587: TLS, 465: SSL).",
                id="ops.E003",
            )
        ]
    return []
