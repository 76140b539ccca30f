"""Targets from a sheet of the plan's workbook ("Chỉ tiêu" / "Mục tiêu"): one row per target, under a
header row naming the columns. All or nothing: one bad row refuses the whole sheet with every
problem listed by row, and nothing is changed.

Columns (found by their header, in any order, accents and case ignored; * required):
Mã*, Nhóm, Chỉ tiêu*, Đơn vị tính*, Tỷ lệ (có/không: tử số/mẫu số), Chiều (≥ ≤ =), Cách tính
(Lũy kế / Theo kỳ), Giá trị nền, Ngày nền, Mốc 1*, Hạn mốc 1*, Mốc 2, Hạn mốc 2, Đơn vị chịu
trách nhiệm* (several separated by ";" or line breaks), Nguồn số liệu.
A target already in the plan under the same code is updated; its reported values are kept.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from tasks.importing.data import ImportFileError
from tasks.importing.workbook.files import open_workbook
from units.naming import clean_text, search_key
from units.permissions import is_secretariat

from .models import Accumulation, Target, TargetDirection
from .services import target_save

SHEET_WORDS = ("chi tieu", "muc tieu")
# header key (search_key of the header) → field; the first matching prefix wins, longest first.
HEADERS = {
    "ma": "code",
    "ma chi tieu": "code",
    "nhom": "group",
    "nhom muc tieu": "group",
    "chi tieu": "text",
    "noi dung": "text",
    "noi dung chi tieu": "text",
    "don vi tinh": "measure",
    "ty le": "is_share",
    "chieu": "direction",
    "cach tinh": "accumulation",
    "gia tri nen": "baseline_value",
    "ngay nen": "baseline_date",
    "moc 1": "m1_value",
    "han moc 1": "m1_date",
    "moc 2": "m2_value",
    "han moc 2": "m2_date",
    "don vi chiu trach nhiem": "units",
    "don vi thuc hien": "units",
    "nguon so lieu": "data_source",
}
REQUIRED = ("code", "text", "measure", "m1_value", "m1_date", "units")
DIRECTIONS = {
    "≥": TargetDirection.AT_LEAST,
    ">=": TargetDirection.AT_LEAST,
    "toi thieu": TargetDirection.AT_LEAST,
    "it nhat": TargetDirection.AT_LEAST,
    "≤": TargetDirection.AT_MOST,
    "<=": TargetDirection.AT_MOST,
    "toi da": TargetDirection.AT_MOST,
    "=": TargetDirection.EXACTLY,
    "dung bang": TargetDirection.EXACTLY,
}
ACCUMULATIONS = {"luy ke": Accumulation.CUMULATIVE, "theo ky": Accumulation.PER_PERIOD}
YES = {"co", "x", "ty le", "tu so mau so", "1"}
NO = {"", "khong", "0"}
DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


@dataclass
class TargetRow:
    row: int
    fields: dict = field(default_factory=dict)


class SheetProblems(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _sheet(workbook):
    for ws in workbook.worksheets:
        key = search_key(ws.title)
        if any(word in key for word in SHEET_WORDS):
            return ws
    return None


def _decimal(value) -> Decimal:
    if isinstance(value, bool):
        raise InvalidOperation
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))  # the number as the spreadsheet shows it, not its binary tail
    text = clean_text(value).replace(" ", "").rstrip("%")
    if "," in text:  # Vietnamese: 1.234,5
        text = text.replace(".", "").replace(",", ".")
    return Decimal(text)


def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    found = DATE.fullmatch(clean_text(value))
    if not found:
        raise ValueError
    day, month, year = (int(g) for g in found.groups())
    return datetime.date(year, month, day)


def _header(rows) -> tuple[int, dict[int, str]] | None:
    for number, row in enumerate(rows, start=1):
        columns = {}
        for index, cell in enumerate(row):
            key = search_key(clean_text(cell)).rstrip(" *")
            if key in HEADERS and HEADERS[key] not in columns.values():
                columns[index] = HEADERS[key]
        if "code" in columns.values() and "text" in columns.values():
            return number, columns
        if number >= 10:
            break
    return None


def read_sheet(source, registry) -> list[dict]:
    """The targets of the workbook's target sheet, checked; ImportFileError or SheetProblems."""
    workbook = open_workbook(source)
    try:
        ws = _sheet(workbook)
        if ws is None:
            raise ImportFileError(
                _("Tệp không có trang tính chỉ tiêu: cần một trang tên có chữ “Chỉ tiêu” hoặc “Mục tiêu”.")
            )
        rows = list(ws.iter_rows(values_only=True, max_row=2000))
    finally:
        workbook.close()
    found = _header(rows)
    if found is None:
        raise ImportFileError(
            _("Trang “%(sheet)s” không có dòng tiêu đề với cột “Mã” và cột “Chỉ tiêu”.") % {"sheet": ws.title}
        )
    header_row, columns = found
    missing = [name for name in REQUIRED if name not in columns.values()]
    if missing:
        names = {v: k for k, v in reversed(list(HEADERS.items()))}
        raise ImportFileError(
            _("Trang “%(sheet)s” thiếu cột: %(columns)s.")
            % {"sheet": ws.title, "columns": ", ".join(_column_words(names[m]) for m in missing)}
        )
    problems, targets, codes = [], [], {}
    for number, row in enumerate(rows[header_row:], start=header_row + 1):
        raw = {name: row[i] if i < len(row) else None for i, name in columns.items()}
        if all(clean_text(v) == "" for v in raw.values()):
            continue
        target, errors = _target(raw, registry)
        code = target.get("code")
        if code and code in codes:
            errors.append(_("mã %(code)s trùng với dòng %(row)s") % {"code": code, "row": codes[code]})
        codes.setdefault(code, number)
        if errors:
            problems.append(_("Dòng %(row)s: %(errors)s.") % {"row": number, "errors": "; ".join(errors)})
        else:
            targets.append(target)
    if problems:
        raise SheetProblems(problems)
    if not targets:
        raise ImportFileError(
            _("Trang “%(sheet)s” không có chỉ tiêu nào dưới dòng tiêu đề.") % {"sheet": ws.title}
        )
    return targets


