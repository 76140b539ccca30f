"""The appendix workbook: formula-looking text stays text, frozen header, filters, real dates."""

import dataclasses
import io
import zipfile
from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook, load_workbook

from reports.document import AppendixSection, document_sha256
from reports.excel import APPENDIX_COLUMNS, appendix_workbook_bytes, looks_like_formula, write_formula_safe
from reports.sample import sample_report

DANGEROUS = ["=1+1", "+1", "-2+3", "@SUM(A1:A2)", '=HYPERLINK("http://x.example","bấm")', "\t=1+1", "\r=1+1"]


def _roundtrip(wb):
    out = io.BytesIO()
    wb.save(out)
    data = out.getvalue()
    return load_workbook(io.BytesIO(data)), data


@pytest.mark.parametrize("text", DANGEROUS)
def test_it_neutralises_text_that_looks_like_a_formula(text):
    wb = Workbook()
    cell = write_formula_safe(wb.active["A1"], text)
    assert looks_like_formula(text)
    assert cell.data_type == "s"
    back, data = _roundtrip(wb)
    read = back.active["A1"]
    assert read.value == text.replace("\r", "\n")  # unchanged: no visible apostrophe added
    assert read.data_type == "s"
    assert read.quotePrefix is True
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml


def test_it_leaves_ordinary_values_alone():
    wb = Workbook()
    ws = wb.active
    write_formula_safe(ws["A1"], "Sở Tư pháp")
    write_formula_safe(ws["A2"], 42)
    write_formula_safe(ws["A3"], date(2026, 1, 5))
    back, _ = _roundtrip(wb)
    a1, a2, a3 = back.active["A1"], back.active["A2"], back.active["A3"]
    assert (a1.value, a1.data_type, a1.quotePrefix) == ("Sở Tư pháp", "s", False)
    assert (a2.value, a2.data_type) == (42, "n")
    assert a3.is_date and a3.value == datetime(2026, 1, 5) and a3.number_format == "dd/mm/yyyy"


@pytest.fixture
def doc():
    doc = sample_report(45)
    first = doc.appendix.sections[0]
    evil = dataclasses.replace(first.rows[0], subtask="=cmd|' /C calc'!A0", flags=("-1 ngày",))
    sections = (dataclasses.replace(first, rows=(evil, *first.rows[1:])), *doc.appendix.sections[1:])
    doc = dataclasses.replace(doc, appendix=dataclasses.replace(doc.appendix, sections=sections))
    return dataclasses.replace(doc, sha256=document_sha256(doc))


def test_the_workbook_has_a_sheet_per_section_with_frozen_header_and_filters(doc):
    wb = load_workbook(io.BytesIO(appendix_workbook_bytes(doc)))
    sections = doc.appendix.sections
    assert wb.sheetnames == [
        "Nội dung báo cáo",
        "Bảng 1",
        "I. Về chuyển đổi số",
        "II. Về khoa học, công nghệ…",
        "III. Về cải cách thủ tục hành…",
        "IV. Về dữ liệu và hạ tầng số",
        "Thông tin báo cáo",
    ]
    for section, ws in zip(sections, wb.worksheets[2:], strict=False):
        assert [c.value for c in ws[1]] == ["Kế hoạch", *(c.title for c in APPENDIX_COLUMNS)]
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:N{len(section.rows) + 1}"
        assert ws.max_row == len(section.rows) + 1
        assert all(c.font.bold for c in ws[1])


def test_dates_are_dates_and_figures_are_the_rows(doc):
    wb = load_workbook(io.BytesIO(appendix_workbook_bytes(doc)))
    for section, ws in zip(doc.appendix.sections, wb.worksheets[2:], strict=False):
        rows = list(ws.iter_rows(min_row=2))
        for row, data in zip(rows, section.rows, strict=True):
            assert row[0].value == "1-KH/BCĐ"  # the plan column
            deadline, completion, latest, evidence = row[8], row[10], row[11], row[12]
            if data.deadline is None:
                assert deadline.value == "Thường xuyên" and deadline.data_type == "s"
            else:
                assert deadline.is_date and deadline.value.date() == data.deadline
                assert deadline.number_format == "dd/mm/yyyy"
            if data.latest_report:
                assert latest.is_date and latest.value.date() == data.latest_report
            # the PDF's completion column: approved completion as a number, else its words
            if data.completion_text:
                assert completion.value == data.completion_text == data.completion_label
                assert completion.data_type == "s"
            else:
                assert completion.value == (None if data.completion is None else float(data.completion))
            if data.status in ("Chờ thẩm định", "Chờ hoàn thiện"):
                assert not isinstance(completion.value, (int, float)), (data.status, completion.value)
            assert evidence.value == data.evidence_count
        statuses = Counter(r[9].value for r in rows)
        assert statuses == Counter(r.status for r in section.rows)


