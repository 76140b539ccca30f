"""The inputs of a report: every figure, list and appendix row, as plain JSON, as of the cut-off.

The inputs are what the archive keeps and what the checksum printed on the report is taken of;
the PDF and the workbook are drawn from them alone. Lists of the units' own words are capped
(TEXT_LIMIT) so a province-wide report stays readable; their full counts are kept beside them.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections import Counter, defaultdict
from decimal import Decimal

from budget.selectors import budget_paragraph, report_lines
from kpis.flag_conditions import is_overdue
from kpis.flags import kind_label, severity, task_kinds
from kpis.models import Status
from targets.selectors import report_rows as target_rows
from tasks.models import Amendment, Plan
from tasks.selectors import subtasks_as_of
from units.models import Unit
from units.naming import vi_sort_key

from .late import condensed, late_subtasks
from .scope import ReportScope
from .snapshot import LeadState, appendix_deadlines, by_subtask, lead_assignments, lead_states, units_by_id

# 2: flags counted per assignment under its most severe kind; 3: section II lists; 4: the flags as their
# rules stand at the cut-off (overdue and returned exactly where Bảng 1 counts them)
INPUTS_VERSION = 4
TEXT_LIMIT = 60
FLAG_LIMIT = 200
NEXT_LIMIT = 200

# The columns of the figure tables, in order; together the first six make the total.
COUNT_KEYS = (
    "total",
    "completed_on_time",
    "completed_late",
    "awaiting_review",
    "in_progress",
    "not_started",
    "returned",
    "overdue",
)


def category(state: LeadState) -> str:
    if state.status == Status.COMPLETED:
        return "completed_on_time" if state.on_time else "completed_late"
    return state.status


def status_label(state: LeadState) -> str:
    if state.status == Status.COMPLETED:
        return "Hoàn thành đúng hạn" if state.on_time else "Hoàn thành trễ hạn"
    return str(Status(state.status).label)


def _count(states, deadline_of, cutoff) -> dict:
    counts = dict.fromkeys(COUNT_KEYS, 0)
    for state in states:
        counts["total"] += 1
        counts[category(state)] += 1
        deadline = deadline_of(state)
        if is_overdue(deadline, state.completed, cutoff):
            counts["overdue"] += 1
    return counts


def _subtasks(scope: ReportScope, ids) -> dict[int, dict]:
    """The sub-tasks as the plan stood at the cut-off (tasks.selectors.subtasks_as_of), in
    appendix order (`position`), keyed as the assembly reads them."""
    facts = subtasks_as_of(ids=ids, at=scope.cutoff_at)
    ordered = sorted(
        facts.values(),
        key=lambda f: (
            f["plan_id"],
            f["section_order"],
            f["section_id"],
            f["general_task_order"],
            f["general_task_id"],
            f["order"],
            f["pk"],
        ),
    )
    out = {}
    for n, f in enumerate(ordered):
        out[f["pk"]] = {
            "pk": f["pk"],
            "plan_id": f["plan_id"],
            "code": f["code"],
            "title": f["title"],
            "output": f["output"],
            "deadline": datetime.date.fromisoformat(f["deadline"]) if f["deadline"] else None,
            "deadline_text": f["deadline_text"],
            "ongoing": f["ongoing"],
            "co_names": f["co_names"],
            "general_task__code": f["general_task_code"],
            "general_task__title": f["general_task_title"],
            "general_task__section_id": f["section_id"],
            "general_task__section__code": f["section_code"],
            "general_task__section__title": f["section_title"],
            "kpi": "; ".join(k for k in f["kpi"] if k),
            "position": n,
        }
    return out


def _section_label(sub: dict, plans: dict, many_plans: bool) -> str:
    code, title = sub["general_task__section__code"], sub["general_task__section__title"]
    label = f"{code}. {title}" if code else title
    if many_plans:
        plan = plans[sub["plan_id"]]
        label = f"{plan['code'] or plan['title'][:40]} – {label}"
    return label


def _pct(value) -> str | None:
    return None if value is None else f"{Decimal(value).quantize(Decimal('0.1'))}"


def _changed_deadline(states: list[LeadState]) -> dict:
    """The deadline an approved change set, beside the appendix's (nothing when none did, so the
    inputs of a report without changes stay as they were): for a group's row, the latest of its
    members' and how many of them it moved."""
    changed = [s.changed for s in states if s.changed is not None]
    if not changed:
        return {}
    latest = max(changed, key=lambda c: c.deadline)
    return {
        "deadline_changed": latest.deadline.isoformat(),
        "deadline_document": latest.document_number,
        "deadline_document_date": latest.document_date.isoformat() if latest.document_date else None,
        **({"deadline_changed_members": len(changed)} if len(changed) < len(states) else {}),
    }


