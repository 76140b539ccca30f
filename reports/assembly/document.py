"""From the inputs, the editable header and the narrative to an `OfficialReport`.

The figures (summary sentences, tables, the appendix) are always drawn from the inputs here,
never from what the user typed: a draft can reword the narrative, not the numbers.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from decimal import Decimal

from kpis.flags import kind_label, task_kinds
from reports.assembly.late import late_line
from reports.document import (
    Appendix,
    AppendixList,
    AppendixRow,
    AppendixSection,
    FigureTable,
    Heading,
    OfficialReport,
    Paragraph,
    ReportSection,
    Signature,
    document_number,
    format_percent,
)

FIGURE_COLUMNS = (
    "Lượt giao",
    "HT đúng hạn",
    "HT trễ hạn",
    "Chờ thẩm định",
    "Đang thực hiện",
    "Chưa thực hiện",
    "Bị trả lại",
    "Quá hạn",
)
FIGURE_KEYS = (
    "total",
    "completed_on_time",
    "completed_late",
    "awaiting_review",
    "in_progress",
    "not_started",
    "returned",
    "overdue",
)

# The narrative parts a draft may edit, in the order of the form.
NARRATIVE_FIELDS = {
    "preamble": "Mở đầu (căn cứ)",
    "results": "I. Kết quả đạt được — nội dung các đơn vị báo cáo",
    "shortcomings": "II.1. Tồn tại, hạn chế",
    "causes": "II.2. Nguyên nhân (khó khăn, vướng mắc của các đơn vị)",
    "next_tasks": "III. Nhiệm vụ kỳ tới",
    "proposals": "IV. Đề xuất, kiến nghị",
    "closing": "Kết thúc",
}
# The longest text one narrative part may hold (the form and the service refuse more). The draft the
# server writes keeps within it however many tasks the period lists: a long list is cut, and says so.
NARRATIVE_MAX = 20_000
# A list of section I.3, II or IV longer than this goes complete to the appendix (lettered A, B …);
# the body keeps a summary or its first items and says where the rest is.
BODY_LIST_MAX = 6_000


def _more(count: int, shown: int, where: str = "") -> list[str]:
    if count <= shown:
        return []
    if where:
        return [f"(Còn {count - shown} nội dung khác, xem đầy đủ tại Phụ lục, mục {where}.)"]
    return [f"(Còn {count - shown} nội dung khác của các đơn vị.)"]


def _bounded(
    lines: list[str], count: int, *, head: str = "", limit: int = NARRATIVE_MAX, where: str = ""
) -> str:
    """`head`, then as many of `lines` as fit in `limit` characters, then how many were left out
    (of `count` in all, of which `lines` are the first)."""
    kept: list[str] = []
    size = len(head)
    for line in lines:
        more = _more(count, len(kept) + 1, where)
        # Room for this line and for the note of what is still left out after it.
        if size + len(line) + 1 + (len(more[0]) + 1 if more else 0) > limit:
            break
        kept.append(line)
        size += len(line) + 1
    return head + "\n".join(kept + _more(count, len(kept), where))


def _date(iso: str | None) -> str:
    return datetime.date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() or text[1:2] == " " else text


# Where a plan's title stops being its name: the date of the document it implements, or who
# issued that ("… số 07-TB/CQTTBCĐ ngày 15 tháng 10 năm 2025 của Cơ quan thường trực …").
_NAME_ENDS = re.compile(r"\s+(?:ngày\s+\d|của\s|về\s+việc\s)|[,;:(]")
SHORT_NAME_MAX = 90


def plan_short_name(plan: dict) -> str:
    """A plan as a title names it: "Kế hoạch số 07-KH/BCĐ", or, without a number, the start of its
    title up to the date or issuer of what it implements ("kế hoạch triển khai Thông báo kết luận
    số 07-TB/CQTTBCĐ"), never the whole four lines."""
    if plan.get("code"):
        return f"Kế hoạch số {plan['code']}"
    title = " ".join((plan.get("title") or "").split())
    match = _NAME_ENDS.search(title, 20)
    name = title[: match.start()] if match else title
    if len(name) > SHORT_NAME_MAX:
        name = name[:SHORT_NAME_MAX].rsplit(" ", 1)[0].rstrip(",;.-–")
    if name.lower().startswith("kế hoạch"):
        return name
    return f"kế hoạch {_lower_first(name)}"


def scope_words(inputs: dict, *, with_unit: bool = True) -> str:
    scope = inputs["scope"]
    plans = scope["plans"]
    what = plan_short_name(plans[0]) if len(plans) == 1 else f"{len(plans)} kế hoạch đang thực hiện"
    if scope["unit"] and with_unit:
        what += f" của {scope['unit']['name']}"
    return what


def basis_words(inputs: dict) -> str:
    """What the report answers to, for its "Căn cứ" line: each plan by number, date and issuer."""

    def one(plan: dict) -> str:
        text = "Kế hoạch" + (f" số {plan['code']}" if plan.get("code") else "")
        if plan.get("issue_date"):
            text += f" ngày {_date(plan['issue_date'])}"
        if plan.get("issuer"):
            text += f" của {plan['issuer']}"
        title = " ".join((plan.get("title") or "").split()).rstrip(".")
        if title and not plan.get("code"):
            text += f" về việc {_lower_first(title)}"
        return text

    plans = inputs["scope"]["plans"]
    if len(plans) > 5:
        return f"{len(plans)} kế hoạch triển khai đang thực hiện"
    return "; ".join(one(p) for p in plans)


def preamble(inputs: dict, issuing_body: str) -> str:
    return (
        f"Căn cứ {basis_words(inputs)}, {issuing_body} báo cáo tình hình thực hiện "
        f"{inputs['scope']['period_words']} như sau:"
    )


def _head(title: str) -> str:
    """A title as a list's heading before its colon: the plan's own full stop dropped ("… một lần”.:"
    read as a typo to a clerk)."""
    return " ".join(title.split()).rstrip(" .;:")


def late_lines(inputs: dict) -> list[str]:
    """Section II.1's complete list: by section and general task (in the plan's order), one line
    per late sub-task, most severe and longest late first within its general task."""
    groups: dict = {}
    for item in inputs.get("late") or ():
        key = (item["section"], item["section_title"], item["general_task"], item["general_task_title"])
        groups.setdefault(key, []).append(item)
    lines: list[str] = []
    section = None
    for key in sorted(groups, key=lambda k: min(i["position"] for i in groups[k])):
        sec_code, sec_title, gt_code, gt_title = key
        if (sec_code, sec_title) != section:
            section = (sec_code, sec_title)
            lines.append(f"Mục {sec_code}. {_head(sec_title)}:" if sec_code else f"{_head(sec_title)}:")
        lines.append(f"Nhiệm vụ {gt_code}. {_head(gt_title)}:" if gt_code else f"{_head(gt_title)}:")
        lines.extend(late_line(i) for i in groups[key])
    return lines


def late_summary(inputs: dict) -> list[str]:
    """Section II.1 in the body when the complete list is too long for it: one line per general task."""
    groups: dict = {}
    for item in inputs.get("late") or ():
        groups.setdefault((item["general_task"], item["general_task_title"]), []).append(item)
    lines = []
    for key in sorted(groups, key=lambda k: min(i["position"] for i in groups[k])):
        items = groups[key]
        code, title = key
        worst = max(items, key=lambda i: i["days_late"])
        text = (
            f"- Nhiệm vụ {code}. {title}: {_n(len(items))} tiểu nhiệm vụ chậm tiến độ, "
            f"{_n(sum(i['pending'] for i in items))} lượt giao chủ trì chưa hoàn thành"
        )
        if worst["days_late"]:
            text += f"; lâu nhất {worst['code']} quá hạn {_n(worst['days_late'])} ngày"
        lines.append(text + ".")
    return lines


def words_lines(items: list[dict], *, attributed: bool = True) -> list[str]:
    """The units' condensed words: "- text (Sở A, Sở B và 12 xã, phường; 1.1, 2.3)." (a unit's
    own report gives the sub-tasks only: the unit is the issuer)."""
    out = []
    for i in items:
        codes = ", ".join(i["codes"][:5]) + (" …" if len(i["codes"]) > 5 else "")
        out.append(f"- {i['text']} ({i['by']}; {codes})." if attributed else f"- {i['text']} ({codes}).")
    return out


# The body's lists that may overflow to the appendix: (narrative part, inputs key, title).
_LISTS = (
    ("results", "results_condensed", "Kết quả các đơn vị báo cáo (mục I.3)"),
    ("shortcomings", "late", "Các nhiệm vụ chậm tiến độ, bị cảnh báo (mục II.1)"),
    ("causes", "causes", "Khó khăn, vướng mắc các đơn vị nêu (mục II.2)"),
    ("proposals", "proposals_condensed", "Đề xuất, kiến nghị của các đơn vị (mục IV)"),
)


def _list_lines(inputs: dict, part: str) -> list[str]:
    if part == "shortcomings":
        return late_lines(inputs)
    key = {p: k for p, k, _ in _LISTS}[part]
    return words_lines(inputs.get(key) or [], attributed=not inputs["scope"].get("unit"))


def overflow_lists(inputs: dict) -> dict[str, tuple[str, str, list[str]]]:
    """The lists too long for the body: part -> (appendix letter, title, complete lines)."""
    out = {}
    for part, key, title in _LISTS:
        if key not in inputs:  # inputs archived before these lists existed
            continue
        lines = _list_lines(inputs, part)
        if len("\n".join(lines)) > BODY_LIST_MAX:
            out[part] = (chr(ord("A") + len(out)), title, lines)
    return out


def default_narrative(inputs: dict, *, issuing_body: str = "Ban Chỉ đạo tỉnh") -> dict:
    scope = inputs["scope"]
    words = scope["period_words"]
    overflow = overflow_lists(inputs)

    def listed(part):
        lines = _list_lines(inputs, part)
        if part not in overflow:
            return "\n".join(lines)
        letter = overflow[part][0]
        if part == "shortcomings":
            head = f"(Danh sách đầy đủ {_n(len(inputs['late']))} tiểu nhiệm vụ tại Phụ lục, mục {letter}.)\n"
            summary = late_summary(inputs)
            return _bounded(summary, len(summary), head=head, limit=BODY_LIST_MAX, where=letter)
        return _bounded(lines, len(lines), limit=BODY_LIST_MAX, where=letter)

    shortcomings = listed("shortcomings")
    nxt = inputs["next_period"]
    own = bool(inputs["scope"].get("unit"))  # a unit's report: the unit is the issuer, not named
    next_lines = [
        f"- {i['code']} {_head(i['subtask'])}{'' if own else ' — ' + ', '.join(i['leads'])} "
        f"— thời hạn {_date(i['deadline'])}."
        for i in nxt["items"]
    ]
    return {
        "preamble": preamble(inputs, issuing_body),
        "results": listed("results"),
        "shortcomings": shortcomings,
        "causes": listed("causes"),
        "next_tasks": (
            _bounded(
                next_lines,
                nxt["count"],
                head="Tập trung chỉ đạo, đôn đốc các đơn vị hoàn thành các nhiệm vụ đến hạn trong kỳ tới:\n",
            )
            if next_lines
            else "Tiếp tục chỉ đạo, đôn đốc các đơn vị thực hiện các nhiệm vụ đang triển khai."
        ),
        "proposals": listed("proposals"),
        "closing": f"Trên đây là báo cáo tình hình thực hiện {words}, {issuing_body} kính báo cáo./.",
    }


def _paragraphs(text: str) -> tuple[Paragraph, ...]:
    return tuple(Paragraph(line.strip()) for line in (text or "").splitlines() if line.strip())


def _table(rows: list[dict], label: str, caption: str, totals: dict | None) -> FigureTable:
    return FigureTable(
        caption=caption,
        columns=(label, *FIGURE_COLUMNS),
        rows=tuple((r["label"], *(r[k] for k in FIGURE_KEYS)) for r in rows),
        total=("Tổng cộng", *(totals[k] for k in FIGURE_KEYS)) if totals else None,
    )


# Bảng 2's groups, in this order, named as the document writes them (whatever the reader's language).
KIND_WORDS = {
    "department": "Sở, ban, ngành",
    "agency": "Cơ quan, đơn vị",
    "party": "Cơ quan Đảng, đoàn thể",
    "enterprise": "Doanh nghiệp",
    "commune": "UBND xã, phường",
    "group": "Nhóm đơn vị",
}
# A unit report's Bảng 2 and a province report's with few units stay unit by unit in the body.
BODY_UNITS_MAX = 15


def _by_kind(rows: list[dict]) -> list[tuple[str, list[dict], dict]]:
    """The units of Bảng 2 by kind: (kind's words, its units, its subtotal)."""
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row.get("kind") or "agency", []).append(row)
    order = list(KIND_WORDS)
    out = []
    for kind in sorted(groups, key=lambda k: order.index(k) if k in order else len(order)):
        members = groups[kind]
        subtotal = {k: sum(r[k] for r in members) for k in FIGURE_KEYS}
        out.append((KIND_WORDS.get(kind, kind), members, subtotal))
    return out


