"""Reads of the audit trail: the secretariat's search, and one object's history for its page."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from units.models import Unit

from .models import AuditEvent


def _is_secretariat(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_secretariat)


def _local_day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def events_visible_to(*, user, filters: dict | None = None) -> QuerySet[AuditEvent]:
    """The whole trail for the secretariat, filtered; nothing for anyone else.

    `filters`: actor (username or name, contains), unit (Unit or id: the acting user's unit at
    the time), object_type, object_id, action, date_from / date_to (dates, inclusive, local days).
    """
    if not _is_secretariat(user):
        return AuditEvent.objects.none()
    filters = filters or {}
    qs = AuditEvent.objects.all()
    actor = (filters.get("actor") or "").strip()
    if actor:
        qs = qs.filter(actor_name__icontains=actor)
    unit = filters.get("unit")
    if unit:
        qs = qs.filter(unit_id=getattr(unit, "pk", unit))
    if filters.get("object_type"):
        qs = qs.filter(object_type=filters["object_type"])
    if (filters.get("object_id") or "").strip():
        qs = qs.filter(object_id=filters["object_id"].strip())
    if filters.get("action"):
        qs = qs.filter(action=filters["action"])
    if filters.get("date_from"):
        qs = qs.filter(at__gte=_local_day_start(filters["date_from"]))
    if filters.get("date_to"):
        qs = qs.filter(at__lt=_local_day_start(filters["date_to"] + datetime.timedelta(days=1)))
    return qs.order_by("-at", "-id")


def history_for(obj, *, limit: int = 50) -> list[AuditEvent]:
    """The latest events about one object, newest first (the caller has checked access to obj)."""
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by(
            "-at", "-id"
        )[:limit]
    )


def unit_names(events) -> dict[int, str]:
    """Unit names for a page of events in one query (events keep a bare unit id)."""
    ids = {e.unit_id for e in events if e.unit_id}
    return dict(Unit.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}


def known_actions() -> list[str]:
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())


def known_object_types() -> list[str]:
    return list(
        AuditEvent.objects.exclude(object_type="")
        .order_by("object_type")
        .values_list("object_type", flat=True)
        .distinct()
    )