def _appendix_rows(sub: dict, states: list[LeadState], units: dict, cutoff, group_rows: bool) -> list[dict]:
    """One row per lead unit as written: a unit leading directly, or a group ("UBND cấp xã")
    whose members' assignments are rolled up in its row."""
    direct = [s for s in states if not (group_rows and s.via_group_id)]
    groups = defaultdict(list)
    for s in states:
        if group_rows and s.via_group_id:
            groups[s.via_group_id].append(s)
    base = {
        "code": sub["code"],
        "subtask": sub["title"],
        "output": sub["output"],
        "kpi": sub["kpi"],
        "deadline": sub["deadline"].isoformat() if sub["deadline"] else None,
        "deadline_text": sub["deadline_text"] or ("Thường xuyên" if sub["ongoing"] else ""),
        "general_task": f"{sub['general_task__code']}. {sub['general_task__title']}",
        "co_units": ", ".join(sub["co_names"] or []),
    }
    rows = []
    for s in sorted(direct, key=lambda s: (units[s.unit_id].name, s.assignment_id)):
        latest = s.latest_reported_on
        rows.append(
            {
                **base,
                **_changed_deadline([s]),
                "lead_unit": units[s.unit_id].name,
                "members": 1,
                "status": status_label(s),
                "category": category(s),
                "completion": _pct(s.completion),
                "evidence": s.evidence,
                "flags": [kind_label(k) for k, _ in s.flags],
                "flag_messages": [m for _, m in s.flags],
                "latest_report": latest.isoformat() if latest else None,
            }
        )
    for group_id, members in sorted(groups.items(), key=lambda kv: units[kv[0]].name):
        counts = Counter(category(m) for m in members)
        done = counts["completed_on_time"] + counts["completed_late"]
        if done == len(members):
            word = "Hoàn thành"
        elif counts["not_started"] == len(members):
            word = "Chưa thực hiện"
        elif done + counts["awaiting_review"] == len(members):
            word = "Chờ thẩm định"
        else:
            word = "Đang thực hiện"
        # Approved completion: a completed member counts 100, a member whose claim is not (yet)
        # approved is left out of the mean (it is counted beside it), the others count what they report.
        credited = [
            Decimal(100) if m.completed else (m.completion or Decimal(0))
            for m in members
            if category(m) not in ("awaiting_review", "returned")
        ]
        reported = [m for m in members if m.completion is not None or m.completed]
        average = sum(credited) / len(credited) if reported and credited else None
        flag_counts = Counter(k for m in members for k, _ in m.flags)
        dates = [m.latest_reported_on for m in members if m.latest_reported_on]
        rows.append(
            {
                **base,
                **_changed_deadline(members),
                "lead_unit": f"{units[group_id].name} ({len(members)} đơn vị)",
                "members": len(members),
                "status": f"{word} ({done}/{len(members)} hoàn thành)",
                "category": "group",
                "completion": _pct(average),
                "unapproved": counts["awaiting_review"] + counts["returned"],
                "evidence": sum(m.evidence for m in members),
                "flags": [f"{kind_label(k)}: {n}" for k, n in sorted(flag_counts.items())],
                "flag_messages": [],
                "latest_report": max(dates).isoformat() if dates else None,
            }
        )
    return rows


