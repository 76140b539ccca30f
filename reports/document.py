"""An official report as plain data: what the PDF and the workbook are drawn from.

The report builder fills an `OfficialReport` from the database as of a cut-off; the renderers
(`reports.pdf`, `reports.excel`) only lay it out. Nothing here touches the database, so the same
value can be archived as the report's inputs (`document_to_json`) and rendered again later.

Text is kept as written (Vietnamese, NFC); the renderers add the administrative formatting
(Decree 30/2020/NĐ-CP): the dashes and final punctuation of the "Nơi nhận" list, the padded
day and month of the date line, the "Số:" line.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar
from zoneinfo import ZoneInfo

Cell = str | int | Decimal | None

# Times are printed as the province reads them.
DISPLAY_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class Heading:
    """A numbered heading inside a section: level 2 "1. …" (bold), level 3 "1.1 …"/"a) …" (bold italic)."""

    text: str
    level: int = 2

    kind: ClassVar[str] = "heading"


@dataclass(frozen=True)
class Paragraph:
    """Body text: justified, first line indented. A paragraph starting with "- " is a dash item."""

    text: str

    kind: ClassVar[str] = "paragraph"


@dataclass(frozen=True)
class FigureTable:
    """A small table of figures in the body (by section, by unit).

    The first `label_columns` columns are text; the others are figures, centred, kept on one line,
    except `text_columns` (indices), words centred that wrap like text ("Chưa đạt chỉ tiêu (chậm so
    với lộ trình)" kept on one line would run past the page's margin).
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    caption: str = ""
    total: tuple[Cell, ...] | None = None
    label_columns: int = 1
    # Rows printed bold (a group's subtotal above its members), by index in `rows`.
    subtotals: tuple[int, ...] = ()
    note: str = ""
    text_columns: tuple[int, ...] = ()

    kind: ClassVar[str] = "table"

    def cell_class(self, n: int) -> str:
        if n < self.label_columns:
            return "label"
        return "words" if n in self.text_columns else "figure"

    @property
    def cells(self) -> list[dict]:
        """Rows ready to print: figures formatted, each cell with its alignment class."""
        rows = [(r, n in self.subtotals) for n, r in enumerate(self.rows)]
        rows += [(self.total, True)] if self.total else []
        return [
            {
                "total": total,
                "cells": [{"text": format_cell(v), "cls": self.cell_class(n)} for n, v in enumerate(row)],
            }
            for row, total in rows
        ]


Block = Heading | Paragraph | FigureTable


@dataclass(frozen=True)
class ReportSection:
    """A body section "I. TÌNH HÌNH THỰC HIỆN, KẾT QUẢ ĐẠT ĐƯỢC" and its blocks."""

    numeral: str
    title: str
    blocks: tuple[Block, ...] = ()

    @property
    def heading(self) -> str:
        return f"{self.numeral}. {self.title.upper()}"


@dataclass(frozen=True)
class Signature:
    """Who signs: authority lines ("TM. BAN CHỈ ĐẠO", "KT. TRƯỞNG BAN"), title, name."""

    title: str
    name: str
    authority: tuple[str, ...] = ()


@dataclass(frozen=True)
class AppendixRow:
    """One lead assignment of a sub-task as of the cut-off.

    `general_task`, `co_units` and `latest_report` are shown in the workbook only.
    `completion` is a percentage (0–100) or None when nothing was reported.
    """

    code: str
    subtask: str
    output: str
    kpi: str
    lead_unit: str
    deadline: date | None
    status: str
    deadline_text: str = ""
    completion: Decimal | int | None = None
    evidence_count: int = 0
    flags: tuple[str, ...] = ()
    general_task: str = ""
    co_units: str = ""
    latest_report: date | None = None
    # What the completion column prints when it is not the bare percentage (a claim not approved).
    completion_text: str = ""
    # An approved deadline change, as printed after the appendix's deadline ("→ 31/03/2026 theo văn bản …").
    deadline_change: str = ""

    @property
    def deadline_label(self) -> str:
        """The deadline as the plan's appendix writes it ("30/9/2025 (đã thực hiện)", a second
        deadline after the first), the date read from it only when there are no words; an approved
        change beside it, the appendix's kept."""
        if self.deadline_text:
            written = self.deadline_text
        elif self.deadline is not None:
            written = self.deadline.strftime("%d/%m/%Y")
        else:
            written = "Thường xuyên"
        return f"{written} {self.deadline_change}" if self.deadline_change else written

    @property
    def completion_label(self) -> str:
        """What the PDF's completion column prints (see completion_cell)."""
        value = self.completion_cell
        return format_percent(value) if isinstance(value, (Decimal, int)) else (value or "")

    @property
    def completion_cell(self) -> Decimal | int | str | None:
        """The completion column of the appendix, in the PDF and the workbook alike: the approved
        completion as a number, else the words that stand for it ("Chờ thẩm định (báo 100%)" for a
        claim not approved, never the reported figure as if it were approved), None when nothing
        was reported."""
        return self.completion_text or self.completion


