"""From the inputs, the editable header and the narrative to an `OfficialReport`.

The figures (summary sentences, tables, the appendix) are always drawn from the inputs here,
never from what the user typed: a draft can reword the narrative, not the numbers.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from kpis.flags import flag_kinds, kind_label
from reports.document import (
    Appendix,
    AppendixRow,
    AppendixSection,
    FigureTable,
    Heading,
    OfficialReport,
    Paragraph,
    ReportSection,
    Signature,
    document_number,
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


def _more(count: int, shown: int) -> list[str]:
    if count <= shown:
        return []
    return [f"(Còn {count - shown} nội dung khác của các đơn vị, xem bản xuất Excel các báo cáo của kỳ.)"]


def _bounded(lines: list[str], count: int, *, head: str = "", limit: int = NARRATIVE_MAX) -> str:
    """`head`, then as many of `lines` as fit in `limit` characters, then how many were left out
    (of `count` in all, of which `lines` are the first)."""
    kept: list[str] = []
    size = len(head)
    for line in lines:
        more = _more(count, len(kept) + 1)
        # Room for this line and for the note of what is still left out after it.
        if size + len(line) + 1 + (len(more[0]) + 1 if more else 0) > limit:
            break
        kept.append(line)
        size += len(line) + 1
    return head + "\n".join(kept + _more(count, len(kept)))


def _date(iso: str | None) -> str:
    return datetime.date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""


def scope_words(inputs: dict) -> str:
    scope = inputs["scope"]
    plans = scope["plans"]
    if len(plans) == 1:
        plan = plans[0]
        what = f"Kế hoạch số {plan['code']}" if plan["code"] else f"kế hoạch “{plan['title']}”"
    else:
        what = f"{len(plans)} kế hoạch đang thực hiện"
    if scope["unit"]:
        what += f" của {scope['unit']['name']}"
    return what


def default_narrative(inputs: dict, *, issuing_body: str = "Ban Chỉ đạo tỉnh") -> dict:
    scope = inputs["scope"]
    words = scope["period_words"]

    def listed(key, fmt):
        block = inputs[key]
        return _bounded([fmt(i) for i in block["items"]], block["count"])

    flags = inputs["flags"]
    shortcomings = _bounded(
        [
            f"- {i['code']} {i['subtask']} ({i['unit']}): {' '.join(i['messages'])}"
            for i in flags["items"][:60]
        ],
        flags["count"],
    )
    nxt = inputs["next_period"]
    next_lines = [
        f"- {i['code']} {i['subtask']} — {', '.join(i['leads'])} — thời hạn {_date(i['deadline'])}."
        for i in nxt["items"][:60]
    ]
    return {
        "preamble": (
            f"Thực hiện {scope_words(inputs)}, {issuing_body} báo cáo tình hình thực hiện {words} như sau:"
        ),
        "results": listed("results", lambda i: f"- {i['unit']} ({i['code']}): {i['text']}"),
        "shortcomings": shortcomings,
        "causes": listed("difficulties", lambda i: f"- {i['unit']} ({i['code']}): {i['text']}"),
        "next_tasks": (
            _bounded(
                next_lines,
                nxt["count"],
                head="Tập trung chỉ đạo, đôn đốc các đơn vị hoàn thành các nhiệm vụ đến hạn trong kỳ tới:\n",
            )
            if next_lines
            else "Tiếp tục chỉ đạo, đôn đốc các đơn vị thực hiện các nhiệm vụ đang triển khai."
        ),
        "proposals": listed("proposals", lambda i: f"- {i['unit']} ({i['code']}): {i['text']}"),
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


def _n(value) -> str:
    """A count as Vietnamese documents write it: 1.034, grouped by dots (as in the tables)."""
    return f"{value:,}".replace(",", ".")


def summary_sentence(inputs: dict) -> str:
    t = inputs["totals"]
    scope = inputs["scope"]
    return (
        f"Tính đến hết ngày {_date(scope['cutoff'])}, có {_n(t['subtasks'])} tiểu nhiệm vụ với {_n(t['total'])} lượt "
        f"giao chủ trì cho {_n(t['units'])} đơn vị; trong đó hoàn thành đúng hạn {_n(t['completed_on_time'])}, "
        f"hoàn thành trễ hạn {_n(t['completed_late'])}, chờ thẩm định {_n(t['awaiting_review'])}, "
        f"đang thực hiện {_n(t['in_progress'])}, chưa thực hiện {_n(t['not_started'])}, "
        f"bị trả lại chờ hoàn thiện {_n(t['returned'])}; quá hạn chưa hoàn thành {_n(t['overdue'])}."
    )


def flags_sentence(inputs: dict) -> str:
    f = inputs["flags"]
    kinds = ", ".join(f"{kind_label(k).lower()} {_n(n)}" for k, n in f["by_kind"].items() if n)
    if not f["assignments"]:
        overdue = inputs["totals"]["overdue"]
        if overdue:
            # Flags come from the sweep; a task past its deadline is a shortcoming whether or not a
            # flag had been raised by the cut-off (the report must not say "none" beside Bảng 1's count).
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
    return (
        f"Trong kỳ tới ({scope['next_label']}, từ {_date(scope['next_start'])} đến {_date(scope['next_end'])}) "
        f"có {_n(n)} tiểu nhiệm vụ đến hạn hoàn thành chưa được công nhận hoàn thành."
    )


def _appendix(inputs: dict, header: dict) -> Appendix:
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
                status=r["status"],
                completion=Decimal(r["completion"]) if r["completion"] is not None else None,
                evidence_count=r["evidence"],
                flags=tuple(r["flags"]),
                general_task=r["general_task"],
                co_units=r["co_units"],
                latest_report=datetime.date.fromisoformat(r["latest_report"]) if r["latest_report"] else None,
            )
            for r in section["rows"]
        )
        sections.append(AppendixSection(code=section["code"], title=section["title"], rows=rows))
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
    )


def build_document(inputs: dict, header: dict, narrative: dict, *, sha256: str = "") -> OfficialReport:
    n = narrative
    results_section = (
        Heading("1. Kết quả chung"),
        Paragraph(summary_sentence(inputs)),
        _table(inputs["by_section"], "Mục", "Bảng 1. Kết quả thực hiện theo mục", inputs["totals"]),
        Heading("2. Kết quả theo đơn vị chủ trì"),
        _table(
            inputs["by_unit"], "Đơn vị", "Bảng 2. Kết quả thực hiện theo đơn vị chủ trì", inputs["totals"]
        ),
        *(
            (Heading("3. Kết quả các đơn vị báo cáo"), *_paragraphs(n.get("results")))
            if n.get("results")
            else ()
        ),
    )
    kinds = inputs["flags"]["by_kind"]
    flag_table = FigureTable(
        caption="Bảng 3. Cảnh báo đỏ đang mở tại thời điểm chốt số liệu",
        # One row per flagged lead assignment, under its most severe flag: the kinds add up.
        columns=("Loại cảnh báo (nặng nhất)", "Số lượt giao"),
        rows=tuple((kind_label(k), kinds.get(k, 0)) for k in flag_kinds()),
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
            (Paragraph(next_sentence(inputs)), *_paragraphs(n.get("next_tasks"))),
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