def unit_tables(inputs: dict) -> tuple[FigureTable, FigureTable | None]:
    """Bảng 2 for the body — one subtotal row per kind of unit — and, when that folds units away,
    the complete table unit by unit under each kind's subtotal, for the appendix."""
    rows = inputs["by_unit"]
    caption = "Bảng 2. Kết quả thực hiện theo đơn vị chủ trì"
    columns = ("Đơn vị", *FIGURE_COLUMNS)
    total = ("Tổng cộng", *(inputs["totals"][k] for k in FIGURE_KEYS))
    if len(rows) <= BODY_UNITS_MAX or "kind" not in (rows[0] if rows else {}):
        return _table(rows, "Đơn vị", caption, inputs["totals"]), None
    kinds = _by_kind(rows)
    body = FigureTable(
        caption=caption + " (theo loại đơn vị)",
        columns=("Loại đơn vị", *FIGURE_COLUMNS),
        rows=tuple(
            (f"{words} ({_n(len(m))} đơn vị)", *(sub[k] for k in FIGURE_KEYS)) for words, m, sub in kinds
        ),
        total=total,
    )
    full_rows: list[tuple] = []
    subtotals = []
    for words, members, sub in kinds:
        subtotals.append(len(full_rows))
        full_rows.append((f"{words} ({_n(len(members))} đơn vị)", *(sub[k] for k in FIGURE_KEYS)))
        full_rows.extend((r["label"], *(r[k] for k in FIGURE_KEYS)) for r in members)
    full = FigureTable(
        caption=caption + " (đầy đủ)",
        columns=columns,
        rows=tuple(full_rows),
        total=total,
        subtotals=tuple(subtotals),
    )
    return body, full


