"""Sign-in events go to the audit trail: login, logout, failed login, lockout.

Django's login() already gives the session a new key (cycle_key), so a session id fixed
before sign-in is worthless after it; tests/units/test_auth.py proves it.
"""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.middleware import client_ip
from audit.services import audit_record


def _ip(request):
    return client_ip(request) if request is not None else None


@receiver(user_logged_in, dispatch_uid="audit_login")
def on_login(sender, request, user, **kwargs):
    audit_record(actor=user, action="auth.login", obj=user, ip=_ip(request))


@receiver(user_logged_out, dispatch_uid="audit_logout")
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action="auth.logout", obj=user, ip=_ip(request))


def _attempted(username: str) -> dict:
    """Point the event at the account that was tried, if it exists, without revealing that to anyone."""
    User = get_user_model()
    user = User.objects.filter(username__iexact=username).only("pk", "username").first() if username else None
    return {
        "object_type": User._meta.label_lower,
        "object_id": str(user.pk) if user else "",
        "object_repr": (username or "")[:255],
    }


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username") or ""
    audit_record(
        actor=None,
        action="auth.login_failed",
        changes={"username": username[:150]},
        ip=_ip(request),
        **_attempted(username),
    )


@receiver(user_locked_out, dispatch_uid="audit_lockout")
def on_locked_out(sender, request, username, ip_address, **kwargs):
    audit_record(
        actor=None,
        action="auth.lockout",
        changes={"username": (username or "")[:150]},
        ip=ip_address or _ip(request),
        **_attempted(username or ""),
    )
