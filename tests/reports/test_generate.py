"""Generating a report end to end (job run eagerly): every figure in the PDF text and in the
workbook equals the count made from the rows as of the cut-off; again is equal; formulas
are neutralised; the PDF passes the Decree 30 checker."""

import hashlib
import io
import re
import subprocess

import openpyxl
import pytest
from django.core.files.storage import storages

from evidence.models import Evidence
from kpis.models import ProgressReport, ReportStatus
from reports.archive import FrozenReportError, GeneratedReport, GeneratedReportStatus
from reports.jobs import generate_report
from reports.raw_export import raw_reports_workbook
from reports.services import report_draft, report_generate
from tasks.models import SubTask
from tests.factories import UserFactory
from units.models import Role

from .decree30 import assert_passes_decree30
from .test_assembly import independent_counts
from .world import EXPECTED, at, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    w = build_world()
    SubTask.objects.filter(plan=w.plan, code="2.3").update(output='=HYPERLINK("http://example.invalid","x")')
    SubTask.objects.filter(plan=w.plan, code="2.1").update(title="+1 cơ sở dữ liệu dùng chung")
    return w


@pytest.fixture
def secretariat(db):
    return UserFactory(unit=None, roles=[Role.SECRETARIAT])


def generate(world, actor, django_capture_on_commit_callbacks, **choice):
    draft = report_draft(
        kind=choice.get("kind", "quarterly"),
        period=choice.get("period", world.quarter),
        plan=choice.get("plan", world.plan),
        unit=choice.get("unit"),
        actor=actor,
        now=at(2026, 1, 5),
    )
    draft.header["number"] = "15"
    draft.header["signer_name"] = "Lê Văn Ký"
    with django_capture_on_commit_callbacks(execute=True):
        report = report_generate(draft=draft, actor=actor, now=at(2026, 1, 5))
    report.refresh_from_db()
    assert report.status == GeneratedReportStatus.DONE, report.error
    return report


def appendix_sheets(wb):
    """The appendix's sheets (one per section), known by their plan column."""
    return [ws for ws in wb.worksheets if ws["A1"].value == "Kế hoạch"]


