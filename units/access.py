"""Per-object rights (django-guardian), granted to one auth group per unit — never to each user.

The services that create or end assignments call `on_assignments_changed`; the user services
call `sync_unit_group` when a user joins, changes unit or is deactivated. The access helpers in
permissions.py are the single place views ask (they need no query for the common case); these
grants let guardian-aware code (the admin, `get_objects_for_user`) see the same answer, and a
test keeps the two in agreement.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from guardian.models import GroupObjectPermission

from tasks.models import Assignment, AssignmentRole

GROUP_PREFIX = "unit:"

# A unit may read all of its assignments; only on the ones it leads may it report (change).
VIEW = "view_assignment"
CHANGE = "change_assignment"


def unit_group_name(unit_id: int) -> str:
    return f"{GROUP_PREFIX}{unit_id}"


def unit_group(unit_id: int) -> Group:
    group, _ = Group.objects.get_or_create(name=unit_group_name(unit_id))
    return group


def sync_unit_group(user) -> None:
    """The user is in exactly the group of their unit while active, and in no unit group otherwise."""
    wanted = unit_group_name(user.unit_id) if user.unit_id and user.is_active else None
    stale = user.groups.filter(name__startswith=GROUP_PREFIX)
    if wanted:
        stale = stale.exclude(name=wanted)
    user.groups.remove(*stale)
    if wanted:
        user.groups.add(unit_group(user.unit_id))


def _perms() -> tuple[ContentType, dict[str, Permission]]:
    ct = ContentType.objects.get_for_model(Assignment)
    perms = {p.codename: p for p in Permission.objects.filter(content_type=ct, codename__in=[VIEW, CHANGE])}
    return ct, perms


def _pk(item) -> str | None:
    if isinstance(item, (int, str)):
        return str(item)
    return None if item.pk is None else str(item.pk)


def on_assignments_changed(*, created: Iterable = (), removed: Iterable = ()) -> None:
    """Grant the unit groups rights on new assignments and revoke them on removed ones.

    `created`: Assignment instances. `removed`: Assignment instances (taken before deletion, as
    Django clears the pk of a deleted instance) or their ids. Idempotent, and bulk so that a
    group fan-out of thousands of assignments costs a handful of queries.
    """
    created = [a for a in created if a.pk is not None]
    removed_pks = {pk for pk in (_pk(item) for item in removed) if pk}
    if not created and not removed_pks:
        return
    ct, perms = _perms()
    if removed_pks:
        GroupObjectPermission.objects.filter(content_type=ct, object_pk__in=removed_pks).delete()
    if not created:
        return
    by_unit = defaultdict(list)
    for assignment in created:
        by_unit[assignment.unit_id].append(assignment)
    groups = {g.name: g for g in Group.objects.filter(name__in=[unit_group_name(u) for u in by_unit])}
    rows = []
    for unit_id, assignments in by_unit.items():
        name = unit_group_name(unit_id)
        group = groups.get(name) or unit_group(unit_id)
        for assignment in assignments:
            rows.append(
                GroupObjectPermission(
                    group=group, permission=perms[VIEW], content_type=ct, object_pk=str(assignment.pk)
                )
            )
            if assignment.role == AssignmentRole.LEAD:
                rows.append(
                    GroupObjectPermission(
                        group=group, permission=perms[CHANGE], content_type=ct, object_pk=str(assignment.pk)
                    )
                )
    GroupObjectPermission.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)


def regrant_all() -> int:
    """Rebuild every unit group's grants from the assignments (repair after a bulk load)."""
    ct, _ = _perms()
    GroupObjectPermission.objects.filter(content_type=ct, group__name__startswith=GROUP_PREFIX).delete()
    count = 0
    for chunk_start in range(0, Assignment.objects.count(), 5000):
        chunk = list(Assignment.objects.order_by("pk")[chunk_start : chunk_start + 5000])
        on_assignments_changed(created=chunk)
        count += len(chunk)
    return count