@dataclass(frozen=True)
class AppendixSection:
    code: str
    title: str
    rows: tuple[AppendixRow, ...] = ()
    # The plan the section belongs to, by number (or name): the workbook's plan column and sheet names.
    plan: str = ""

    @property
    def heading(self) -> str:
        return f"{self.code}. {self.title}" if self.code else self.title


@dataclass(frozen=True)
class AppendixList:
    """A list of the body that did not fit it, printed complete at the head of the appendix."""

    title: str
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Appendix:
    """The landscape appendix table: "PHỤ LỤC", what it lists, and the rows by section.

    A row is one lead unit of a sub-task, or a group of units ("UBND cấp xã (95 đơn vị)") rolled
    up in one row, so `row_count` counts neither sub-tasks nor lead assignments. The counts the
    body states ("50 tiểu nhiệm vụ với 1.034 lượt giao chủ trì cho 121 đơn vị") are carried here
    by the caller, so the workbook can state the same; None when the caller did not give them.
    """

    sections: tuple[AppendixSection, ...]
    title: str = "PHỤ LỤC"
    subtitle: str = "Tiến độ thực hiện các nhiệm vụ"
    note: str = ""
    subtask_count: int | None = None
    assignment_count: int | None = None
    unit_count: int | None = None
    lists: tuple[AppendixList, ...] = ()
    # Figure tables too long for the body (Bảng 2 unit by unit), printed complete before the rows.
    tables: tuple[FigureTable, ...] = ()

    @property
    def row_count(self) -> int:
        return sum(len(s.rows) for s in self.sections)


@dataclass(frozen=True)
class OfficialReport:
    """Everything printed on an official report (Decree 30/2020/NĐ-CP, Appendix I).

    `number` is blank while drafting: the "Số:" line then leaves room to write it by hand.
    `sha256` is the checksum of the report's inputs, passed in by the caller and printed in the
    last page's footer with the cut-off; `document_sha256()` computes one from this value.
    """

    parent_body: str
    issuing_body: str
    symbol: str
    place: str
    date: date
    title: str
    recipients: tuple[str, ...]
    sections: tuple[ReportSection, ...]
    distribution: tuple[str, ...]
    signature: Signature
    cut_off: datetime
    number: str = ""
    document_type: str = "BÁO CÁO"
    preamble: tuple[Paragraph, ...] = ()
    closing: tuple[Paragraph, ...] = ()
    appendix: Appendix | None = None
    sha256: str = ""

    @property
    def number_line(self) -> str:
        # A blank number keeps the width of one written by hand (seed 001: "Số:      /BC-SKHCN").
        blank = f"{chr(0xA0) * 8}/{self.symbol.strip()}"
        return f"Số: {document_number(self.number, self.symbol) or blank}"

    @property
    def date_line(self) -> str:
        return date_line(self.place, self.date)

    @property
    def distribution_items(self) -> tuple[str, ...]:
        return list_punctuated(self.distribution)

    @property
    def recipient_items(self) -> tuple[str, ...]:
        return list_punctuated(self.recipients)

    @property
    def cut_off_local(self) -> datetime:
        """The cut-off on the province's clock, without a zone.

        Usually the last microsecond of the day (23:59:59.999999): print it with a format, never
        hand it to a spreadsheet, which rounds it to the next midnight.
        """
        if self.cut_off.tzinfo is None:
            return self.cut_off
        return self.cut_off.astimezone(DISPLAY_TZ).replace(tzinfo=None)

    @property
    def cut_off_label(self) -> str:
        return self.cut_off_local.strftime("%H:%M ngày %d/%m/%Y")