def test_the_workbook_neutralises_formulas_from_the_data(doc):
    wb = load_workbook(io.BytesIO(appendix_workbook_bytes(doc)))
    ws = wb["I. Về chuyển đổi số"]
    subtask, flags = ws["D2"], ws["N2"]
    assert subtask.value == "=cmd|' /C calc'!A0" and subtask.data_type == "s" and subtask.quotePrefix
    assert flags.value == "-1 ngày" and flags.quotePrefix


def _facts(doc) -> dict:
    wb = load_workbook(io.BytesIO(appendix_workbook_bytes(doc)))
    return {r[0].value: r[1] for r in wb["Thông tin báo cáo"].iter_rows(min_row=2)}


def test_the_information_sheet_names_the_report(doc):
    facts = {label: cell.value for label, cell in _facts(doc).items()}
    assert facts["Số, ký hiệu"] == "15/BC-BCĐ"
    assert facts["Mã kiểm tra SHA-256"] == doc.sha256
    assert facts["Số liệu tính đến"] == "23:59 ngày 31/12/2025" == doc.cut_off_label  # the PDF's footer
    assert (facts["Số tiểu nhiệm vụ"], facts["Số lượt giao chủ trì"]) == (45, 45)
    assert facts["Số đơn vị chủ trì"] == len({r.lead_unit for s in doc.appendix.sections for r in s.rows})


def test_the_cutoff_is_the_day_the_pdf_says_not_the_next_midnight(doc):
    # A report's cut-off is the last instant of its day (ReportScope.cutoff_at); as a date cell the
    # spreadsheet rounded 23:59:59.999999 up to 00:00 of the next day.
    last_instant = datetime(2025, 12, 31, 23, 59, 59, 999999, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    doc = dataclasses.replace(doc, cut_off=last_instant)
    cell = _facts(doc)["Số liệu tính đến"]
    assert cell.value == "23:59 ngày 31/12/2025" == doc.cut_off_label and cell.data_type == "s"


def test_the_counts_are_the_bodys_not_the_number_of_appendix_rows(doc):
    # One row may stand for a group of units ("UBND cấp xã (95 đơn vị)"): 73 rows, 1.034 assignments.
    appendix = dataclasses.replace(doc.appendix, subtask_count=50, assignment_count=1034, unit_count=121)
    facts = _facts(dataclasses.replace(doc, appendix=appendix))
    assert doc.appendix.row_count == 45
    assert {k: facts[k].value for k in ("Số tiểu nhiệm vụ", "Số lượt giao chủ trì", "Số đơn vị chủ trì")} == {
        "Số tiểu nhiệm vụ": 50,
        "Số lượt giao chủ trì": 1034,
        "Số đơn vị chủ trì": 121,
    }
    assert facts["Số lượt giao chủ trì"].number_format == "#,##0"  # 1.034 in a Vietnamese spreadsheet
    assert not any("phụ lục" in label for label in facts)
    unknown = dataclasses.replace(doc.appendix, subtask_count=None, assignment_count=None, unit_count=None)
    assert not {"Số tiểu nhiệm vụ", "Số lượt giao chủ trì"} & set(
        _facts(dataclasses.replace(doc, appendix=unknown))
    )  # counts the caller did not give are left out, never guessed from the rows


def test_long_or_clashing_section_titles_make_valid_sheet_names():
    from reports.excel import sheet_title

    taken: set[str] = set()
    long = AppendixSection(
        code="I", title="Về khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số: [dự án]"
    )
    first, second = sheet_title(long, taken), sheet_title(long, taken)
    assert len(first) <= 31 and len(second) <= 31 and first != second
    assert not set("[]:*?/\\") & set(first + second)


# The workbook beside the report (issue 18): what the PDF states, plan numbers, the same bytes.


def test_the_same_report_gives_the_same_bytes_whenever_it_is_saved(doc, monkeypatch):
    """openpyxl stamps the time of saving in the properties and in each zip entry: both are the
    report's date, so a regenerated workbook is the same file (and keeps its checksum)."""
    import datetime as dt
    import hashlib
    import time

    import openpyxl.writer.excel as excel_writer

    first = appendix_workbook_bytes(doc)
    later = time.time() + 400 * 86400

    class Later(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return dt.datetime.fromtimestamp(later, tz)

    monkeypatch.setattr(time, "time", lambda: later)
    monkeypatch.setattr(excel_writer.datetime, "datetime", Later)
    second = appendix_workbook_bytes(doc)
    assert hashlib.sha256(second).hexdigest() == hashlib.sha256(first).hexdigest()
    assert second == first
    entries = zipfile.ZipFile(io.BytesIO(first)).infolist()
    assert {e.date_time for e in entries} == {(2026, 1, 5, 0, 0, 0)}  # the report's date
    props = load_workbook(io.BytesIO(first)).properties
    assert props.created == props.modified == datetime(2026, 1, 5)
    # …and the content still decides: another figure, other bytes
    other = dataclasses.replace(doc, sha256="0" * 64)
    assert appendix_workbook_bytes(other) != first


def test_a_workbook_of_several_plans_names_the_plan_in_each_sheet_and_row(doc):
    plans = ("07-KH/BCĐ", "07-KH/BCĐ", "12-KH/UBND", "Kế hoạch chuyển đổi số năm 2026 của tỉnh")
    sections = tuple(
        dataclasses.replace(s, plan=p, title=f"{s.title} ({p})")
        for s, p in zip(doc.appendix.sections, plans, strict=True)
    )
    doc = dataclasses.replace(doc, appendix=dataclasses.replace(doc.appendix, sections=sections))
    wb = load_workbook(io.BytesIO(appendix_workbook_bytes(doc)))
    appendix = [n for n in wb.sheetnames if n not in ("Nội dung báo cáo", "Bảng 1", "Thông tin báo cáo")]
    # the plan's number kept whole, the section's heading cut after it (a plan without a number: its name's start)
    assert appendix == [
        "07-KH-BCĐ I. Về chuyển đổi số",
        "07-KH-BCĐ II. Về khoa học…",
        "12-KH-UBND III. Về cải cách…",
        "Kế hoạch… IV. Về dữ liệu và…",
    ]
    for section, name in zip(sections, appendix, strict=True):
        ws = wb[name]
        assert {r[0].value for r in ws.iter_rows(min_row=2)} == {section.plan}
        assert len(name) <= 31


def test_the_workbook_carries_the_narrative_and_the_bodys_tables(doc):
    wb = load_workbook(io.BytesIO(appendix_workbook_bytes(doc)))
    text = [tuple(c.value for c in row) for row in wb["Nội dung báo cáo"].iter_rows(min_row=2)]
    printed = [p.text for p in doc.preamble]
    printed += [b.text for s in doc.sections for b in s.blocks if b.kind == "paragraph"]
    printed += [p.text for p in doc.closing]
    assert [t for _, _, t in text if "trang tính «" not in t] == printed
    assert text[0][0] == "Mở đầu" and text[-1][0] == "Kết thúc"
    (table,) = [b for s in doc.sections for b in s.blocks if b.kind == "table"]
    sheet = wb["Bảng 1"]
    assert sheet["A1"].value == table.caption
    assert [c.value for c in sheet[2]] == list(table.columns)
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=3, max_row=sheet.max_row)]
    assert rows == [*table.rows, table.total]
    assert sheet.freeze_panes == "B3"