def _column_words(key: str) -> str:
    words = {
        "ma": "Mã",
        "chi tieu": "Chỉ tiêu",
        "don vi tinh": "Đơn vị tính",
        "moc 1": "Mốc 1",
        "han moc 1": "Hạn mốc 1",
        "don vi chiu trach nhiem": "Đơn vị chịu trách nhiệm",
    }
    return f"“{words.get(key, key)}”"


def _target(raw: dict, registry) -> tuple[dict, list[str]]:
    errors: list[str] = []
    text = {k: clean_text(v) for k, v in raw.items()}
    target = {
        "code": text.get("code", ""),
        "group": text.get("group", ""),
        "text": text.get("text", ""),
        "measure": text.get("measure", ""),
        "data_source": text.get("data_source", ""),
    }
    for name, words in (
        ("code", _("thiếu mã")),
        ("text", _("thiếu nội dung chỉ tiêu")),
        ("measure", _("thiếu đơn vị tính")),
    ):
        if not target[name]:
            errors.append(words)
    share = search_key(text.get("is_share", ""))
    if share in YES:
        target["is_share"] = True
    elif share in NO:
        target["is_share"] = False
    else:
        errors.append(_("cột “Tỷ lệ” ghi “có” hoặc “không”"))
    sign = text.get("direction", "")
    target["direction"] = (
        DIRECTIONS.get(sign)
        or DIRECTIONS.get(search_key(sign))
        or (TargetDirection.AT_LEAST if not sign else None)
    )
    if target["direction"] is None:
        errors.append(_("chiều “%(value)s” không hiểu được (ghi ≥, ≤ hoặc =)") % {"value": sign})
    how = search_key(text.get("accumulation", ""))
    target["accumulation"] = ACCUMULATIONS.get(how) or (Accumulation.CUMULATIVE if not how else None)
    if target["accumulation"] is None:
        errors.append(
            _("cách tính “%(value)s” không hiểu được (ghi “Lũy kế” hoặc “Theo kỳ”)")
            % {"value": text["accumulation"]}
        )
    milestones = []
    for n in (1, 2):
        value, due = raw.get(f"m{n}_value"), raw.get(f"m{n}_date")
        if clean_text(value) == "" and clean_text(due) == "" and n == 2:
            continue
        try:
            amount = _decimal(value)
        except (InvalidOperation, ValueError):
            errors.append(
                _("giá trị mốc %(n)s “%(value)s” không phải là số") % {"n": n, "value": clean_text(value)}
            )
            continue
        try:
            milestones.append((amount, _date(due)))
        except (ValueError, TypeError):
            errors.append(
                _("hạn mốc %(n)s “%(value)s” không phải ngày dd/mm/yyyy") % {"n": n, "value": clean_text(due)}
            )
    target["milestones"] = milestones
    target["baseline_value"] = target["baseline_date"] = None
    if text.get("baseline_value") or text.get("baseline_date"):
        try:
            target["baseline_value"] = _decimal(raw["baseline_value"])
            target["baseline_date"] = _date(raw["baseline_date"])
        except (InvalidOperation, ValueError, TypeError, KeyError):
            errors.append(_("giá trị nền cần một số và một ngày dd/mm/yyyy"))
    names = [clean_text(n) for n in re.split(r"[;\n]", str(raw.get("units") or "")) if clean_text(n)]
    units, unknown = [], []
    for name in names:
        unit = registry.resolve(name)
        (units.append(unit) if unit else unknown.append(name))
    if not names:
        errors.append(_("thiếu đơn vị chịu trách nhiệm"))
    if unknown:
        errors.append(_("không tìm thấy đơn vị: %(names)s") % {"names": ", ".join(unknown)})
    target["units"] = units
    return target, errors


@transaction.atomic
def targets_import(*, plan, source, registry=None, actor, now=None) -> list[Target]:
    """Enter (or update, by code) the plan's targets from the workbook's target sheet: all of them,
    or none with every problem (ValidationError under "file")."""
    from units.registry import UnitRegistry

    now = now or timezone.now()
    if not is_secretariat(actor):
        raise PermissionDenied
    try:
        rows = read_sheet(source, registry or UnitRegistry.load())
    except ImportFileError as exc:
        raise ValidationError({"file": str(exc)}) from None
    except SheetProblems as exc:
        raise ValidationError({"file": exc.problems}) from None
    existing = {t.code: t for t in Target.objects.filter(plan=plan)}
    saved = []
    for order, row in enumerate(rows, start=1):
        try:
            saved.append(
                target_save(
                    plan=plan, target=existing.get(row["code"]), order=order, actor=actor, now=now, **row
                )
            )
        except ValidationError as exc:
            raise ValidationError(
                {
                    "file": [
                        _("Chỉ tiêu %(code)s: %(errors)s")
                        % {"code": row["code"], "errors": " ".join(exc.messages)}
                    ]
                }
            ) from None
    audit_record(
        actor=actor,
        action="targets.import",
        obj=plan,
        changes={"targets": [None, [t.code for t in saved]]},
        now=now,
    )
    return saved
