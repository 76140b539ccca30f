"""Reads for the account pages: already filtered by who may see them, no N+1."""

from django.db.models import Prefetch, Q, QuerySet

from .models import GroupMembership, Role, Unit, UnitKind, User, UserRole
from .naming import in_vi_order, search_key
from .permissions import is_secretariat


def users_visible_to(*, user, filters: dict | None = None) -> QuerySet[User]:
    """The account list: the secretariat's, nobody else's."""
    if not is_secretariat(user):
        return User.objects.none()
    filters = filters or {}
    qs = User.objects.select_related("unit").prefetch_related(
        Prefetch("roles", queryset=UserRole.objects.order_by("role"))
    )
    q = search_key(filters.get("q") or "")
    if q:
        qs = qs.filter(Q(pk__in=users_matching(q)) | Q(roles__role__in=_roles_matching(q)))
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


def users_matching(q: str) -> list[int]:
    """Accounts whose user name, name, e-mail or unit name holds `q`, accents and case aside
    ("nguyen van", "so tu phap"). Read in one pass: a province has hundreds of accounts, not millions."""
    rows = User.objects.values_list("pk", "username", "full_name", "email", "unit__name")
    return [
        row[0] for row in rows.iterator(chunk_size=2000) if q in search_key(" ".join(filter(None, row[1:])))
    ]


def _roles_matching(q: str) -> list[str]:
    """Roles whose name holds `q` ("thuong truc" → the secretariat, "can bo" → unit staff)."""
    return [value for value, label in Role.choices if q in search_key(str(label))]


def units_for_users() -> QuerySet[Unit]:
    """Units a person can belong to: real units, not groups."""
    return Unit.objects.exclude(kind=UnitKind.GROUP).filter(is_active=True).order_by("name")


def role_labels(user: User) -> list[str]:
    """Labels of a user's roles from the prefetched rows (no query per row)."""
    return [r.get_role_display() for r in user.roles.all()]


def unit_choices() -> list:
    """Active units as <optgroup> choices: grouped by kind (groups of units first), each group in
    Vietnamese order, values as strings: [(kind label, [(pk, name), …]), …]."""
    by_kind: dict = {}
    for unit in Unit.objects.filter(is_active=True).only("pk", "name", "kind"):
        by_kind.setdefault(unit.kind, []).append(unit)
    order = [UnitKind.GROUP, *(k for k in UnitKind.values if k != UnitKind.GROUP)]
    return [
        (
            str(UnitKind(kind).label),
            [(str(u.pk), u.name) for u in in_vi_order(by_kind[kind])],
        )
        for kind in order
        if kind in by_kind
    ]


def units_listed(*, user, filters: dict | None = None) -> list[Unit]:
    """The unit list for the secretariat, in Vietnamese order: searched without accents in names,
    short names and other names; each with its open assignments, accounts and members counted
    (four queries whatever the number of units)."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from tasks.models import Assignment

    from .naming import search_key

    if not is_secretariat(user):
        return []
    filters = filters or {}

    def count(qs, field):
        return Coalesce(
            Subquery(
                qs.filter(**{field: OuterRef("pk")})
                .order_by()
                .values(field)
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            0,
        )

    qs = Unit.objects.annotate(
        open_assignments=count(Assignment.objects.all(), "unit"),
        accounts=count(User.objects.filter(is_active=True), "unit"),
        member_count=count(GroupMembership.objects.all(), "group"),
    ).prefetch_related("aliases")
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("active") in ("0", "1"):
        qs = qs.filter(is_active=filters["active"] == "1")
    units = list(qs)
    wanted = search_key(filters.get("q") or "")
    if wanted:
        units = [
            u
            for u in units
            if wanted in search_key(" ".join([u.name, u.short_name, *(a.name for a in u.aliases.all())]))
        ]
    return in_vi_order(units)
