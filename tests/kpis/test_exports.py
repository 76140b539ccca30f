"""Every work list downloads as CSV and Excel: the rows its filters select (not the page on screen),
formula-safe, with Vietnamese headers, through the one export of nq57portal.exporting."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kpis.flags import FlagKind, RedFlag
from kpis.models import AssignmentState, ProgressReport, Status
from nq57portal.exporting import Column, iter_csv, safe_cell, xlsx_bytes
from tasks.models import Assignment, AssignmentRole, SubTask
from tests.factories import UnitFactory, UserFactory
from units.models import Role

from .conftest import at

pytestmark = pytest.mark.django_db
EVIL = '=HYPERLINK("http://x","bấm")'


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def read_xlsx(response) -> list[list]:
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in ws.iter_rows()]


def no_formula(table) -> bool:
    return not any(
        isinstance(cell, str) and cell.startswith(("=", "+", "-", "@", "\t", "\r"))
        for row in table
        for cell in row
    )


def many_subtasks(unit, general_task, plan, n, *, title=None):
    first = SubTask.objects.count()
    subtasks = SubTask.objects.bulk_create(
        SubTask(
            general_task=general_task,
            plan=plan,
            code=f"7.{first + i}",
            title=title if title and i == 0 else f"Nhiệm vụ số {i}",
            start_date=datetime.date(2025, 11, 1),
            deadline=datetime.date(2025, 12, 1) + datetime.timedelta(days=i),
            order=first + i,
        )
        for i in range(n)
    )
    return Assignment.objects.bulk_create(
        Assignment(subtask=s, unit=unit, role=AssignmentRole.LEAD) for s in subtasks
    )


# --- the one export ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx", "\n=x"])
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(value):
    assert safe_cell(value) == "'" + value
    columns = [Column("Giá trị", lambda row: row)]
    table = list(csv.reader(io.StringIO("".join(iter_csv([value], columns)).lstrip("\ufeff"))))
    assert table[1][0] == "'" + value
    ws = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([value], columns))).active
    cell = ws["A2"]
    assert cell.data_type == "s" and cell.quotePrefix  # text with Excel's own "quote prefix", not a formula


def test_plain_values_keep_their_form():
    rows = [("Sở Tư pháp", datetime.date(2026, 1, 5), Decimal("40.50"), None, True)]
    columns = [Column(f"Cột {n}", lambda row, n=n: row[n]) for n in range(5)]
    line = "".join(iter_csv(rows, columns)).lstrip("\ufeff").splitlines()[1]
    assert line == 'Sở Tư pháp,05/01/2026,"40,5",,Có'
    ws = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(rows, columns))).active
    assert [c.value for c in ws[2]][:3] == ["Sở Tư pháp", datetime.datetime(2026, 1, 5), 40.5]
    assert ws["A1"].value == "Cột 0" and ws["A1"].font.bold


# --- the lists ---------------------------------------------------------------------------------


def test_my_tasks_downloads_every_row_the_filters_select(client, subtask, plan, periods):
    staff = UserFactory(unit=UnitFactory(name="Sở Xây dựng"), roles=[Role.STAFF])
    client.force_login(staff)
    assignments = many_subtasks(staff.unit, subtask.general_task, plan, 70, title=EVIL)
    AssignmentState.objects.bulk_create(
        AssignmentState(assignment=a, status=Status.IN_PROGRESS, latest_completion=Decimal(30))
        for a in assignments[:60]
    )
    url = reverse("kpis:my_tasks")
    page = client.get(url, {"status": "in_progress"}).content.decode()
    assert "?status=in_progress&amp;export=csv" in page and "?status=in_progress&amp;export=xlsx" in page
    table = read_csv(client.get(url, {"status": "in_progress", "export": "csv", "page": "2"}))
    assert table[0][:3] == ["Kế hoạch", "Mã", "Tiểu nhiệm vụ"]
    assert len(table) == 1 + 60  # all of them, not the 50 of a page
    assert "'" + EVIL in [row[2] for row in table] and no_formula(table)
    assert {row[8] for row in table[1:]} == {"Đang thực hiện"}
    sheet = read_xlsx(client.get(url, {"status": "in_progress", "export": "xlsx"}))
    assert len(sheet) == 61 and EVIL in [row[2] for row in sheet]
    assert len(read_csv(client.get(url, {"export": "csv"}))) == 1 + 70


def _flag(assignment, kind, *, message="Quá hạn 5 ngày"):
    return RedFlag.objects.create(
        kind=kind,
        assignment=assignment,
        subtask=assignment.subtask,
        unit=assignment.unit,
        message_vi=message,
        raised_at=at(2026, 1, 5),
    )


def test_the_red_flag_list_downloads_its_filtered_flags_in_constant_queries(client, subtask, plan):
    unit = UnitFactory(name="@Sở lạ")
    assignments = many_subtasks(unit, subtask.general_task, plan, 40)
    for a in assignments[:3]:
        _flag(a, FlagKind.OVERDUE)
    _flag(assignments[3], FlagKind.LAGGING, message="Chậm")
    client.force_login(UserFactory(unit=None, roles=[Role.SECRETARIAT]))
    client.get(reverse("home"))  # the first request stamps the session's refresh time (one write)
    url = reverse("kpis:flags")
    with CaptureQueriesContext(connection) as few:
        table = read_csv(client.get(url, {"kind": "overdue", "export": "csv"}))
    assert table[0][:2] == ["Loại cảnh báo", "Đơn vị"] and len(table) == 4
    assert {row[0] for row in table[1:]} == {"Quá hạn"} and {row[1] for row in table[1:]} == {"'@Sở lạ"}
    for a in assignments[4:]:
        _flag(a, FlagKind.OVERDUE)
    with CaptureQueriesContext(connection) as many:
        table = read_csv(client.get(url, {"kind": "overdue", "export": "csv"}))
    assert len(table) == 1 + 39 and len(many.captured_queries) == len(few.captured_queries)
    response = client.get(url, {"kind": "overdue", "export": "xlsx"})
    assert len(read_xlsx(response)) == 40
    name = openpyxl.load_workbook(io.BytesIO(response.content)).active["B2"]
    assert name.value == "@Sở lạ" and name.data_type == "s" and name.quotePrefix  # as typed, never run


def test_the_review_queue_downloads_the_claims_of_its_filters(client, subtask, plan):
    near, far = UnitFactory(name="Sở Y tế"), UnitFactory(name="Sở Nội vụ")
    for unit in (near, far):
        for a in many_subtasks(unit, subtask.general_task, plan, 3, title=EVIL):
            AssignmentState.objects.create(
                assignment=a, status=Status.AWAITING_REVIEW, claimed_at=at(2026, 1, 2), latest_completion=100
            )
    client.force_login(UserFactory(unit=None, roles=[Role.REVIEWER]))
    url = reverse("evidence:queue")
    assert "export=xlsx" in client.get(url).content.decode()
    table = read_csv(client.get(url, {"unit": near.pk, "export": "csv"}))
    assert table[0][0] == "Gửi lúc" and len(table) == 4
    assert {row[5] for row in table[1:]} == {"Sở Y tế"} and no_formula(table)
    assert len(read_xlsx(client.get(url, {"export": "xlsx"}))) == 7


def test_the_review_queue_download_reads_its_columns_in_a_constant_number_of_queries(
    client, subtask, plan, november
):
    unit, group = UnitFactory(name="Sở Y tế"), UnitFactory(name="UBND các xã, phường")
    reviewer = UserFactory(unit=None, roles=[Role.REVIEWER])
    author = UserFactory(unit=unit, roles=[Role.STAFF])

    def claims(n):
        for a in many_subtasks(unit, subtask.general_task, plan, n):
            a.via_group = group
            a.save(update_fields=["via_group"])
            report = ProgressReport.objects.create(
                assignment=a, period=november, completion=100, is_claim=True, created_by=author,
                created_at=at(2025, 11, 20), updated_at=at(2025, 11, 20),
            )  # fmt: skip
            AssignmentState.objects.create(
                assignment=a, status=Status.AWAITING_REVIEW, claimed_at=at(2025, 11, 20),
                latest_completion=100, claim_report=report,
            )  # fmt: skip

    client.force_login(reviewer)
    client.get(reverse("home"))  # the first request stamps the session's refresh time (one write)
    url = reverse("evidence:queue")
    claims(2)
    with CaptureQueriesContext(connection) as few:
        read_csv(client.get(url, {"export": "csv"}))
    claims(20)
    with CaptureQueriesContext(connection) as many:
        table = read_csv(client.get(url, {"export": "csv"}))
    assert len(table) == 1 + 22 and len(many.captured_queries) == len(few.captured_queries)
    first = dict(zip(table[0], table[1], strict=True))
    assert first["Gửi lúc"] == "20/11/2025 09:00" and first["Kỳ báo cáo"] == "Tháng 11/2025"
    assert first["Kế hoạch"] == (plan.code or plan.title) and first["Đơn vị chủ trì"] == "Sở Y tế"
    assert first["Giao qua nhóm"] == "UBND các xã, phường" and first["Thời hạn"] == "01/12/2025"
    assert (first["Tỷ lệ hoàn thành (%)"], first["Số minh chứng"], first["Số lần đã trả lại"]) == (
        "100",
        "0",
        "0",
    )


def test_the_not_reported_list_downloads_its_period_and_unit(client, subtask, plan, november):
    health, home = UnitFactory(name="Sở Y tế"), UnitFactory(name="Sở Nội vụ")
    many_subtasks(health, subtask.general_task, plan, 4, title=EVIL)
    many_subtasks(home, subtask.general_task, plan, 2)
    client.force_login(UserFactory(unit=None, roles=[Role.SECRETARIAT]))
    url = reverse("kpis:not_reported")
    table = read_csv(client.get(url, {"period": november.pk, "unit": health.pk, "export": "csv"}))
    assert table[0][0] == "Đơn vị chủ trì" and len(table) == 1 + 4 and no_formula(table)
    assert {row[5] for row in table[1:]} == {"Chưa thực hiện"}
    sheet = read_xlsx(client.get(url, {"period": november.pk, "export": "xlsx"}))
    assert len(sheet) == 1 + 6


def test_the_audit_trail_downloads_as_excel_too(client):
    from audit.services import audit_record

    secretariat = UserFactory(unit=None, roles=[Role.SECRETARIAT])
    audit_record(actor=None, action="auth.login_failed", object_repr=EVIL)
    client.force_login(secretariat)
    page = client.get(reverse("audit:event_list")).content.decode()
    assert reverse("audit:event_export_xlsx") in page
    sheet = read_xlsx(client.get(reverse("audit:event_export_xlsx")))
    assert sheet[0][0] == "Thời điểm" and EVIL in [row[7] for row in sheet]