def document_number(number: str, symbol: str) -> str:
    """ "12/BC-BCĐ" as the "Số:" line prints it, or "" while the number is blank (written by hand
    after signing). Decree 30 writes numbers below 10 with a leading zero ("05/BC-BCĐ")."""
    number = (number or "").strip()
    if not number:
        return ""
    if number.isdigit():
        number = number.zfill(2)
    return f"{number}/{(symbol or '').strip()}"


def date_line(place: str, day: date) -> str:
    """ "Đồng Nai, ngày 05 tháng 01 năm 2026": Decree 30 pads days below 10 and the months
    1 and 2 with a zero (so "tháng 01", "tháng 02", but "tháng 3" … "tháng 12")."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def list_punctuated(items: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Each item ends with ";" and the last with "." (Decree 30's "Nơi nhận" and "Kính gửi" lists)."""
    cleaned = [i.strip().lstrip("-–").strip().rstrip(";.,").rstrip() for i in items]
    cleaned = [i for i in cleaned if i]
    return tuple(f"{i}{'.' if n == len(cleaned) - 1 else ';'}" for n, i in enumerate(cleaned))


def format_percent(value: Decimal | int | float) -> str:
    """75 → "75%", 62.5 → "62,5%": the one percent format of the report and its workbook, as
    seed 001 writes it (decimal comma, one decimal at most, no space before the sign)."""
    text = f"{Decimal(str(value)).quantize(Decimal('0.1')):f}"
    text = text.removesuffix(".0")
    return f"{text.replace('.', ',')}%"


def format_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, int):
        # thousands with a dot, the Vietnamese way: 1.234
        return f"{value:,}".replace(",", ".")
    if isinstance(value, Decimal):
        return f"{value:f}".replace(".", ",")
    return str(value)


# Archiving the inputs ----------------------------------------------------------------------

_TYPES = {
    cls.__name__: cls
    for cls in (
        Heading,
        Paragraph,
        FigureTable,
        ReportSection,
        Signature,
        AppendixRow,
        AppendixSection,
        AppendixList,
        Appendix,
        OfficialReport,
    )
}


def _encode(value):
    if dataclasses.is_dataclass(value):
        out = {"_type": type(value).__name__}
        for f in dataclasses.fields(value):
            out[f.name] = _encode(getattr(value, f.name))
        return out
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if isinstance(value, datetime):
        return {"_datetime": value.isoformat()}
    if isinstance(value, date):
        return {"_date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"_decimal": str(value)}
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    return value


def _decode(value):
    if isinstance(value, list):
        return tuple(_decode(v) for v in value)
    if isinstance(value, dict):
        if "_datetime" in value:
            return datetime.fromisoformat(value["_datetime"])
        if "_date" in value:
            return date.fromisoformat(value["_date"])
        if "_decimal" in value:
            return Decimal(value["_decimal"])
        cls = _TYPES[value["_type"]]
        return cls(**{k: _decode(v) for k, v in value.items() if k != "_type"})
    return value


def document_to_json(doc: OfficialReport) -> str:
    """Canonical JSON of the report (sorted keys, NFC text): the archived inputs."""
    return json.dumps(_encode(doc), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def document_from_json(text: str) -> OfficialReport:
    return _decode(json.loads(text))


def document_sha256(doc: OfficialReport) -> str:
    """SHA-256 of the canonical JSON with the checksum field itself left blank."""
    blank = dataclasses.replace(doc, sha256="")
    return hashlib.sha256(document_to_json(blank).encode()).hexdigest()


__all__ = [
    "Appendix",
    "AppendixRow",
    "AppendixSection",
    "Block",
    "Cell",
    "FigureTable",
    "Heading",
    "OfficialReport",
    "Paragraph",
    "ReportSection",
    "Signature",
    "date_line",
    "document_from_json",
    "document_number",
    "document_sha256",
    "document_to_json",
    "format_cell",
    "format_percent",
    "list_punctuated",
]