def _n(value) -> str:
    """A count as Vietnamese documents write it: 1.034, grouped by dots (as in the tables)."""
    return f"{value:,}".replace(",", ".")


def summary_sentence(inputs: dict) -> str:
    t = inputs["totals"]
    scope = inputs["scope"]
    done = t["completed_on_time"] + t["completed_late"]
    if scope.get("unit"):
        what = f"đơn vị chủ trì {_n(t['subtasks'])} tiểu nhiệm vụ ({_n(t['total'])} lượt giao)"
    else:
        what = f"có {_n(t['subtasks'])} tiểu nhiệm vụ với {_n(t['total'])} lượt giao chủ trì cho {_n(t['units'])} đơn vị"
    return (
        f"Tính đến hết ngày {_date(scope['cutoff'])}, {what}; trong đó hoàn thành đúng hạn {_n(t['completed_on_time'])}, "
        f"hoàn thành trễ hạn {_n(t['completed_late'])}, chờ thẩm định {_n(t['awaiting_review'])}, "
        f"đang thực hiện {_n(t['in_progress'])}, chưa thực hiện {_n(t['not_started'])}, "
        f"bị trả lại chờ hoàn thiện {_n(t['returned'])}; quá hạn chưa hoàn thành {_n(t['overdue'])}."
        + (f" Tỷ lệ hoàn thành đạt {format_percent(Decimal(100 * done) / t['total'])}." if t["total"] else "")
    )