def test_the_deadline_keeps_the_appendixs_words_and_is_a_date_when_it_is_one():
    from datetime import date

    from reports.document import AppendixRow
    from reports.excel import deadline_cell

    def row(text, day=date(2025, 9, 30), change=""):
        return AppendixRow(
            code="1.1", subtask="", output="", kpi="", lead_unit="", status="", deadline=day,
            deadline_text=text, deadline_change=change,
        )  # fmt: skip

    assert deadline_cell(row("30/9/2025")) == date(2025, 9, 30)
    assert deadline_cell(row("30/09/2025")) == date(2025, 9, 30)
    assert deadline_cell(row("")) == date(2025, 9, 30)
    assert deadline_cell(row("30/9/2025 (đã thực hiện)")) == "30/9/2025 (đã thực hiện)"
    assert deadline_cell(row("30/6/2026; 31/12/2026")) == "30/6/2026; 31/12/2026"
    assert deadline_cell(row("30/9/2025", change="→ 31/03/2026")) == "30/9/2025 → 31/03/2026"
    assert deadline_cell(row("Thường xuyên", day=None)) == "Thường xuyên"


def test_a_claim_not_approved_reads_as_in_the_pdf():
    from decimal import Decimal

    from reports.assembly.document import completion_words
    from reports.document import AppendixRow

    shown, words = completion_words({"category": "awaiting_review", "completion": "100.0"})
    row = AppendixRow(
        code="1.1", subtask="", output="", kpi="", lead_unit="", status="Chờ thẩm định", deadline=None,
        completion=shown, completion_text=words,
    )  # fmt: skip
    assert row.completion_cell == row.completion_label == "Chờ thẩm định (báo 100%)"
    approved = dataclasses.replace(row, completion=Decimal("62.5"), completion_text="")
    assert approved.completion_cell == Decimal("62.5") and approved.completion_label == "62,5%"
