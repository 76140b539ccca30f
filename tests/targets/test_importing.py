import datetime
import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from targets.importing import targets_import
from targets.models import Target

from .world import NOW, World

pytestmark = pytest.mark.django_db

HEADER = [
    "Mã",
    "Chỉ tiêu",
    "Đơn vị tính",
    "Tỷ lệ",
    "Chiều",
    "Cách tính",
    "Giá trị nền",
    "Ngày nền",
    "Mốc 1",
    "Hạn mốc 1",
    "Mốc 2",
    "Hạn mốc 2",
    "Đơn vị chịu trách nhiệm",
    "Nguồn số liệu",
]
GOOD = [
    [
        "1.1.5",
        "Có ≥ 80% dịch vụ công trực tuyến toàn trình",
        "%",
        "có",
        "≥",
        "Lũy kế",
        20,
        "01/01/2025",
        80,
        "01/01/2026",
        100,
        "31/12/2030",
        "Văn phòng UBND tỉnh",
        "Cổng DVC",
    ],
    [
        "1.2.1",
        "Ban hành 03 cơ chế chính sách",
        "cơ chế chính sách",
        "không",
        "",
        "Theo kỳ",
        None,
        None,
        3,
        datetime.datetime(2026, 9, 30),
        None,
        None,
        "Văn phòng UBND tỉnh; Công an tỉnh",
        "",
    ],
]


def workbook(rows, *, sheet="Chỉ tiêu", header=HEADER) -> bytes:
    wb = openpyxl.Workbook()
    wb.active.title = "Phụ lục"
    wb.active.append(["Nhiệm vụ", "Tiểu nhiệm vụ"])
    ws = wb.create_sheet(sheet)
    ws.append(["CÁC CHỈ TIÊU CỦA KẾ HOẠCH"])
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def world():
    return World()


def run(world, data):
    return targets_import(plan=world.plan, source=data, actor=world.secretariat, now=NOW)


def test_it_imports_the_target_sheet(world):
    saved = run(world, workbook(GOOD))
    assert [t.code for t in saved] == ["1.1.5", "1.2.1"]
    share, count = saved
    assert (
        share.is_share and share.baseline_value == D(20) and share.baseline_date == datetime.date(2025, 1, 1)
    )
    assert [(m.value, m.due_date) for m in share.milestones.all()] == [
        (D(80), datetime.date(2026, 1, 1)),
        (D(100), datetime.date(2030, 12, 31)),
    ]
    assert count.accumulation == "per_period" and not count.is_share
    assert sorted(u.name for u in count.units.all()) == ["Công an tỉnh", "Văn phòng UBND tỉnh"]
    # Again: updated by code, not doubled.
    run(world, workbook([[*GOOD[0][:8], 85, *GOOD[0][9:]]]))
    assert Target.objects.count() == 2
    assert Target.objects.get(code="1.1.5").milestones.first().value == D(85)


@pytest.mark.parametrize(
    "row, words",
    [
        ([*GOOD[0][:8], "tám mươi", *GOOD[0][9:]], "Dòng 4: giá trị mốc 1 “tám mươi” không phải là số"),
        ([*GOOD[0][:9], "2026-13-01", *GOOD[0][10:]], "hạn mốc 1 “2026-13-01” không phải ngày dd/mm/yyyy"),
        ([*GOOD[0][:12], "Sở Không Có", GOOD[0][13]], "không tìm thấy đơn vị: Sở Không Có"),
        ([*GOOD[0][:4], "gần bằng", *GOOD[0][5:]], "chiều “gần bằng” không hiểu được"),
        (["", *GOOD[0][1:]], "thiếu mã"),
        ([*GOOD[0][:6], 20, None, *GOOD[0][8:]], "giá trị nền cần một số và một ngày"),
    ],
)
def test_a_bad_row_refuses_the_whole_sheet(world, row, words):
    with pytest.raises(ValidationError) as exc:
        run(world, workbook([GOOD[1], row]))
    assert any(words in m for m in exc.value.message_dict["file"]), exc.value.message_dict
    assert not Target.objects.exists()


def test_two_rows_with_one_code(world):
    with pytest.raises(ValidationError) as exc:
        run(world, workbook([GOOD[0], GOOD[0]]))
    assert "Dòng 4: mã 1.1.5 trùng với dòng 3." in exc.value.message_dict["file"]


@pytest.mark.parametrize(
    "data, words",
    [
        (b"", "Tệp rỗng."),
        (b"not a workbook at all", ""),
        (workbook(GOOD, sheet="Phụ lục 2"), "Tệp không có trang tính chỉ tiêu"),
        (workbook(GOOD, header=["Số", "Nội dung khác"]), "không có dòng tiêu đề"),
        (workbook(GOOD, header=HEADER[:8]), "thiếu cột: “Mốc 1”, “Hạn mốc 1”, “Đơn vị chịu trách nhiệm”"),
        (workbook([]), "không có chỉ tiêu nào"),
    ],
)
def test_a_bad_workbook_is_refused_with_a_clear_message(world, data, words):
    with pytest.raises(ValidationError) as exc:
        run(world, data)
    message = " ".join(exc.value.message_dict["file"])
    assert words in message and message
    assert not Target.objects.exists()


def test_a_target_the_services_refuse_refuses_the_sheet(world):
    row = [*GOOD[0][:6], 20, "01/06/2026", *GOOD[0][8:]]  # baseline after the first milestone
    with pytest.raises(ValidationError) as exc:
        run(world, workbook([GOOD[1], row]))
    assert "Chỉ tiêu 1.1.5:" in exc.value.message_dict["file"][0]
    assert not Target.objects.exists()