def flags_sentence(inputs: dict) -> str:
    f = inputs["flags"]
    kinds = ", ".join(f"{kind_label(k).lower()} {_n(n)}" for k, n in f["by_kind"].items() if n)
    if not f["assignments"]:
        overdue = inputs["totals"]["overdue"]
        if overdue:
            # Only inputs archived before version 4 (flags as the sweep had raised them): since then
            # an overdue task stands flagged wherever Bảng 1 counts it (reports.assembly.snapshot).
            return (
                "Tại thời điểm chốt số liệu chưa có cảnh báo đỏ nào được ghi nhận; tuy vậy có "
                f"{_n(overdue)} lượt giao chủ trì đã quá hạn mà chưa hoàn thành (Bảng 1)."
            )
        return "Tại thời điểm chốt số liệu không có cảnh báo đỏ nào đang mở."
    return (
        f"Tại thời điểm chốt số liệu có {_n(f['subtasks'])} tiểu nhiệm vụ ({_n(f['assignments'])} lượt giao chủ trì) "
        f"đang bị cảnh báo đỏ: {kinds}."
    )


def next_sentence(inputs: dict) -> str:
    scope = inputs["scope"]
    n = inputs["next_period"]["count"]
    label = _lower_first(scope["next_label"])  # "tháng 12/2026" mid-sentence
    when = f"Trong kỳ tới ({label}, từ {_date(scope['next_start'])} đến {_date(scope['next_end'])})"
    if not n:
        return f"{when} không có tiểu nhiệm vụ nào đến hạn hoàn thành."
    return f"{when} có {_n(n)} tiểu nhiệm vụ đến hạn hoàn thành chưa được công nhận hoàn thành."


