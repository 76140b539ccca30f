"""Section II as a committee writes it: what is late, folded per sub-task, and the units' own words
(causes, proposals) condensed — duplicates merged, empty answers dropped, each attributed.

Every list here is complete: the narrative's draft keeps what fits in the body and the report's
appendix carries the rest (nothing is cut, nothing points outside the document).
"""

from __future__ import annotations

import datetime
import re
import unicodedata

from kpis.flag_conditions import is_overdue
from kpis.flags import kind_label, severity
from units.models import UnitKind

# Answers that say nothing ("Không", "không có", "Chưa có.", "-"): dropped from the condensed lists.
_EMPTY = re.compile(
    r"^(?:không|khong|chưa|chua|ko|k|không có|khong co|chưa có|chua co|không có ý kiến|không có đề xuất"
    r"|không có kiến nghị|không có khó khăn|không có khó khăn, vướng mắc|không có vướng mắc|n/?a|none|nil)?$"
)
# Communes are counted, not named, once there are more than this many beside a text.
COMMUNES_NAMED = 2


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text or "").strip()
    return re.sub(r"\s+", " ", text)


def is_empty_answer(text: str) -> bool:
    key = _norm(text).lower().strip(" .;:-–—_*/")
    return _EMPTY.match(key) is not None


def attribution(units) -> str:
    """ "Sở A, Sở B và 12 xã, phường": units named, communes counted past COMMUNES_NAMED."""
    named = sorted({u.name for u in units if u.kind != UnitKind.COMMUNE})
    communes = sorted({u.name for u in units if u.kind == UnitKind.COMMUNE})
    if len(communes) > COMMUNES_NAMED:
        named.append(f"{len(communes)} xã, phường")
    else:
        named.extend(communes)
    if len(named) <= 1:
        return "".join(named)
    return ", ".join(named[:-1]) + " và " + named[-1]


def condensed(states, attr: str, subs: dict, units: dict) -> list[dict]:
    """The units' texts of `attr`, one item per distinct text (case and spacing ignored), the
    most-shared first, each with the sub-tasks and units that wrote it."""
    merged: dict[str, dict] = {}
    for s in states:
        text = _norm(getattr(s, attr))
        if not text or is_empty_answer(text):
            continue
        item = merged.setdefault(
            text.lower().rstrip(" ."), {"text": text.rstrip(" ."), "units": [], "codes": []}
        )
        item["units"].append(units[s.unit_id])
        code = subs[s.subtask_id]["code"]
        if code not in item["codes"]:
            item["codes"].append(code)
    items = sorted(
        merged.values(), key=lambda i: (-len({u.pk for u in i["units"]}), i["codes"][0], i["text"])
    )
    return [
        {
            "text": i["text"],
            "codes": i["codes"],
            "by": attribution(i["units"]),
            "units": len({u.pk for u in i["units"]}),
        }
        for i in items
    ]


def late_subtasks(grouped: dict, subs: dict, units: dict, cutoff, *, unit_scope: bool) -> list[dict]:
    """One item per sub-task with lead assignments late or flagged at `cutoff`: a group's fan-out
    folded into one line ("60/95 xã, phường chưa hoàn thành"), days late counted as of `cutoff`.
    Most severe first, then the longest late."""
    out = []
    for sub_id, members in grouped.items():
        sub = subs[sub_id]
        pending = [m for m in members if not m.completed]
        # Each member's own deadline as of the cut-off (an approved change may have moved some).
        late = sorted(m.deadline for m in members if is_overdue(m.deadline, m.completed, cutoff))
        overdue = bool(late)
        deadline = late[0] if late else sub["deadline"]
        flagged = [m for m in members if m.flags]
        if not overdue and not flagged:
            continue
        kinds = sorted({k for m in flagged for k, _ in m.flags}, key=severity)
        groups = {m.via_group_id for m in members}
        if unit_scope:
            leads = ""  # the unit issues the report: its name is in the header, not on every line
        elif len(members) == 1:
            leads = attribution([units[m.unit_id] for m in members])
        elif groups == {None}:
            leads = f"{len(members)} đơn vị"
        else:
            names = sorted({units[g].name for g in groups if g})
            leads = ", ".join(names) + (" và đơn vị khác" if None in groups else "")
        communes = all(units[m.unit_id].kind == UnitKind.COMMUNE for m in members)
        out.append(
            {
                "code": sub["code"],
                "subtask": sub["title"],
                "section": sub["general_task__section__code"],
                "section_title": sub["general_task__section__title"],
                "general_task": sub["general_task__code"],
                "general_task_title": sub["general_task__title"],
                "deadline": deadline.isoformat() if deadline else None,
                "days_late": (cutoff - deadline).days if overdue else 0,
                "pending": len(pending),
                "members": len(members),
                "unit_word": "xã, phường" if communes else "đơn vị",
                "leads": leads,
                "kinds": list(kinds),
                "flagged": len(flagged),
                "position": sub["position"],
            }
        )

    def rank(i):
        kinds = i["kinds"] + (["overdue"] if i["days_late"] else [])
        return (min(severity(k) for k in kinds), -i["days_late"], i["position"])

    out.sort(key=rank)
    return out


def late_line(item: dict) -> str:
    """ "- 1.1 Rà soát …: 60/95 xã, phường chưa hoàn thành, quá hạn 51 ngày (thời hạn 30/11/2025)."""
    # the sub-task's own full stop dropped before the colon ("15.3 Hoàn thành ban hành.:" read as a typo)
    head = f"- {item['code']} {' '.join(item['subtask'].split()).rstrip(' .;:')}"
    if item["members"] > 1:
        what = f"{item['pending']}/{item['members']} {item['unit_word']} chưa hoàn thành"
        head += f" ({item['leads']})" if item["unit_word"] == "đơn vị" and item["leads"] else ""
    elif item["pending"]:
        what = f"{item['leads']} chưa hoàn thành".strip()
    else:
        what = item["leads"]
    parts = [what] if what else []
    if item["days_late"]:
        deadline = datetime.date.fromisoformat(item["deadline"]).strftime("%d/%m/%Y")
        parts.append(f"quá hạn {item['days_late']} ngày (thời hạn {deadline})")
    others = [kind_label(k).lower() for k in item["kinds"] if k != "overdue"]
    if others:
        parts.append("cảnh báo: " + ", ".join(others))
    return f"{head}: {', '.join(parts)}."
