"""Reads of the audit trail: the secretariat's search, and one object's history for its page."""

import datetime

from django.db.models import Q, QuerySet
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
        from units.naming import search_key
        from units.selectors import users_matching

        # By user name as recorded, or by the person's name without accents ("nguyen van a").
        qs = qs.filter(Q(actor_name__icontains=actor) | Q(actor_id__in=users_matching(search_key(actor))))
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


AUDITED_APPS = ("units", "tasks", "kpis", "evidence", "notifications", "reports", "audit")


def known_object_types() -> list[tuple[str, str]]:
    """(object_type, its Vietnamese name) for every model of the portal's apps, from the model
    registry: the trail is never scanned to build the filter (a million rows on every view)."""
    from django.apps import apps

    types = [
        (model._meta.label_lower, str(model._meta.verbose_name))
        for name in AUDITED_APPS
        for model in apps.get_app_config(name).get_models()
    ]
    return sorted(types, key=lambda pair: pair[1])