def completion_words(row: dict) -> tuple[Decimal | None, str]:
    """The appendix's completion: the approved completion (100% once approved), a claim not
    approved as such ("Chờ thẩm định (báo 100%)"), a group's mean with its unapproved claims."""
    value = Decimal(row["completion"]) if row.get("completion") is not None else None
    category = row.get("category")
    if category in ("completed_on_time", "completed_late"):
        return Decimal(100), ""
    if category in ("awaiting_review", "returned"):
        word = "Chờ thẩm định" if category == "awaiting_review" else "Chưa công nhận"
        return None, f"{word} (báo {format_percent(value)})" if value is not None else word
    if category == "group" and row.get("unapproved"):
        shown = f"{format_percent(value)}; " if value is not None else ""
        return value, f"{shown}{_n(row['unapproved'])} chờ công nhận"
    return value, ""


CARRIED_NAMED = 8


def carried_sentence(inputs: dict) -> str:
    """Section III: the overdue work the next period inherits, the longest late named first."""
    late = sorted(
        (i for i in inputs.get("late") or () if i["days_late"]),
        key=lambda i: (-i["days_late"], i["position"]),
    )
    if not late:
        return ""
    named = ", ".join(f"{i['code']} (quá hạn {_n(i['days_late'])} ngày)" for i in late[:CARRIED_NAMED])
    rest = f" và {_n(len(late) - CARRIED_NAMED)} tiểu nhiệm vụ khác" if len(late) > CARRIED_NAMED else ""
    return (
        f"Chuyển sang kỳ tới {_n(len(late))} tiểu nhiệm vụ đã quá hạn chưa hoàn thành "
        f"({_n(inputs['totals']['overdue'])} lượt giao chủ trì), đã nêu tại mục II; tập trung đôn đốc "
        f"hoàn thành dứt điểm, trước hết: {named}{rest}."
    )


def deadline_change_words(row: dict) -> str:
    """ "→ 31/03/2026 theo văn bản số 12/QĐ-UBND ngày 05/12/2026" (of 3 units, for a group's row
    whose change moved some of its members only); "" without an approved change."""
    if not row.get("deadline_changed"):
        return ""
    words = f"→ {_date(row['deadline_changed'])}"
    if row.get("deadline_document"):
        words += f" theo văn bản số {row['deadline_document']}"
        if row.get("deadline_document_date"):
            words += f" ngày {_date(row['deadline_document_date'])}"
    if row.get("deadline_changed_members"):
        words += f" ({row['deadline_changed_members']} đơn vị)"
    return words


