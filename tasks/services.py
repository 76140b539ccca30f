"""Writes to plans: the appendix import and the assignment of units to sub-tasks."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from units.access import on_assignments_changed
from units.models import Unit, UnitAlias, UnitKind
from units.naming import name_key
from units.registry import UnitRegistry

from .importing.data import PlanData
from .importing.history import HistoryRecorder
from .importing.sync import PlanDiff, PlanSync
from .models import Amendment, Plan, PlanStatus


class ImportBlocked(ValidationError):
    """The workbook has errors: nothing may be written until they are corrected."""


class AmendmentRequired(ValidationError):
    """A plan in force changes only by an amendment: its document's number and date are needed."""


AMENDMENT_REQUIRED = _(
    "Kế hoạch đã ban hành: nhập lại phụ lục là một lần sửa đổi, bổ sung. Hãy ghi số và ngày của văn bản "
    "sửa đổi, bổ sung; chưa ghi gì vào kế hoạch."
)


def plan_import_preview(
    *, plan_data: PlanData, plan: Plan | None, registry: UnitRegistry | None = None
) -> PlanDiff:
    """What applying the workbook to the plan (None: a new plan) would create and change."""
    return PlanSync(plan_data, plan, registry or UnitRegistry.load(), write=False).run()


def plan_import_apply(
    *,
    plan_data: PlanData,
    plan: Plan | None = None,
    actor,
    code: str = "",
    title: str = "",
    issuer: str = "",
    source_name: str = "",
    registry: UnitRegistry | None = None,
    amendment_number: str = "",
    amendment_date=None,
    now=None,
) -> tuple[Plan, PlanDiff]:
    """Write the workbook into the plan (a new draft plan when None), in one transaction.

    Refused as a whole while the workbook has errors. Matching by code makes a second import
    of the same workbook a no-op and a corrected one an update. Into a plan in force, a workbook
    that changes anything is an amendment (Amendment.required_for): refused without the number and
    date of its document, recorded with them, and every row it changes versioned first.
    """
    if plan_data.errors:
        raise ImportBlocked([str(p) for p in plan_data.errors])
    registry = registry or UnitRegistry.load()
    now = now or timezone.now()
    amendment_number = (amendment_number or "").strip()
    with transaction.atomic():
        amendment = None
        if plan is not None and Amendment.required_for(plan):
            if not amendment_number or amendment_date is None:
                if not PlanSync(plan_data, plan, registry, write=False).run().is_empty:
                    raise AmendmentRequired(AMENDMENT_REQUIRED, code="amendment_required")
            else:
                plan = Plan.objects.select_for_update().get(pk=plan.pk)
                last = plan.amendments.aggregate(n=Max("sequence"))["n"] or 0
                amendment = Amendment(
                    plan=plan,
                    sequence=last + 1,
                    number=amendment_number,
                    date=amendment_date,
                    source_name=source_name[:255],
                    recorded_at=now,
                    recorded_by=actor,
                )
                amendment.full_clean()
                amendment.save()
        created_plan = plan is None
        if created_plan:
            plan = Plan(
                code=code,
                title=title or plan_data.title or source_name or "Kế hoạch nhập từ phụ lục",
                issuer=issuer,
                status=PlanStatus.DRAFT,
                source_name=source_name[:255],
            )
            plan.full_clean()
            plan.save()
        history = HistoryRecorder(amendment) if amendment else None
        diff = PlanSync(plan_data, plan, registry, write=True, now=now, history=history).run()
        if amendment is not None:
            if diff.is_empty:
                amendment.delete()  # nothing changed: no amendment to record
                amendment = None
            else:
                amendment.summary = diff.summary()
                amendment.changes = amendment_changes(diff)
                amendment.save(update_fields=["summary", "changes"])
        if source_name and plan.source_name != source_name[:255] and not diff.is_empty:
            plan.source_name = source_name[:255]
            plan.save(update_fields=["source_name", "updated_at"])
        if created_plan or not diff.is_empty:
            audit_record(
                actor=actor,
                action="plan.import",
                obj=plan,
                changes={
                    "source": source_name,
                    "new_plan": created_plan,
                    **({"amendment": str(amendment)} if amendment else {}),
                    **diff.summary(),
                },
                now=now,
            )
        if diff.assignments_created or diff.assignments_updated or diff.assignments_removed:
            # Closed and re-roled assignments lose their rights; new, reopened and re-roled ones get
            # those of their role.
            on_assignments_changed(
                created=[*diff.assignments_created, *diff.assignments_updated],
                removed=diff.assignments_removed,
            )
    return plan, diff


