"""Reads for the account pages: already filtered by who may see them, no N+1."""

from django.db.models import Prefetch, Q, QuerySet

from .models import Unit, UnitKind, User, UserRole
from .permissions import is_secretariat


def users_visible_to(*, user, filters: dict | None = None) -> QuerySet[User]:
    """The account list: the secretariat's, nobody else's."""
    if not is_secretariat(user):
        return User.objects.none()
    filters = filters or {}
    qs = User.objects.select_related("unit").prefetch_related(
        Prefetch("roles", queryset=UserRole.objects.order_by("role"))
    )
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q) | Q(email__icontains=q))
    if filters.get("unit"):
        qs = qs.filter(unit=filters["unit"])
    if filters.get("role"):
        qs = qs.filter(roles__role=filters["role"])
    active = filters.get("active")
    if active == "1":
        qs = qs.filter(is_active=True)
    elif active == "0":
        qs = qs.filter(is_active=False)
    return qs.distinct().order_by("unit__name", "username")


def units_for_users() -> QuerySet[Unit]:
    """Units a person can belong to: real units, not groups."""
    return Unit.objects.exclude(kind=UnitKind.GROUP).filter(is_active=True).order_by("name")


def role_labels(user: User) -> list[str]:
    """Labels of a user's roles from the prefetched rows (no query per row)."""
    return [r.get_role_display() for r in user.roles.all()]
