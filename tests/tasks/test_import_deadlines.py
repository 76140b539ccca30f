import datetime

import pytest

from tasks.importing.deadlines import DeadlineError, parse_deadline
from tasks.importing.workbook import read_plan_workbook

from ._import_helpers import small_rows, write_xlsx

D = datetime.date


@pytest.mark.parametrize(
    ("written", "date", "ongoing"),
    [
        (datetime.datetime(2025, 11, 30), D(2025, 11, 30), False),
        ("30/11/2025", D(2025, 11, 30), False),
        ("30/9/2025 (đã thực hiện)", D(2025, 9, 30), False),
        ("31/12/2025 Riêng CSDL về tổ chức đảng, đảng viên, CBCC (31/12/2026)", D(2025, 12, 31), False),
        ("Thường xuyên", None, True),
        ("thường xuyên", None, True),
        ("Tháng 10/2025", D(2025, 10, 31), False),
        ("Trong tháng 10/2025", D(2025, 10, 31), False),
        ("trong tháng 2/2024", D(2024, 2, 29), False),
        ("Quý IV/2025", D(2025, 12, 31), False),
        ("Quý I/2026", D(2026, 3, 31), False),
        ("Quý 2/2026", D(2026, 6, 30), False),
        ("Năm 2026", D(2026, 12, 31), False),
        ("Trước ngày 17/10/2025", D(2025, 10, 17), False),
        ("Trước 31/12/2025", D(2025, 12, 31), False),
        ("ngày 15 tháng 10 năm 2025", D(2025, 10, 15), False),
    ],
)
def test_each_written_form_gives_its_date_and_keeps_the_text(written, date, ongoing):
    deadline = parse_deadline(written)
    assert deadline.date == date
    assert deadline.ongoing is ongoing
    assert deadline.understood
    if isinstance(written, str):
        assert deadline.text == written


def test_an_excel_date_is_written_as_the_appendix_writes_dates():
    assert parse_deadline(datetime.datetime(2026, 3, 31)).text == "31/3/2026"
    assert parse_deadline(46112).date == D(2026, 3, 31)  # a date serial in a cell without date format


@pytest.mark.parametrize("written", ["31/02/2026", "30/2/2025", "Quý V/2025", "Tháng 13/2025"])
def test_a_date_that_does_not_exist_is_an_error(written):
    with pytest.raises(DeadlineError):
        parse_deadline(written)


def test_text_without_a_date_is_kept_and_not_guessed():
    deadline = parse_deadline("Khi có yêu cầu của Trung ương")
    assert (deadline.date, deadline.ongoing, deadline.understood) == (None, False, False)
    assert deadline.text == "Khi có yêu cầu của Trung ương"


def test_31_02_in_a_workbook_is_an_error_of_its_row(tmp_path, db):
    path = write_xlsx(tmp_path / "bad.xlsx", small_rows(deadline="31/02/2026"))
    plan_data = read_plan_workbook(path)
    assert [(p.row, p.level) for p in plan_data.errors] == [
        (5, "error")
    ]  # row 5: title, title, header, section, then this row
    assert "31/02/2026" in plan_data.errors[0].message
    assert "không tồn tại" in plan_data.errors[0].message