def amendment_changes(diff: PlanDiff) -> list[dict]:
    """What an amendment changed, item by item, in the words of the preview (Vietnamese, as the
    document is): a sub-task only moved down by one inserted above it is not listed."""
    out = []
    with translation.override("vi"):
        for change in diff.changes:
            # The order moves when a row is inserted above; the written deadline repeats the deadline
            # when it is a plain date; the assignments repeat the units as written (their
            # consequences are the moves).
            repeated = {"order"}
            if {"lead_names", "co_names"} & change.fields.keys():
                repeated.add("assignments")
            fields = []
            for name, (label, before, after) in zip(change.fields, change.field_changes, strict=True):
                if name in repeated:
                    continue
                if name == "deadline_text" and "deadline" in change.fields:
                    old, new = change.fields["deadline"]
                    if before == _shown_date(old) and after == _shown_date(new):
                        continue
                fields.append([label, before, after])
            if change.action == "change" and not fields and not change.moves:
                continue
            out.append(
                {
                    "kind": change.kind,
                    "code": change.code,
                    "title": change.title,
                    "action": change.action,
                    "fields": fields,
                    "moves": [m.sentence for m in change.moves],
                }
            )
        for change in diff.retired:
            out.append(
                {
                    "kind": "subtask",
                    "code": change.code,
                    "title": change.title,
                    "action": "retire",
                    "fields": [],
                    "moves": [m.sentence for m in change.moves],
                }
            )
    return out


def _shown_date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def import_unit_mappings_apply(*, mappings: dict, actor, now=None) -> None:
    """Settle names the registry did not know: {name: Unit} adds the name as an alias of that
    unit, {name: "__new__"} creates a unit of that name (kind "agency", to be refined in admin)."""
    with transaction.atomic():
        for name, target in mappings.items():
            key = name_key(name)
            if Unit.objects.filter(key=key).exists() or UnitAlias.objects.filter(key=key).exists():
                continue  # someone settled it meanwhile
            if isinstance(target, Unit):
                alias = UnitAlias.objects.create(unit=target, name=name)
                audit_record(
                    actor=actor, action="unit.alias_add", obj=target, changes={"alias": alias.name}, now=now
                )
            else:
                unit = Unit(name=name, kind=UnitKind.AGENCY)
                unit.full_clean()
                unit.save()
                audit_record(
                    actor=actor, action="unit.create", obj=unit, changes={"from_import": name}, now=now
                )


def plan_settings_update(*, plan: Plan, actor, data: dict, now=None) -> dict:
    """Write the plan's particulars and status (validated by PlanSettingsForm); returns what changed.

    Putting a plan in force, taking it out, or moving its dates changes which periods it has, which
    tasks units see and which flags stand: its periods are created and the sweep runs (it resolves
    the flags of a plan no longer in force and rebuilds the dashboards) once this commits.
    """
    from kpis.jobs import ensure_periods, sweep_flags_job
    from nq57portal.queue import enqueue_on_commit

    changes = {}
    for field in ("code", "title", "issuer", "issue_date", "start_date", "status"):
        before, after = getattr(plan, field), data.get(field, getattr(plan, field))
        if field in ("code", "title", "issuer"):
            after = (after or "").strip()
        if before != after:
            changes[field] = [before, after]
            setattr(plan, field, after)
    if not changes:
        return changes
    with transaction.atomic():
        plan.full_clean()
        plan.save()
        audit_record(
            actor=actor,
            action="plan.update",
            obj=plan,
            changes={k: [str(v) if v is not None else None for v in pair] for k, pair in changes.items()},
            now=now,
        )
        if {"status", "issue_date", "start_date"} & changes.keys():
            enqueue_on_commit(ensure_periods)
            enqueue_on_commit(sweep_flags_job)
    return changes


def kpi_targets_update(*, plan: Plan, actor, formset, confirm_all: bool = False, now=None) -> int:
    """Save the secretariat's corrections of the plan's KPI targets (a validated KpiTargetFormSet).

    `confirm_all` confirms every target shown. A target's measure is frozen once its sub-task has
    reports (DESIGN.md): changing it is refused beside the row and nothing is saved. Returns how
    many targets changed.
    """
    from kpis.models import ProgressReport

    changed = [
        form for form in formset.forms if form.has_changed() or (confirm_all and not form.instance.confirmed)
    ]
    frozen = set(
        ProgressReport.objects.filter(
            assignment__subtask__plan=plan,
            assignment__subtask_id__in=[
                form.instance.kpi.subtask_id for form in changed if "measure" in form.changed_data
            ],
        ).values_list("assignment__subtask_id", flat=True)
    )
    refused = False
    for form in changed:
        if "measure" in form.changed_data and form.instance.kpi.subtask_id in frozen:
            form.add_error("measure", ValidationError(_FROZEN_MEASURE, code="frozen"))
            refused = True
    if refused:
        raise ValidationError(_FROZEN_MEASURE, code="frozen")
    with transaction.atomic():
        for form in changed:
            target = form.save(commit=False)
            if confirm_all:
                target.confirmed = True
            if target.kpi.subtask.plan_id != plan.pk:  # the formset's queryset is the plan's; belt and braces
                raise ValidationError("target outside the plan")
            target.save()
        if changed:
            audit_record(
                actor=actor,
                action="kpi.targets",
                obj=plan,
                changes={
                    "changed": len(changed),
                    "confirmed": sum(1 for f in changed if f.instance.confirmed),
                },
                now=now,
            )
    return len(changed)


_FROZEN_MEASURE = _("Đơn vị đo của chỉ tiêu đã cố định vì tiểu nhiệm vụ đã có báo cáo.")