def _appendix(inputs: dict, header: dict) -> Appendix:
    lists = overflow_lists(inputs)
    _, unit_full = unit_tables(inputs)
    sections = []
    for section in inputs["appendix"]:
        rows = tuple(
            AppendixRow(
                code=r["code"],
                subtask=r["subtask"],
                output=r["output"],
                kpi=r["kpi"],
                lead_unit=r["lead_unit"],
                deadline=datetime.date.fromisoformat(r["deadline"]) if r["deadline"] else None,
                deadline_text=r["deadline_text"],
                deadline_change=deadline_change_words(r),
                status=r["status"],
                completion=completion_words(r)[0],
                completion_text=completion_words(r)[1],
                evidence_count=r["evidence"],
                flags=tuple(r["flags"]),
                general_task=r["general_task"],
                co_units=r["co_units"],
                latest_report=datetime.date.fromisoformat(r["latest_report"]) if r["latest_report"] else None,
            )
            for r in section["rows"]
        )
        sections.append(
            AppendixSection(
                code=section["code"], title=section["title"], rows=rows, plan=section.get("plan", "")
            )
        )
    scope = inputs["scope"]
    totals = inputs["totals"]
    symbol = header.get("symbol", "")
    # the number as the "Số:" line prints it (05/BC-BCĐ), or room to write it by hand
    number = document_number(header.get("number", ""), symbol) or f"{chr(0xA0) * 6}/{symbol}"
    return Appendix(
        sections=tuple(sections),
        subtask_count=totals["subtasks"],
        assignment_count=totals["total"],
        unit_count=totals["units"],
        subtitle=f"Tiến độ thực hiện các nhiệm vụ của {scope_words(inputs)} ({scope['period_label']})",
        note=(
            f"(Kèm theo Báo cáo số {number} ngày {_date(header.get('date'))}; "
            f"số liệu tính đến hết ngày {_date(scope['cutoff'])})"
        ),
        lists=tuple(
            AppendixList(title=f"{letter}. {title}", lines=tuple(lines))
            for letter, title, lines in lists.values()
        ),
        tables=(
            (dataclasses.replace(unit_full, caption=f"{chr(ord('A') + len(lists))}. {unit_full.caption}"),)
            if unit_full
            else ()
        ),
    )


def target_table_number(inputs: dict) -> int:
    """Bảng 1 is by section; Bảng 2 by unit (not in a unit's own report); the targets' table next."""
    return 2 if inputs["scope"].get("unit") else 3


def target_blocks(inputs: dict) -> tuple:
    """ "Kết quả thực hiện các chỉ tiêu": one line per target as seed 001 words its figures, then
    the table (value, target, date, reached or not)."""
    from targets.selectors import report_sentence

    rows = inputs["targets"]
    reached = sum(r["verdict"] in ("đạt chỉ tiêu", "vượt chỉ tiêu") for r in rows)
    behind = sum(r["behind"] and r["verdict"] not in ("đạt chỉ tiêu", "vượt chỉ tiêu") for r in rows)
    summary = (
        f"Kế hoạch đề ra {len(rows)} chỉ tiêu; đến thời điểm báo cáo có {reached} chỉ tiêu đạt mốc đề ra"
    )
    summary += f", {behind} chỉ tiêu chậm so với lộ trình." if behind else "."
    table = FigureTable(
        label_columns=2,
        text_columns=(2, 4),  # "93,65% (223.030/238.153)", "Chưa đạt chỉ tiêu (chậm so với lộ trình)"
        caption=f"Bảng {target_table_number(inputs)}. Kết quả thực hiện các chỉ tiêu",
        columns=("Chỉ tiêu", "Mục tiêu kế hoạch", "Kết quả", "Tính đến ngày", "Đánh giá"),
        rows=tuple(
            (
                f"{r['code']}. {r['text']}",
                r["goal"],
                r["value"] or "—",
                _vn_day(r["as_of"]) if r["as_of"] else "—",
                r["verdict"][:1].upper()
                + r["verdict"][1:]
                + (" (chậm so với lộ trình)" if r["behind"] and r["verdict"] == "chưa đạt chỉ tiêu" else ""),
            )
            for r in rows
        ),
    )
    return (Paragraph(summary), *(Paragraph(report_sentence(r)) for r in rows), table)