def pdf_text(report, tmp_path, *args) -> str:
    path = tmp_path / f"r{report.pk}.pdf"
    path.write_bytes(storages["private"].open(report.pdf_name).read())
    return subprocess.run(
        ["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_every_figure_in_the_pdf_is_the_count_of_the_rows(
    world, secretariat, tmp_path, django_capture_on_commit_callbacks
):
    report = generate(world, secretariat, django_capture_on_commit_callbacks)
    counts = independent_counts(world)
    assert counts == EXPECTED
    words = " ".join(pdf_text(report, tmp_path).split())
    assert (
        f"có 5 tiểu nhiệm vụ với {counts['total']} lượt giao chủ trì cho 5 đơn vị; trong đó hoàn thành đúng hạn "
        f"{counts['completed_on_time']}, hoàn thành trễ hạn {counts['completed_late']}, chờ thẩm định "
        f"{counts['awaiting_review']}, đang thực hiện {counts['in_progress']}, chưa thực hiện {counts['not_started']}, "
        f"bị trả lại chờ hoàn thiện {counts['returned']}; quá hạn chưa hoàn thành {counts['overdue']}."
    ) in words
    layout = pdf_text(report, tmp_path, "-layout")
    order = (
        "total",
        "completed_on_time",
        "completed_late",
        "awaiting_review",
        "in_progress",
        "not_started",
        "returned",
        "overdue",
    )
    for key in ("A", "B", "C"):
        unit = world.units[key]
        mine = independent_counts(world, unit)
        row = next(line for line in layout.splitlines() if line.strip().startswith(unit.name))
        assert re.findall(r"\d+", row.strip().removeprefix(unit.name)) == [str(mine[k]) for k in order]
    totals = [line for line in layout.splitlines() if line.strip().startswith("Tổng cộng")]
    # Bảng 1 and Bảng 2 end on the province's totals; Bảng 3 on the flags at the cut-off: the two
    # overdue assignments Bảng 1 counts (one awaiting review, no flag raised yet) and the returned one
    assert [re.findall(r"\d+", t) for t in totals[:2]] == [[str(counts[k]) for k in order]] * 2
    assert re.findall(r"\d+", totals[2]) == ["3"]
    assert "Số: 15/BC-BCĐ" in words and "Lê Văn Ký" in words
    assert report.inputs_sha256 in words and "Số liệu tính đến 23:59 ngày 20/12/2025" in words


def test_the_workbook_rows_are_the_rows_of_the_cutoff(world, secretariat, django_capture_on_commit_callbacks):
    report = generate(world, secretariat, django_capture_on_commit_callbacks)
    wb = openpyxl.load_workbook(io.BytesIO(storages["private"].open(report.xlsx_name).read()))
    rows = []
    for ws in appendix_sheets(wb):
        header = [c.value for c in ws[1]]
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref
        rows += [dict(zip(header, (c.value for c in r), strict=True)) for r in ws.iter_rows(min_row=2)]
    counts = independent_counts(world)
    statuses = [r["Trạng thái"] for r in rows]
    assert statuses.count("Hoàn thành đúng hạn") == counts["completed_on_time"]
    assert statuses.count("Hoàn thành trễ hạn") == counts["completed_late"]
    assert statuses.count("Chờ thẩm định") == counts["awaiting_review"]
    assert statuses.count("Chờ hoàn thiện") == counts["returned"]
    # a claim not approved reads as the PDF's appendix reads it, never as a completion reached
    awaiting = [r["Hoàn thành (%)"] for r in rows if r["Trạng thái"] == "Chờ thẩm định"]
    assert awaiting and set(awaiting) == {"Chờ thẩm định (báo 100%)"}
    assert all(r["Hoàn thành (%)"] == 100 for r in rows if r["Trạng thái"].startswith("Hoàn thành"))
    T = report.cutoff
    evidence_then = Evidence.objects.filter(
        report__assignment__subtask__plan=world.plan, report__status=ReportStatus.SUBMITTED,
        report__submitted_at__lte=T, uploaded_at__lte=T,
    ).count()  # fmt: skip
    assert sum(r["Số minh chứng"] for r in rows) == evidence_then == 5
    deadline = next(r for r in rows if r["Mã"] == "1.1")["Thời hạn"]
    assert deadline.date().isoformat() == "2025-11-30"  # a date cell, not text
    # formula-looking text stays text
    output = next(r for r in rows if r["Mã"] == "2.3")
    assert output["Sản phẩm đầu ra"].startswith("=HYPERLINK(")
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                    assert cell.quotePrefix, (ws.title, cell.coordinate, cell.value)


def test_the_workbook_states_what_the_pdf_states(
    world, secretariat, tmp_path, django_capture_on_commit_callbacks
):
    report = generate(world, secretariat, django_capture_on_commit_callbacks)
    wb = openpyxl.load_workbook(io.BytesIO(storages["private"].open(report.xlsx_name).read()))
    facts = {r[0].value: r[1].value for r in wb["Thông tin báo cáo"].iter_rows(min_row=2)}
    words = " ".join(pdf_text(report, tmp_path).split())
    assert facts["Số liệu tính đến"] == "23:59 ngày 20/12/2025"  # not 00:00 on 21/12
    assert f"Số liệu tính đến {facts['Số liệu tính đến']}" in words
    assert (facts["Số tiểu nhiệm vụ"], facts["Số lượt giao chủ trì"], facts["Số đơn vị chủ trì"]) == (5, 9, 5)
    assert (
        f"có {facts['Số tiểu nhiệm vụ']} tiểu nhiệm vụ với {facts['Số lượt giao chủ trì']} lượt giao chủ trì "
        f"cho {facts['Số đơn vị chủ trì']} đơn vị"
    ) in words
    assert sum(ws.max_row - 1 for ws in appendix_sheets(wb)) == 8  # a group's two members share a row
    # Bảng 1–3 as the PDF prints them: the province's totals, then the flags at the cut-off
    order = ("Lượt giao", "HT đúng hạn", "HT trễ hạn", "Chờ thẩm định", "Đang thực hiện", "Chưa thực hiện",
             "Bị trả lại", "Quá hạn")  # fmt: skip
    counts = independent_counts(world)
    keys = ("total", "completed_on_time", "completed_late", "awaiting_review", "in_progress", "not_started",
            "returned", "overdue")  # fmt: skip
    for name in ("Bảng 1", "Bảng 2"):
        sheet = wb[name]
        assert sheet["A1"].value.startswith(f"{name}. ") and sheet["A1"].value in words  # the PDF's caption
        assert [c.value for c in sheet[2]][1:] == list(order)
        assert [c.value for c in sheet[sheet.max_row]] == ["Tổng cộng", *(counts[k] for k in keys)]
    flags = wb["Bảng 3"]
    assert flags["A1"].value.startswith("Bảng 3. Cảnh báo đỏ")
    assert [c.value for c in flags[flags.max_row]] == ["Tổng cộng", 3]
    narrative = [r[2].value for r in wb["Nội dung báo cáo"].iter_rows(min_row=2)]
    assert any(t.startswith("Căn cứ Kế hoạch số 9-KH/BCĐ") for t in narrative)
    assert any(t.startswith("Tại thời điểm chốt số liệu có 2 tiểu nhiệm vụ") for t in narrative)
    assert f"Số: {facts['Số, ký hiệu']}" in words and facts["Mã kiểm tra SHA-256"] in words
    assert facts["Ngày"].date().isoformat() == report.header["date"]


def test_generating_again_gives_the_same_figures_even_after_later_changes(
    world, secretariat, tmp_path, django_capture_on_commit_callbacks
):
    first = generate(world, secretariat, django_capture_on_commit_callbacks)
    second = generate(world, secretariat, django_capture_on_commit_callbacks)
    assert second.inputs == first.inputs and second.inputs_sha256 == first.inputs_sha256
    # after the cut-off: a4 claims 100 %, everything else moves on
    user = world.staff
    ProgressReport.objects.create(
        assignment=world.assignments["a4"], period=world.month, version=2, status=ReportStatus.SUBMITTED,
        completion=100, is_claim=True, created_by=user, created_at=at(2025, 12, 28), updated_at=at(2025, 12, 28),
        submitted_by=user, submitted_at=at(2025, 12, 28),
    )  # fmt: skip
    third = generate(world, secretariat, django_capture_on_commit_callbacks)
    assert third.inputs_sha256 == first.inputs_sha256
    # the workbook: the same bytes each time, its checksum archived with it
    stored = [storages["private"].open(r.xlsx_name).read() for r in (first, second, third)]
    assert stored[0] == stored[1] == stored[2]
    assert first.xlsx_sha256 == third.xlsx_sha256 == hashlib.sha256(stored[0]).hexdigest()
    strip = lambda text: re.sub(r"\s+", " ", text)  # noqa: E731
    assert strip(pdf_text(third, tmp_path)) == strip(pdf_text(first, tmp_path))


def test_the_pdf_passes_the_decree30_checker(
    world, secretariat, tmp_path, django_capture_on_commit_callbacks
):
    report = generate(world, secretariat, django_capture_on_commit_callbacks)
    path = tmp_path / "report.pdf"
    path.write_bytes(storages["private"].open(report.pdf_name).read())
    assert_passes_decree30(path, tmp_path)


def test_the_job_is_idempotent_and_a_done_report_is_frozen(
    world, secretariat, django_capture_on_commit_callbacks
):
    report = generate(world, secretariat, django_capture_on_commit_callbacks)
    before = GeneratedReport.objects.values().get(pk=report.pk)
    assert generate_report(report.pk) == "skipped"
    assert GeneratedReport.objects.values().get(pk=report.pk) == before
    report.narrative = {"results": "sửa lại"}
    with pytest.raises(FrozenReportError):
        report.save()


def test_a_unit_report_and_a_monthly_report(world, secretariat, tmp_path, django_capture_on_commit_callbacks):
    unit = world.units["A"]
    report = generate(world, secretariat, django_capture_on_commit_callbacks, unit=unit)
    mine = independent_counts(world, unit)
    assert {k: report.inputs["totals"][k] for k in mine} == mine
    assert "Sở Beta" not in pdf_text(report, tmp_path)
    monthly = generate(
        world, secretariat, django_capture_on_commit_callbacks, kind="monthly", period=world.month
    )
    assert monthly.inputs["scope"]["period_label"] == "Tháng 12/2025"


def test_the_raw_export_neutralises_formulas(world):
    wb = openpyxl.load_workbook(io.BytesIO(raw_reports_workbook(world.month)))
    ws = wb.active
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, (c.value for c in r), strict=True)) for r in ws.iter_rows(min_row=2)]
    sent = ProgressReport.objects.filter(period=world.month, status=ReportStatus.SUBMITTED)
    assert len(rows) == sent.count() == 6
    a9 = next(r for r in rows if r["Mã"] == "2.3")
    assert a9["Kết quả đạt được"] == '=HYPERLINK("http://example.invalid","bấm vào đây")'
    assert a9["Khó khăn, vướng mắc"] == "+1 cán bộ nghỉ việc"
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
            if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                assert cell.quotePrefix
