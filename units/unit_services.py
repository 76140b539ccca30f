"""The unit registry kept by the secretariat: units, their other names, groups and their members.

Every change is audited and guarded against breaking live work: a unit with open assignments or
active accounts is not deactivated, a unit is not turned into a group (or back) while assignments
or accounts hang on it, and a merger is refused while both units are on the same sub-task.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record

from .access import on_assignments_changed, sync_unit_group, unit_group_name
from .models import GroupMembership, Unit, UnitAlias, UnitKind, User
from .naming import clean_text, name_key


def _taken(name: str, *, unit: Unit | None = None) -> str:
    """Why `name` cannot be this unit's (another unit or alias has it), or ""."""
    key = name_key(name)
    other = Unit.objects.filter(key=key)
    alias = UnitAlias.objects.filter(key=key)
    if unit is not None:
        other = other.exclude(pk=unit.pk)
        alias = alias.exclude(unit=unit)
    if found := other.first():
        return _("Đã có đơn vị “%(name)s”.") % {"name": found.name}
    if found := alias.select_related("unit").first():
        return _("“%(name)s” đã là tên gọi khác của đơn vị “%(unit)s”.") % {
            "name": found.name,
            "unit": found.unit.name,
        }
    return ""


def _clean_name(name: str, field: str = "name") -> str:
    name = clean_text(name or "")
    if not name_key(name):
        raise ValidationError({field: _("Nhập tên đơn vị.")})
    return name[:255]


def _live_work(unit: Unit) -> tuple[int, int]:
    """(open assignments, active accounts) that depend on the unit."""
    from tasks.models import Assignment

    return (
        Assignment.objects.filter(unit=unit).count() + Assignment.objects.filter(via_group=unit).count(),
        User.objects.filter(unit=unit, is_active=True).count(),
    )


@transaction.atomic
def unit_create(
    *, name: str, kind: str, actor, short_name: str = "", head_signoff_required: bool = False, now=None
) -> Unit:
    name = _clean_name(name)
    if why := _taken(name):
        raise ValidationError({"name": why})
    unit = Unit(
        name=name,
        short_name=clean_text(short_name)[:100],
        kind=kind,
        head_signoff_required=bool(head_signoff_required),
    )
    unit.full_clean(exclude=["key"])
    unit.save()
    audit_record(
        actor=actor,
        action="unit.create",
        obj=unit,
        changes={"name": unit.name, "kind": unit.get_kind_display()},
        now=now,
    )
    return unit


@transaction.atomic
def unit_update(
    *,
    unit: Unit,
    name: str,
    kind: str,
    actor,
    short_name: str = "",
    head_signoff_required: bool | None = None,
    now=None,
) -> dict:
    """Rename or re-describe a unit. A new name keeps the old one as another name of the unit, so
    appendices written before the rename still match. Returns what changed."""
    name = _clean_name(name)
    if why := _taken(name, unit=unit):
        raise ValidationError({"name": why})
    if kind != unit.kind and UnitKind.GROUP in (kind, unit.kind):
        assignments, accounts = _live_work(unit)
        if assignments or accounts:
            raise ValidationError(
                {
                    "kind": _(
                        "Không thể đổi giữa “nhóm” và đơn vị thường khi đơn vị còn %(a)s phân công và "
                        "%(u)s tài khoản đang dùng."
                    )
                    % {"a": assignments, "u": accounts}
                }
            )
    before = {
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.get_kind_display(),
        "head_signoff_required": unit.head_signoff_required,
    }
    old_name, renamed = unit.name, name_key(name) != unit.key
    unit.name, unit.short_name, unit.kind = name, clean_text(short_name)[:100], kind
    if head_signoff_required is not None:  # None: as it is
        unit.head_signoff_required = bool(head_signoff_required)
    unit.full_clean(exclude=["key"])
    unit.save()
    after = {
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.get_kind_display(),
        "head_signoff_required": unit.head_signoff_required,
    }
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if renamed:
        UnitAlias.objects.filter(unit=unit, key=name_key(name)).delete()  # the new name was an alias
        UnitAlias.objects.get_or_create(unit=unit, key=name_key(old_name), defaults={"name": old_name})
        changes["alias"] = old_name
    if changes:
        audit_record(actor=actor, action="unit.update", obj=unit, changes=changes, now=now)
    return changes


