"""The list downloads' workbook, written as SpreadsheetML text: what a reader opens is what openpyxl
would have written (types, date formats, the bold frozen header, widths, formula-safe text)."""

import datetime
import io
import zipfile
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
from django.test import override_settings

from kpis.exports import _label
from kpis.models import Status
from nq57portal.xlsx_sheet import sheet_bytes


def test_values_keep_their_type_and_format():
    hanoi = ZoneInfo("Asia/Ho_Chi_Minh")
    row = [
        'Sở Tư pháp <&> "trích"',
        datetime.date(2026, 1, 5),
        datetime.datetime(2026, 1, 5, 1, 30, tzinfo=datetime.UTC),
        Decimal("40.50"),
        7,
        2.25,
        True,
        None,
        "dòng 1\r\ndòng 2",
        "ký tự\x0b lạ",
        "",
    ]
    header = [f"Cột {n}" for n in range(len(row))]
    widths = [32, 14, 16, 8, 8, 8, 8, 8, 20, 20, 8]
    with override_settings(TIME_ZONE="Asia/Ho_Chi_Minh"):
        data = sheet_bytes(header, widths, [row], sheet="Quá hạn [12/2026]: danh sách dài hơn ba mươi mốt")
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws.title == "Quá hạn -12-2026-- danh sách dà"  # Excel refuses []:*?/\\ in a name
    assert [c.value for c in ws[1]] == header and all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width == 32 and ws.column_dimensions["I"].width == 20
    values = [c.value for c in ws[2]]
    assert values[0] == 'Sở Tư pháp <&> "trích"'
    assert values[1] == datetime.datetime(2026, 1, 5) and ws["B2"].number_format == "dd/mm/yyyy"
    local = datetime.datetime(2026, 1, 5, 1, 30, tzinfo=datetime.UTC).astimezone(hanoi).replace(tzinfo=None)
    assert values[2] == local and ws["C2"].number_format == "dd/mm/yyyy hh:mm"
    assert values[3:8] == [40.5, 7, 2.25, True, None]
    assert values[8] == "dòng 1\ndòng 2" and values[9] == "ký tự lạ" and values[10] is None
    assert not any(c.quotePrefix for c in ws[2])


def test_text_a_spreadsheet_would_run_is_text_with_the_quote_prefix():
    evil = ['=HYPERLINK("http://x","bấm")', "+1", "-1", "@A1", "\tx", "\rx", "\n=x"]
    data = sheet_bytes(["=tiêu đề"] + [f"Cột {n}" for n in range(len(evil) - 1)], [10] * len(evil), [evil])
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws["A1"].quotePrefix and ws["A1"].font.bold and ws["A1"].value == "=tiêu đề"
    for cell in ws[2]:
        assert cell.data_type == "s" and cell.quotePrefix
    assert ws["A2"].value == evil[0]
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # never a formula


def test_many_rows_and_columns_past_z():
    header = [f"C{n}" for n in range(30)]
    rows = ([r * 100 + n for n in range(30)] for r in range(1000))
    ws = openpyxl.load_workbook(io.BytesIO(sheet_bytes(header, [8] * 30, rows))).active
    assert ws.max_row == 1001 and ws.max_column == 30
    assert ws["AD1"].value == "C29" and ws["AD1001"].value == 99929


def test_a_status_label_is_translated_once_per_language():
    from django.utils import translation

    labels = {}
    for language in ("vi", "en", "vi"):
        with translation.override(language):
            assert _label(Status, Status.COMPLETED) == str(Status.COMPLETED.label)
            labels[language] = _label(Status, Status.COMPLETED)
    assert labels["vi"] != labels["en"]  # the English catalogue translates it


def test_the_header_wraps_and_an_autofilter_covers_every_row():
    rows = [["a", 1], ["b", 2], ["c", 3]]
    ws = openpyxl.load_workbook(io.BytesIO(sheet_bytes(["Tên", "Số"], [10, 8], rows, autofilter=True))).active
    assert ws.auto_filter.ref == "A1:B4"
    assert ws["A1"].alignment.wrap_text and ws["A1"].alignment.vertical == "center" and ws["A1"].font.bold
    plain = openpyxl.load_workbook(io.BytesIO(sheet_bytes(["Tên", "Số"], [10, 8], rows))).active
    assert not plain.auto_filter.ref
