"""Files that are not usable appendices: a clear Vietnamese message, nothing written."""

import io
import zipfile

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from tasks.importing import ImportFileError, read_plan_workbook
from tasks.models import Plan, SubTask

from ._import_helpers import HEADER, cfb_container, load_registry, small_rows, write_xlsx

pytestmark = pytest.mark.django_db


def _import_command_fails(path, match):
    with pytest.raises(CommandError, match=match):
        call_command("import_plan", str(path))
    assert Plan.objects.count() == 0
    assert SubTask.objects.count() == 0


def test_a_text_file_is_not_an_xlsx(tmp_path):
    path = tmp_path / "phu-luc.xlsx"
    path.write_text("Đây không phải bảng tính", encoding="utf-8")
    _import_command_fails(path, "không phải là bảng tính Excel")


def test_a_password_protected_workbook_is_refused(tmp_path):
    path = tmp_path / "mat-khau.xlsx"
    path.write_bytes(
        cfb_container(
            {
                "EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00" + b"x" * 200,
                "EncryptedPackage": b"\x01" * 5000,
            }
        )
    )
    assert path.read_bytes()[:8] == bytes.fromhex("D0CF11E0A1B11AE1")
    _import_command_fails(path, "bảo vệ bằng mật khẩu")


def test_an_old_xls_is_told_to_be_saved_as_xlsx(tmp_path):
    path = tmp_path / "cu.xls"
    path.write_bytes(cfb_container({"Workbook": b"\x09\x08" + b"\0" * 5000}))
    _import_command_fails(path, r"\.xls")


def test_a_corrupt_zip_is_refused(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", small_rows()).read_bytes()
    path = tmp_path / "hong.xlsx"
    path.write_bytes(good[: len(good) // 2])
    _import_command_fails(path, "bị hỏng")


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "xin chào")
    path = tmp_path / "nen.xlsx"
    path.write_bytes(buffer.getvalue())
    _import_command_fails(path, "không phải là bảng tính Excel")


def test_a_damaged_sheet_inside_a_valid_zip_is_refused(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", small_rows())
    buffer = io.BytesIO()
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(buffer, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            dst.writestr(info, data)
    path = tmp_path / "sheet-hong.xlsx"
    path.write_bytes(buffer.getvalue())
    _import_command_fails(path, "hỏng|không đúng cấu trúc")


def test_more_than_5000_rows_is_refused(tmp_path):
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    sheet.append(["I. Mục"])
    sheet.append(["1. Nhiệm vụ", "1.1 Việc", "", "", "Sở Y tế", "", "31/12/2025"])
    for n in range(2, 5001):
        sheet.append([None, f"1.{n} Việc {n}", "", "", "Sở Y tế", "", "31/12/2025"])
    path = tmp_path / "lon.xlsx"
    workbook.save(path)
    _import_command_fails(path, "hơn 5.000 dòng")


def test_exactly_5000_rows_is_accepted(tmp_path):
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    sheet.append(["I. Mục"])
    sheet.append(["1. Nhiệm vụ", "1.1 Việc", "", "", "Sở Y tế", "", "31/12/2025"])
    for n in range(2, 4999):
        sheet.append([None, f"1.{n} Việc {n}", "", "", "Sở Y tế", "", "31/12/2025"])
    path = tmp_path / "du.xlsx"
    workbook.save(path)
    plan_data = read_plan_workbook(path)
    assert len(plan_data.subtasks) == 4998
    assert plan_data.errors == []


def test_a_sheet_without_a_recognisable_header_is_refused(tmp_path):
    path = write_xlsx(
        tmp_path / "khong-tieu-de.xlsx",
        [["a", "b", "c"], ["1", "2", "3"]],
        header=["Cột A", "Cột B", "Cột C"],
    )
    _import_command_fails(path, "Không tìm thấy dòng tiêu đề")


def test_a_header_below_row_10_is_not_searched(tmp_path):
    path = write_xlsx(tmp_path / "sau.xlsx", small_rows(), title_rows=[f"Dòng {i}" for i in range(10)])
    with pytest.raises(ImportFileError, match="10 dòng đầu"):
        read_plan_workbook(path)


def test_formulas_are_errors_with_their_text_never_evaluated(tmp_path):
    rows = small_rows()
    rows[1][3] = '=CONCAT("100","%")'
    rows[2][6] = "=DATE(2025,12,31)"
    path = write_xlsx(tmp_path / "cong-thuc.xlsx", rows)
    plan_data = read_plan_workbook(path)
    messages = [str(p) for p in plan_data.errors]
    assert any("D5" in m and "=CONCAT" in m and "công thức" in m for m in messages), messages
    assert any("G6" in m and "=DATE(2025,12,31)" in m for m in messages), messages
    # The text is what is kept; nothing computed 100% or a date from it.
    assert plan_data.subtasks[0].kpi == '=CONCAT("100","%")'
    assert plan_data.subtasks[1].deadline is None
    load_registry()
    _import_command_fails(path, "lỗi")


def test_duplicate_codes_are_errors_with_both_rows(tmp_path):
    rows = small_rows()
    rows.append([None, "1.1 Lặp lại mã", "Báo cáo", "", "Sở Y tế", "", "31/12/2025"])
    rows.append(["1. Nhiệm vụ lặp mã", "1.9 Việc", "", "", "Sở Y tế", "", "31/12/2025"])
    path = write_xlsx(tmp_path / "trung.xlsx", rows)
    plan_data = read_plan_workbook(path)
    messages = [(p.row, p.message) for p in plan_data.errors]
    assert (7, "Trùng mã tiểu nhiệm vụ “1.1” (đã có ở dòng 5).") in messages
    assert (8, "Trùng mã nhiệm vụ tổng quát “1” (đã có ở dòng 5).") in messages
    load_registry()
    _import_command_fails(path, "lỗi")


def test_31_02_blocks_the_whole_import(tmp_path):
    load_registry()
    path = write_xlsx(tmp_path / "ngay.xlsx", small_rows(deadline="31/02/2026"))
    _import_command_fails(path, "lỗi")


def test_dry_run_writes_nothing(tmp_path, capsys):
    load_registry()
    path = write_xlsx(tmp_path / "ok.xlsx", small_rows())
    call_command("import_plan", str(path), "--dry-run")
    assert Plan.objects.count() == 0
    assert "không ghi gì" in capsys.readouterr().out