@transaction.atomic
def units_signoff_set_for_kind(*, kind: str, required: bool, actor, now=None) -> int:
    """Whether the reports of every active unit of `kind` go through its head first. Each unit
    changed is audited; returns how many changed."""
    if kind not in UnitKind.values or kind == UnitKind.GROUP:
        raise ValidationError({"kind": _("Chọn loại đơn vị.")})
    units = list(
        Unit.objects.select_for_update()
        .filter(kind=kind, is_active=True)
        .exclude(head_signoff_required=required)
        .order_by("pk")
    )
    Unit.objects.filter(pk__in=[u.pk for u in units]).update(head_signoff_required=required)
    for unit in units:
        audit_record(
            actor=actor,
            action="unit.update",
            obj=unit,
            changes={"head_signoff_required": [not required, required], "by_kind": kind},
            now=now,
        )
    return len(units)


@transaction.atomic
def unit_alias_add(*, unit: Unit, name: str, actor, now=None) -> UnitAlias:
    name = _clean_name(name, "alias")
    if why := _taken(name):
        raise ValidationError({"alias": why})
    alias = UnitAlias.objects.create(unit=unit, name=name)
    audit_record(actor=actor, action="unit.alias_add", obj=unit, changes={"alias": alias.name}, now=now)
    return alias


@transaction.atomic
def unit_alias_remove(*, alias: UnitAlias, actor, now=None) -> None:
    audit_record(
        actor=actor, action="unit.alias_remove", obj=alias.unit, changes={"alias": alias.name}, now=now
    )
    alias.delete()


@transaction.atomic
def unit_set_active(*, unit: Unit, active: bool, actor, now=None) -> None:
    """Deactivate (no longer matched by imports nor offered for accounts) or reactivate a unit.
    Refused while the unit still has open assignments or active accounts: close or move them first."""
    if unit.is_active == active:
        return
    if not active:
        assignments, accounts = _live_work(unit)
        if assignments or accounts:
            raise ValidationError(
                _(
                    "Chưa thể ngừng hoạt động: đơn vị còn %(a)s phân công đang thực hiện và %(u)s tài khoản "
                    "đang dùng. Hãy hợp nhất vào đơn vị kế thừa, hoặc chuyển các phân công và tài khoản trước."
                )
                % {"a": assignments, "u": accounts}
            )
    unit.is_active = active
    unit.save(update_fields=["is_active", "updated_at"])
    audit_record(
        actor=actor,
        action="unit.activate" if active else "unit.deactivate",
        obj=unit,
        changes={"is_active": [not active, active]},
        now=now,
    )


@transaction.atomic
def group_member_add(*, group: Unit, member: Unit, actor, now=None) -> None:
    if not group.is_group:
        raise ValidationError({"member": _("Chỉ nhóm đơn vị mới có thành viên.")})
    if member.pk == group.pk:
        raise ValidationError({"member": _("Một nhóm không thể là thành viên của chính nó.")})
    created = GroupMembership.objects.get_or_create(group=group, member=member)[1]
    if created:
        audit_record(
            actor=actor, action="unit.member_add", obj=group, changes={"member": member.name}, now=now
        )


@transaction.atomic
def group_member_remove(*, group: Unit, member: Unit, actor, now=None) -> None:
    """Later imports no longer fan the group out to this member; its existing assignments stay."""
    deleted, _ = GroupMembership.objects.filter(group=group, member=member).delete()
    if deleted:
        audit_record(
            actor=actor, action="unit.member_remove", obj=group, changes={"member": member.name}, now=now
        )