def assemble(scope: ReportScope) -> dict:
    """Everything a report of `scope` states, from the database as of its cut-off."""
    # The plan as it stood at the cut-off: amendments recorded later do not change a past report.
    leads = lead_assignments(scope)
    subs = _subtasks(scope, {a.subtask_id for a in leads})
    states = lead_states(scope, appendix_deadlines(subs), leads)
    units = units_by_id(states)
    grouped = by_subtask(states)
    plans = {
        p["pk"]: p
        for p in Plan.objects.filter(pk__in=scope.plan_ids)
        .order_by("pk")
        .values("pk", "code", "title", "issuer", "issue_date")
    }
    many_plans = len(scope.plan_ids) > 1
    cutoff = scope.cutoff

    def deadline_of(state):
        return state.deadline

    ordered = sorted(states.values(), key=lambda s: (subs[s.subtask_id]["position"], units[s.unit_id].name))

    sections: dict = {}
    for state in ordered:
        sub = subs[state.subtask_id]
        sections.setdefault((sub["plan_id"], sub["general_task__section_id"]), []).append(state)
    by_section = [
        {
            "label": _section_label(subs[rows[0].subtask_id], plans, many_plans),
            **_count(rows, deadline_of, cutoff),
        }
        for rows in sections.values()
    ]
    per_unit = defaultdict(list)
    for state in ordered:
        per_unit[state.unit_id].append(state)
    by_unit = sorted(
        (
            {"label": units[u].name, "kind": units[u].kind, **_count(rows, deadline_of, cutoff)}
            for u, rows in per_unit.items()
        ),
        key=lambda r: vi_sort_key(r["label"]),  # Vietnamese dictionary order
    )

    # Most severe first, then the longest flagged; each assignment counted under its most severe flag.
    flagged = sorted(
        (s for s in ordered if s.flags),
        key=lambda s: (severity(s.flags[0][0]), s.flagged_since, s.assignment_id),
    )
    flag_items = [
        {
            "code": subs[s.subtask_id]["code"],
            "subtask": subs[s.subtask_id]["title"],
            "unit": units[s.unit_id].name,
            "kinds": [k for k, _ in s.flags],
            "messages": [m for _, m in s.flags],
        }
        for s in flagged
    ]
    by_kind = Counter(s.flags[0][0] for s in flagged)

    def texts(attr):
        items = [
            {"code": subs[s.subtask_id]["code"], "unit": units[s.unit_id].name, "text": getattr(s, attr)}
            for s in ordered
            if getattr(s, attr)
        ]
        return {"count": len(items), "items": items[:TEXT_LIMIT]}

    next_start, next_end = scope.next_period
    due_next = []
    for sub_id, members in grouped.items():
        sub = subs[sub_id]
        falling = sorted(
            m.deadline
            for m in members
            if m.deadline and next_start <= m.deadline <= next_end and not m.completed
        )
        if falling:
            lead_names = sorted(
                {
                    units[m.via_group_id].name
                    if m.via_group_id and not scope.unit_id
                    else units[m.unit_id].name
                    for m in members
                }
            )
            due_next.append(
                {
                    "code": sub["code"],
                    "subtask": sub["title"],
                    "deadline": falling[0].isoformat(),
                    "leads": lead_names,
                    "position": sub["position"],
                }
            )
    due_next.sort(key=lambda d: (d["deadline"], d.pop("position")))

    appendix = []
    seen_sections: dict = {}
    group_rows = not scope.unit_id
    for sub_id in sorted(grouped, key=lambda i: subs[i]["position"]):
        sub = subs[sub_id]
        key = (sub["plan_id"], sub["general_task__section_id"])
        if key not in seen_sections:
            plan = plans[sub["plan_id"]]
            seen_sections[key] = {
                "plan": plan["code"] or plan["title"][:40],
                "code": sub["general_task__section__code"],
                "title": sub["general_task__section__title"]
                + (f" ({plan['code'] or plan['title'][:40]})" if many_plans else ""),
                "rows": [],
            }
            appendix.append(seen_sections[key])
        seen_sections[key]["rows"].extend(_appendix_rows(sub, grouped[sub_id], units, cutoff, group_rows))

    unit = (
        Unit.objects.filter(pk=scope.unit_id).values("pk", "name", "kind").first() if scope.unit_id else None
    )
    # The budget part (issue 22), only when the scope has a budget: reports without one keep their inputs.
    budget = budget_paragraph(list(scope.plan_ids), scope.cutoff, unit=scope.unit_id)
    # The amendments the plan stood under at the cut-off (issue 21), only when there are any: reports
    # of plans never amended keep their inputs.
    amendments = [
        {
            "plan_id": a["plan_id"],
            "sequence": a["sequence"],
            "number": a["number"],
            "date": a["date"].isoformat(),
        }
        for a in Amendment.objects.filter(plan_id__in=scope.plan_ids, recorded_at__lte=scope.cutoff_at)
        .order_by("plan_id", "sequence")
        .values("plan_id", "sequence", "number", "date")
    ]
    # The plan's targets (issue 22), only when the scope has some, for the same reason.
    targets = target_rows(list(scope.plan_ids), scope.cutoff, unit=scope.unit_id, at=scope.cutoff_at)
    return {
        **(
            {
                "budget": budget,
                "budget_lines": report_lines(list(scope.plan_ids), scope.cutoff, unit=scope.unit_id),
            }
            if budget
            else {}
        ),
        **({"targets": targets} if targets else {}),
        **({"amendments": amendments} if amendments else {}),
        "version": INPUTS_VERSION,
        "scope": {
            **scope.to_json(),
            "plans": [
                {
                    "id": p["pk"],
                    "code": p["code"],
                    "title": p["title"],
                    "issuer": p["issuer"],
                    "issue_date": p["issue_date"].isoformat() if p["issue_date"] else None,
                }
                for p in plans.values()
            ],
            "unit": {"id": unit["pk"], "name": unit["name"], "kind": unit["kind"]} if unit else None,
        },
        "totals": {**_count(ordered, deadline_of, cutoff), "subtasks": len(grouped), "units": len(per_unit)},
        "by_section": by_section,
        "by_unit": by_unit,
        "flags": {
            "by_kind": {k: by_kind.get(k, 0) for k in task_kinds()},
            "assignments": len(flagged),
            "subtasks": len({s.subtask_id for s in flagged}),
            "items": flag_items[:FLAG_LIMIT],
            "count": len(flag_items),
        },
        "results": texts("results"),
        "difficulties": texts("difficulties"),
        "proposals": texts("proposals"),
        # Section II as written: complete lists (the draft keeps what fits, the appendix the rest).
        "late": late_subtasks(grouped, subs, units, cutoff, unit_scope=bool(scope.unit_id)),
        "results_condensed": condensed(ordered, "results", subs, units),
        "causes": condensed(ordered, "difficulties", subs, units),
        "proposals_condensed": condensed(ordered, "proposals", subs, units),
        "next_period": {"count": len(due_next), "items": due_next[:NEXT_LIMIT]},
        "appendix": appendix,
    }


def canonical_json(inputs: dict) -> str:
    return json.dumps(inputs, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def inputs_sha256(inputs: dict) -> str:
    return hashlib.sha256(canonical_json(inputs).encode()).hexdigest()