def _vn_day(iso: str) -> str:
    import datetime

    day = datetime.date.fromisoformat(iso)
    return f"{day.day}/{day.month}/{day.year}"


def build_document(inputs: dict, header: dict, narrative: dict, *, sha256: str = "") -> OfficialReport:
    n = narrative
    unit_body, unit_full = unit_tables(inputs)
    own = bool(inputs["scope"].get("unit"))
    unit_where = f"mục {chr(ord('A') + len(overflow_lists(inputs)))}"
    results_section = (
        Heading("1. Kết quả chung"),
        Paragraph(summary_sentence(inputs)),
        _table(inputs["by_section"], "Mục", "Bảng 1. Kết quả thực hiện theo mục", inputs["totals"]),
        *(
            ()
            if own
            else (
                Heading("2. Kết quả theo đơn vị chủ trì"),
                unit_body,
                *(
                    (Paragraph(f"Kết quả của từng đơn vị chủ trì tại Phụ lục, {unit_where}."),)
                    if unit_full
                    else ()
                ),
            )
        ),
        *(
            (
                Heading("2. Nội dung đã thực hiện" if own else "3. Kết quả các đơn vị báo cáo"),
                *_paragraphs(n.get("results")),
            )
            if n.get("results")
            else ()
        ),
    )
    # The parts the scope may not have (issue 22), numbered on from the last heading.
    number = sum(isinstance(b, Heading) for b in results_section)
    if inputs.get("targets"):
        number += 1
        results_section += (Heading(f"{number}. Kết quả thực hiện các chỉ tiêu"), *target_blocks(inputs))
    if inputs.get("budget"):
        number += 1
        results_section += (Heading(f"{number}. Kinh phí thực hiện"), *_paragraphs(inputs["budget"]))
    kinds = inputs["flags"]["by_kind"]
    flag_table = FigureTable(
        caption=f"Bảng {(2 if own else 3) + bool(inputs.get('targets'))}. Cảnh báo đỏ đang mở tại thời điểm chốt số liệu",
        # One row per flagged lead assignment, under its most severe flag: the kinds add up.
        columns=("Loại cảnh báo (nặng nhất)", "Số lượt giao"),
        rows=tuple((kind_label(k), kinds.get(k, 0)) for k in task_kinds()),
        total=("Tổng cộng", sum(kinds.values())),
    )
    shortcomings = (
        Heading("1. Tồn tại, hạn chế"),
        Paragraph(flags_sentence(inputs)),
        flag_table,
        *_paragraphs(n.get("shortcomings")),
        *((Heading("2. Nguyên nhân"), *_paragraphs(n.get("causes"))) if n.get("causes") else ()),
    )
    sections = (
        ReportSection("I", "Tình hình thực hiện, kết quả đạt được", results_section),
        ReportSection("II", "Tồn tại, hạn chế và nguyên nhân", shortcomings),
        ReportSection(
            "III",
            "Nhiệm vụ trọng tâm kỳ tới",
            (
                *((Paragraph(carried_sentence(inputs)),) if carried_sentence(inputs) else ()),
                Paragraph(next_sentence(inputs)),
                *_paragraphs(n.get("next_tasks")),
            ),
        ),
        ReportSection(
            "IV", "Đề xuất, kiến nghị", _paragraphs(n.get("proposals")) or (Paragraph("Không có."),)
        ),
    )
    return OfficialReport(
        parent_body=header.get("parent_body", ""),
        issuing_body=header.get("issuing_body", ""),
        number=header.get("number", ""),
        symbol=header.get("symbol", ""),
        place=header.get("place", ""),
        date=datetime.date.fromisoformat(header["date"]),
        title=header.get("title", ""),
        recipients=tuple(header.get("recipients") or ()),
        preamble=_paragraphs(n.get("preamble")),
        sections=sections,
        closing=_paragraphs(n.get("closing")),
        distribution=tuple(header.get("distribution") or ()),
        signature=Signature(
            authority=tuple(header.get("authority") or ()),
            title=header.get("signer_title", ""),
            name=header.get("signer_name", ""),
        ),
        appendix=_appendix(inputs, header),
        cut_off=datetime.datetime.fromisoformat(inputs["scope"]["cutoff_at"]),
        sha256=sha256,
    )
