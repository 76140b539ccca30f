from django.db import models
from django.utils import timezone

from .context import current_ip
from .models import AuditEvent


def _jsonable(value):
    if isinstance(value, models.Model):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def audit_record(
    *,
    actor,
    action: str,
    obj=None,
    changes: dict | None = None,
    now=None,
    ip: str | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEvent:
    """Record who did what to which object. Call inside the transaction of the change."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:255]
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        at=now or timezone.now(),
        actor=actor if authenticated else None,
        actor_name=(actor.get_username() if authenticated else "")[:150],
        unit_id=getattr(actor, "unit_id", None) if authenticated else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:255],
        changes=_jsonable(changes or {}),
        ip=ip or current_ip.get(),
    )


def diff(before: dict, after: dict) -> dict:
    """{field: [before, after]} for the fields that changed. A field missing on one side (an object
    created or removed, a KPI value added or cleared) is None there; an empty text counts as missing."""

    def value(snapshot, key):
        found = snapshot.get(key)
        return None if found == "" else found

    return {
        key: [_jsonable(value(before, key)), _jsonable(value(after, key))]
        for key in sorted(set(before) | set(after))
        if value(before, key) != value(after, key)
    }