def merge_conflicts(*, source: Unit, target: Unit) -> list[str]:
    """Sub-tasks both units are assigned to ("5.4 — Kế hoạch 07"): the merged assignment would
    have two reports per period, so the secretariat settles those first."""
    from tasks.models import Assignment

    both = Assignment.all_objects.filter(unit=target).values("subtask_id")
    return [
        f"{a.subtask.code} — {a.subtask.plan.code or a.subtask.plan.title[:40]}"
        for a in Assignment.all_objects.filter(unit=source, subtask_id__in=both).select_related(
            "subtask__plan"
        )
    ]


@transaction.atomic
def unit_merge(*, source: Unit, target: Unit, actor, now=None) -> dict:
    """Merge `source` into `target` (the 2025 merger of communes and wards): its assignments with
    their reports and flags, its accounts, its official reports, its other names and its group
    memberships move to the surviving unit, and its name becomes one of the survivor's other names."""
    from kpis.flags import RedFlag
    from reports.archive import GeneratedReport
    from tasks.models import Assignment

    if source.pk == target.pk:
        raise ValidationError({"target": _("Chọn một đơn vị khác để hợp nhất vào.")})
    if source.is_group or target.is_group:
        raise ValidationError({"target": _("Không hợp nhất nhóm đơn vị; hãy sửa thành viên của nhóm.")})
    if conflicts := merge_conflicts(source=source, target=target):
        raise ValidationError(
            {
                "target": _(
                    "Cả hai đơn vị cùng được giao %(n)s tiểu nhiệm vụ (%(list)s): hãy bỏ một trong hai phân "
                    "công bằng cách nhập lại phụ lục đã sửa, rồi hợp nhất."
                )
                % {
                    "n": len(conflicts),
                    "list": "; ".join(conflicts[:5]) + ("…" if len(conflicts) > 5 else ""),
                }
            }
        )
    moved_assignments = list(Assignment.all_objects.filter(unit=source))
    Assignment.all_objects.filter(unit=source).update(unit=target)
    # A target's open flag was the source unit's to answer (the survivor may hold its own on the same
    # target, one open flag per target and unit): it ends here, and moves with the history.
    RedFlag.objects.filter(unit=source, target__isnull=False, resolved_at__isnull=True).update(
        resolved_at=now or timezone.now()
    )
    flags = RedFlag.objects.filter(unit=source).update(unit=target)
    archived = GeneratedReport.objects.filter(unit=source).update(unit=target)
    accounts = list(User.objects.filter(unit=source))
    User.objects.filter(unit=source).update(unit=target)
    UnitAlias.objects.filter(unit=source).update(unit=target)
    for membership in GroupMembership.objects.filter(member=source):
        GroupMembership.objects.get_or_create(group_id=membership.group_id, member=target)
    source_name, source_pk = source.name, source.pk
    # Rights follow the assignments and the accounts to the surviving unit's group.
    on_assignments_changed(removed=moved_assignments)
    for assignment in moved_assignments:
        assignment.unit = target
    on_assignments_changed(created=[a for a in moved_assignments if a.closed_at is None])
    source.delete()
    Group.objects.filter(name=unit_group_name(source_pk)).delete()
    for account in accounts:
        account.unit = target
        sync_unit_group(account)
    UnitAlias.objects.create(unit=target, name=source_name)
    changes = {
        "merged": source_name,
        "assignments": len(moved_assignments),
        "accounts": len(accounts),
        "flags": flags,
        "reports": archived,
    }
    audit_record(actor=actor, action="unit.merge", obj=target, changes=changes, now=now)
    _refresh_dashboards()
    return changes


def _refresh_dashboards():
    from nq57portal.queue import enqueue_on_commit
    from reports.jobs import refresh_dashboard_job

    enqueue_on_commit(refresh_dashboard_job)
