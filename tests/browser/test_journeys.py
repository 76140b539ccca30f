"""The five journeys of issue 9, each in a real Chromium against a live server with the real appendix.

1. the secretariat imports fixtures/plan_07_appendix.xlsx through the preview and sees the plan tree;
2. unit staff open My tasks, file a monthly report inline, claim a sub-task with two evidence files;
3. a reviewer returns the claim with a reason; the unit sees the reason and the red flag and
   resubmits; the reviewer approves;
4. leadership opens the dashboard, sees the change, generates the monthly report, downloads its PDF;
5. staff of another unit try the unit's pages by URL and get 404; an anonymous visitor is sent to log in.

Every step saves a screenshot under test-artifacts/browser/<test>/<user>/; a failing journey saves
the page's HTML and console log beside them (tests/browser/conftest.py). Journeys 2–5 start from
`load_demo --with-users`: the unit registry and the appendix through the real import.
"""

import datetime
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from evidence.models import Decision, Evidence, Review
from evidence.services.review import review_approve
from kpis.flags import RedFlag
from kpis.models import AssignmentState, Period, ReportStatus, Status
from kpis.services import ReportData, periods_ensure, report_save_draft, report_submit
from reports.jobs import refresh_dashboard_job
from tasks.models import Assignment, AssignmentRole, Plan, SubTask
from tests.evidence.corpus import image_bytes, pdf_bytes
from tests.factories import UserFactory
from units.models import Role, Unit, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-thu-nghiem-1"
APPENDIX = Path(settings.BASE_DIR) / "fixtures" / "plan_07_appendix.xlsx"
SCIENCE = "Sở Khoa học và Công nghệ"
REPORT_CODE = "10.1"  # "Hoàn thành Dự thảo Nghị quyết", led by the science department
# "Đánh giá, đề xuất chủ trương mua sắm trang thiết bị …": the science department's alone (no
# co-ordinating unit), so the staff of any other unit are outsiders to it.
CLAIM_CODE = "6.2"
REASON = "Dự thảo Quyết định chưa có tờ trình kèm theo và chưa có chữ ký của Giám đốc Sở."


# ------------------------------------------------------------------------------------------ helpers


def console_errors(j, *, expected_status=()) -> list[str]:
    """Console errors and page errors; a refused page's own status is expected where we asked for it."""
    lines = [line for line in j.console if line.startswith(("error:", "pageerror:"))]
    for status in expected_status:
        lines = [line for line in lines if f"status of {status}" not in line]
    return lines


def assert_clean(*journeys, expected_status=()):
    for j in journeys:
        assert j.csp_violations() == [], j.csp_violations()
        assert console_errors(j, expected_status=expected_status) == [], j.console


def demo_world(monkeypatch):
    """The unit registry, the real appendix through the import, the demo users, this year's periods."""
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    call_command("load_demo", "--with-users", "--no-history", verbosity=0)
    periods_ensure(now=timezone.now())
    plan = Plan.objects.get()
    science = Unit.objects.get(name=SCIENCE)

    def lead(code):
        return Assignment.objects.select_related("subtask").get(
            subtask__plan=plan, subtask__code=code, unit=science, role=AssignmentRole.LEAD
        )

    return plan, science, lead


def evidence_files(tmp_path) -> tuple[Path, Path]:
    decision = tmp_path / "Dự thảo Quyết định số hoá hồ sơ.pdf"
    decision.write_bytes(pdf_bytes("Du thao Quyet dinh ve so hoa ho so - So KH&CN"))
    photo = tmp_path / "Ảnh hội nghị lấy ý kiến.png"
    photo.write_bytes(image_bytes("PNG", (480, 320)))
    return decision, photo


def claim_by_services(assignment, staff, now=None):
    """The state journey 2 leaves behind, made through the same services the form calls."""
    now = now or timezone.now()
    period = Period.objects.get(
        plan=assignment.subtask.plan,
        kind="monthly",
        start__lte=timezone.localdate(now),
        end__gte=timezone.localdate(now),
    )
    report = report_save_draft(
        assignment=assignment,
        period=period,
        actor=staff,
        data=ReportData(completion=Decimal(100), results="Đã hoàn thành dự thảo Quyết định, gửi xin ý kiến."),
        uploads=[
            SimpleUploadedFile(
                "Dự thảo Quyết định.pdf", pdf_bytes("Du thao"), content_type="application/pdf"
            ),
            SimpleUploadedFile("Ảnh hội nghị.png", image_bytes("PNG", (200, 120)), content_type="image/png"),
        ],
        now=now,
    )
    return report_submit(report=report, actor=staff, now=now)


def status_of(assignment) -> str:
    return AssignmentState.objects.get(assignment=assignment).status


# ------------------------------------------------------------------------------------------ journey 1


def test_1_secretariat_imports_the_appendix_through_the_preview(journey):
    call_command("load_units", verbosity=0)
    UserFactory(username="thuongtruc", roles=[Role.SECRETARIAT], unit=None)
    assert not Plan.objects.exists()

    j = journey(name="secretariat")
    j.login("thuongtruc", PASSWORD)
    j.shot("home")
    j.page.click("nav >> text=Nhập phụ lục")
    j.page.wait_for_load_state("networkidle")
    assert j.page.locator("h1").inner_text() == "Nhập phụ lục kế hoạch từ Excel"
    j.shot("upload-form")

    j.page.set_input_files("#id_file", str(APPENDIX))
    j.page.fill("#id_code", "01-KH/BCĐ")
    j.page.fill("#id_issuer", "Ban Chỉ đạo tỉnh")
    j.shot("file-chosen")
    j.page.click("button:has-text('Tải lên và xem trước')")
    j.page.wait_for_load_state("networkidle")
    assert "/plans/import/" in j.page.url
    assert j.page.locator("h1").inner_text() == "Xem trước nhập phụ lục"
    preview = j.page.locator("main").inner_text()
    # Nothing is written before the apply: the preview only proposes.
    assert not Plan.objects.exists()
    assert "50" in preview and "16" in preview
    j.shot("preview")

    j.page.click("button:has-text('Áp dụng')")
    j.page.wait_for_load_state("networkidle")
    plan = Plan.objects.get()
    # A new plan is a draft: the secretariat lands on its settings to give its date and put it in force.
    assert j.page.url.endswith(reverse("tasks:plan_settings", args=[plan.pk]))
    assert "Đã nhập phụ lục: 50 tiểu nhiệm vụ mới" in j.page.locator(".messages").inner_text()
    assert SubTask.objects.filter(plan=plan).count() == 50
    assert plan.code == "01-KH/BCĐ"
    j.shot("settings")
    j.page.fill("#id_issue_date", "31/02/2026")
    j.page.select_option("#id_status", "in_force")
    j.page.click("button:has-text('Lưu thông tin kế hoạch')")
    j.page.wait_for_load_state("networkidle")
    assert "Ngày 31/02/2026 không tồn tại" in j.page.locator("#id_issue_date_error").inner_text()
    assert j.page.input_value("#id_code") == "01-KH/BCĐ"
    j.page.fill("#id_issue_date", "01/11/2025")
    j.page.click("button:has-text('Lưu thông tin kế hoạch')")
    j.page.wait_for_load_state("networkidle")
    assert "Đã lưu thông tin kế hoạch." in j.page.locator(".messages").inner_text()
    plan.refresh_from_db()
    assert plan.status == "in_force" and str(plan.issue_date) == "2025-11-01"
    j.page.click("main a:has-text('01-KH/BCĐ')")
    j.page.wait_for_load_state("networkidle")
    assert j.page.url.endswith(reverse("tasks:plan_detail", args=[plan.pk]))
    tree = j.page.locator(".tree")
    assert tree.locator(".gtask").count() == 16
    text = tree.inner_text()
    assert "5.4" in text and "Sở Tư pháp" in text
    j.shot("plan-tree")

    # The tree leads to a sub-task's page.
    j.page.locator(".tree a", has_text=re.compile("Rà soát")).first.click()
    j.page.wait_for_load_state("networkidle")
    assert "/plans/subtasks/" in j.page.url
    j.shot("subtask")
    assert_clean(j)


# ------------------------------------------------------------------------------------------ journey 2


def test_2_unit_staff_report_monthly_and_claim_completion_with_two_files(journey, tmp_path, monkeypatch):
    plan, science, lead = demo_world(monkeypatch)
    monthly, claimed = lead(REPORT_CODE), lead(CLAIM_CODE)
    decision, photo = evidence_files(tmp_path)

    j = journey(name="staff")
    j.login("demo_canbo_khcn", PASSWORD)
    # Unit staff land on My tasks.
    assert j.page.url.endswith(reverse("kpis:my_tasks"))
    assert j.page.locator("h1").inner_text() == "Nhiệm vụ của tôi"
    assert j.page.locator(f"#task-{monthly.pk}").count() == 1
    j.shot("my-tasks")

    # The monthly report, in the form opened inline under the task's row.
    row = j.page.locator(f"#task-{monthly.pk}")
    row.locator("a:has-text('Báo cáo')").click()
    slot = j.page.locator(f"#slot-{monthly.pk}")
    slot.locator("#id_completion").wait_for()
    assert "/kpis/assignments/" not in j.page.url  # still My tasks: the form came in by htmx
    slot.locator("#id_completion").fill("60")
    slot.locator("#id_results").fill("Đã hoàn thành dự thảo Nghị quyết lần 1, đang hoàn thiện tờ trình.")
    slot.locator("#id_difficulties").fill("Chưa nhận đủ góp ý của các sở.")
    j.shot("monthly-report-inline")
    slot.locator("button[name=action][value=submit]").click()
    slot.get_by_text("Đã gửi báo cáo").wait_for()
    assert "Đã gửi" in j.page.locator(f"#task-{monthly.pk}").inner_text()  # the row updated in place
    assert status_of(monthly) == Status.IN_PROGRESS
    assert monthly.reports.get().status == ReportStatus.SUBMITTED
    j.shot("monthly-report-sent")

    # The completion claim, with two real files, on the same page.
    j.go(reverse("kpis:my_tasks"))
    row = j.page.locator(f"#task-{claimed.pk}")
    row.locator("a:has-text('Báo cáo')").click()
    slot = j.page.locator(f"#slot-{claimed.pk}")
    slot.locator("#id_completion").wait_for()
    slot.locator("#id_completion").fill("100")
    slot.locator("#id_results").fill("Đã hoàn thành dự thảo Quyết định và tổ chức hội nghị lấy ý kiến.")
    slot.locator("#id_evidence").set_input_files([str(decision), str(photo)])
    slot.locator(".attached li").nth(1).wait_for()
    slot.locator(".upload-list li.done").nth(1).wait_for()
    attached = slot.locator(".attached").inner_text()
    assert decision.name in attached and photo.name in attached
    j.shot("claim-two-files")
    slot.locator("button[name=action][value=submit]").click()
    slot.get_by_text("đang chờ thẩm định").first.wait_for()
    assert status_of(claimed) == Status.AWAITING_REVIEW
    assert "Chờ thẩm định" in j.page.locator(f"#task-{claimed.pk}").inner_text()
    j.shot("claim-sent")
    sent = Evidence.objects.filter(report__assignment=claimed, report__status=ReportStatus.SUBMITTED)
    assert sorted(sent.values_list("original_name", flat=True)) == sorted([decision.name, photo.name])
    assert_clean(j)


# ------------------------------------------------------------------------------------------ journey 3


def test_3_reviewer_returns_the_unit_resubmits_the_reviewer_approves(journey, tmp_path, monkeypatch):
    plan, science, lead = demo_world(monkeypatch)
    claimed = lead(CLAIM_CODE)
    staff_user = User.objects.get(username="demo_canbo_khcn")
    claim_by_services(claimed, staff_user)
    signed = tmp_path / "Quyết định (bản đã ký) kèm tờ trình.pdf"
    signed.write_bytes(pdf_bytes("Quyet dinh da ky kem to trinh"))

    # The reviewer finds the claim in the queue and returns it with a reason.
    reviewer = journey(name="1-reviewer")
    reviewer.login("demo_thamdinh", PASSWORD)
    reviewer.page.click("nav >> text=Thẩm định")
    reviewer.page.wait_for_load_state("networkidle")
    queue = reviewer.page.locator("#queue-results")
    assert SCIENCE in queue.inner_text() and CLAIM_CODE in queue.inner_text()
    reviewer.shot("queue")
    queue.locator("a.button").first.click()
    reviewer.page.wait_for_load_state("networkidle")
    assert reverse("evidence:claim", args=[claimed.pk]) in reviewer.page.url
    reviewer.shot("claim")
    reviewer.page.select_option("#id_reason_code", "unsigned")
    reviewer.page.fill("#id_reason_text", REASON)
    reviewer.shot("return-reason-typed")
    reviewer.page.click("button:has-text('Trả lại')")
    reviewer.page.wait_for_load_state("networkidle")
    assert "Đã trả lại đề nghị" in reviewer.page.locator(".messages").inner_text()
    assert status_of(claimed) == Status.RETURNED
    reviewer.shot("returned")

    # The periodic sweep raises the quality flag.
    call_command("sweep_flags", now=timezone.now().isoformat(), verbosity=0)
    assert RedFlag.objects.filter(assignment=claimed, kind="quality", resolved_at__isnull=True).exists()

    # The unit sees the reason on My tasks and the red flag on the sub-task's page.
    staff = journey(name="2-staff")
    staff.login("demo_canbo_khcn", PASSWORD)
    row = staff.page.locator(f"#task-{claimed.pk}")
    assert "Chờ hoàn thiện" in row.inner_text() and REASON in row.inner_text()
    staff.shot("my-tasks-returned")
    staff.go(reverse("tasks:subtask_detail", args=[claimed.subtask_id]))
    flag = staff.page.locator(".flag-list .flag-quality")
    assert flag.count() == 1 and "bad" in flag.locator(".badge").get_attribute("class")
    staff.shot("subtask-red-flag")

    # … and resubmits from My tasks, in the inline form that repeats the reason, with the signed decision.
    staff.go(reverse("kpis:my_tasks"))
    staff.page.locator(f"#task-{claimed.pk} a:has-text('Báo cáo')").click()
    slot = staff.page.locator(f"#slot-{claimed.pk}")
    slot.locator(".return-reason").wait_for()
    assert REASON in slot.locator(".return-reason").inner_text()
    slot.locator("#id_completion").fill("100")
    slot.locator("#id_evidence").set_input_files(str(signed))
    slot.locator(".upload-list li.done").first.wait_for()
    slot.locator(".attached li", has_text=signed.name).wait_for()
    staff.shot("resubmit")
    slot.locator("button[name=action][value=submit]").click()
    slot.get_by_text("đang chờ thẩm định").first.wait_for()
    assert status_of(claimed) == Status.AWAITING_REVIEW
    assert "Chờ thẩm định" in staff.page.locator(f"#task-{claimed.pk}").inner_text()
    staff.shot("resubmitted")

    # The reviewer approves the resubmitted claim.
    reviewer.go(reverse("evidence:claim", args=[claimed.pk]))
    assert signed.name in reviewer.page.locator(".claim-main").inner_text()
    reviewer.shot("resubmitted-claim")
    reviewer.page.click("button:has-text('Công nhận hoàn thành')")
    reviewer.page.wait_for_load_state("networkidle")
    assert "Đã công nhận hoàn thành" in reviewer.page.locator(".messages").inner_text()
    assert status_of(claimed) == Status.COMPLETED
    assert list(
        Review.objects.filter(assignment=claimed).order_by("decided_at").values_list("decision", flat=True)
    ) == [
        Decision.RETURNED,
        Decision.APPROVED,
    ]
    reviewer.shot("approved")

    # The next sweep resolves the quality flag; the unit sees the task completed.
    call_command("sweep_flags", now=(timezone.now() + datetime.timedelta(minutes=1)).isoformat(), verbosity=0)
    assert not RedFlag.objects.filter(assignment=claimed, kind="quality", resolved_at__isnull=True).exists()
    staff.go(reverse("kpis:my_tasks") + "?status=completed")
    assert "Hoàn thành" in staff.page.locator(f"#task-{claimed.pk}").inner_text()
    staff.shot("my-tasks-completed")
    assert_clean(reviewer, staff)


# ------------------------------------------------------------------------------------------ journey 4


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def completed_tile(j) -> int:
    tile = j.page.locator(".dash-tiles .tile", has_text="Hoàn thành (đã công nhận)")
    return int(tile.locator(".tile-value").inner_text().strip())


# Journey 4's day: the portal's clock starts there (and runs on), whatever the calendar says. After the
# 20th, so the month's report has reached its cut-off; in the appendix's second year, when hundreds of
# its tasks are overdue and flagged.
LEADERSHIP_DAY = timezone.make_aware(datetime.datetime(2026, 11, 25, 10, 0))


def test_4_leadership_sees_the_change_and_downloads_the_monthly_report(journey, tmp_path, monkeypatch, clock):
    clock.set(LEADERSHIP_DAY, tick=True)
    plan, science, lead = demo_world(monkeypatch)
    claimed = lead(CLAIM_CODE)
    staff_user = User.objects.get(username="demo_canbo_khcn")
    reviewer = User.objects.get(username="demo_thamdinh")
    # The monthly report counts what was true at its cut-off (the 20th, when units report), so the
    # claim and its approval are dated before it.
    today = timezone.localdate()
    month = Period.objects.get(plan=plan, kind="monthly", start__lte=today, end__gte=today)
    claimed_at = timezone.make_aware(datetime.datetime.combine(month.start, datetime.time(9)))
    claim_by_services(claimed, staff_user, now=claimed_at)
    refresh_dashboard_job()

    j = journey(name="leadership")
    j.login("demo_lanhdao", PASSWORD)
    j.page.click('nav >> text="Bảng điều hành"')
    j.page.wait_for_load_state("networkidle")
    assert j.page.url.endswith(reverse("reports:dashboard"))
    before = completed_tile(j)
    j.shot("dashboard-before")

    # The reviewer approves the claim; the dashboard's summary is rebuilt after the sweep.
    review_approve(assignment=claimed, reviewer=reviewer, now=claimed_at + datetime.timedelta(days=2))
    call_command("sweep_flags", verbosity=0)
    refresh_dashboard_job()
    j.page.reload()
    j.page.wait_for_load_state("networkidle")
    assert completed_tile(j) == before + 1
    j.shot("dashboard-after-approval")
    # The unit's own dashboard counts it too.
    j.go(reverse("reports:unit_dashboard", args=[science.pk]))
    assert SCIENCE in j.page.locator("main").inner_text()
    assert completed_tile(j) >= 1
    j.shot("unit-dashboard")

    # The monthly report: choose the month and the plan, read the draft, generate, download the PDF.
    j.page.click('nav >> text="Báo cáo"')
    j.page.wait_for_load_state("networkidle")
    assert reverse("reports:builder") in j.page.url
    j.page.select_option("#id_kind", "monthly")
    j.page.wait_for_load_state("networkidle")
    j.page.select_option("#id_period", month.end.isoformat())
    j.page.select_option("#id_plan", str(plan.pk))
    j.shot("builder-scope")
    j.page.click("button:has-text('Soạn dự thảo')")
    j.page.wait_for_load_state("networkidle")
    assert reverse("reports:builder_draft") in j.page.url
    assert f"Tháng {month.end:%m/%Y}" in j.page.locator("h1").inner_text()
    j.shot("builder-draft")
    j.page.fill("#id_signer_name", "Nguyễn Văn An")
    # Tests run jobs in the request (eager): the click returns when the PDF is rendered.
    j.page.click("button:has-text('Tạo báo cáo (PDF và Excel)')", timeout=180_000)
    j.page.wait_for_load_state("networkidle")
    j.page.locator("a:has-text('Tải PDF')").wait_for(timeout=120_000)
    j.shot("report-generated")
    with j.page.expect_download() as download_info:
        j.page.click("a:has-text('Tải PDF')")
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"%PDF")
    text = pdf_text(data, tmp_path)
    (j.folder / "report.pdf").write_bytes(data)
    (j.folder / "report.txt").write_text(text)
    # The downloaded report's first page, as a picture beside the screenshots.
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(j.folder / "report.pdf"),
            str(j.folder / "07-report-page-1"),
        ],
        check=True,
    )
    flat = re.sub(r"\s+", " ", text)
    # The unit's reported result under its sub-task's code, and the appendix row of the sub-task
    # with its lead unit, status "Hoàn thành" and its two evidence files.
    assert f"({SCIENCE}; {CLAIM_CODE})" in flat
    row = next(line for line in text.splitlines() if line.startswith(f"{CLAIM_CODE} "))
    assert "Hoàn thành" in row and "100%" in row and row.rstrip().endswith("2"), row
    assert f"{month.end:%m/%Y}" in flat
    assert_clean(j)


# ------------------------------------------------------------------------------------------ journey 5


def test_5_an_outsider_is_refused_and_an_anonymous_visitor_is_sent_to_log_in(journey, monkeypatch):
    plan, science, lead = demo_world(monkeypatch)
    claimed = lead(CLAIM_CODE)
    owner = User.objects.get(username="demo_canbo_khcn")
    report = claim_by_services(claimed, owner)
    evidence = report.evidence.first()
    outsider = User.objects.get(username="demo_canbo_xa")
    assert outsider.unit_id != science.pk and outsider.unit_id is not None
    targets = {
        "report-form": reverse("kpis:report_form", args=[claimed.pk]),
        "evidence-download": reverse("evidence:download", args=[evidence.pk]),
        "evidence-preview": reverse("evidence:preview", args=[evidence.pk]),
        "review-queue": reverse("evidence:queue"),
        "review-claim": reverse("evidence:claim", args=[claimed.pk]),
        "dashboard": reverse("reports:dashboard"),
        "unit-dashboard": reverse("reports:unit_dashboard", args=[science.pk]),
        "report-builder": reverse("reports:builder"),
        "report-archive": reverse("reports:archive_list"),
        "import": reverse("tasks:import_plan"),
        "users": reverse("units:user_list"),
        "user-create": reverse("units:user_create"),
        "user-detail": reverse("units:user_detail", args=[owner.pk]),
        "audit": reverse("audit:event_list"),
    }

    j = journey(name="1-outsider")
    j.login("demo_canbo_xa", PASSWORD)
    j.shot("outsider-home")
    # The outsider's own nav offers none of these pages.
    nav = j.page.locator("nav.mainnav").inner_text()
    assert "Nhập phụ lục" not in nav and "Thẩm định" not in nav and "Người dùng" not in nav
    for name, url in targets.items():
        response = j.go(url)
        assert response.status == 404, (name, url, response.status)
        assert j.page.locator("h1").inner_text() == "Không tìm thấy trang"
        j.shot(f"refused-{name}")
    # The reporting periods are the secretariat's page: to anyone else it does not exist (404), as
    # every page the portal does not show someone.
    response = j.go(reverse("kpis:period_list"))
    assert response.status == 404
    assert j.page.locator("h1").inner_text() == "Không tìm thấy trang"
    j.shot("refused-periods")
    # The Django admin is closed to non-staff accounts: it asks for a staff login instead.
    j.go("/admin/")
    assert "/admin/login/" in j.page.url
    j.shot("refused-admin")
    # An attempt to post a report or a review decision on the other unit's task is refused too.
    j.go("/")
    for url in (targets["report-form"], reverse("evidence:approve", args=[claimed.pk])):
        status = j.page.evaluate(
            """async (url) => {
                const token = document.body.getAttribute('hx-headers').match(/"X-CSRFToken": "([^"]+)"/)[1];
                const r = await fetch(url, {method: 'POST', headers: {'X-CSRFToken': token},
                                            body: new URLSearchParams({action: 'submit', completion: '100'})});
                return r.status;
            }""",
            url,
        )
        assert status == 404, (url, status)
    assert status_of(claimed) == Status.AWAITING_REVIEW
    assert_clean(j, expected_status=(403, 404))

    # An anonymous visitor is sent to the login page, with the page asked for kept in ?next=.
    anon = journey(name="2-anonymous")
    more = [
        ("periods", reverse("kpis:period_list")),
        ("my-tasks", reverse("kpis:my_tasks")),
        ("plans", "/plans/"),
    ]
    for name, url in [*targets.items(), *more]:
        response = anon.go(url)
        assert response.status == 200
        assert "/accounts/login/" in anon.page.url, (name, anon.page.url)
        assert anon.page.locator("h1").inner_text() == "Đăng nhập"
        assert "next=" in anon.page.url
        anon.shot(f"anonymous-{name}-sent-to-login")
    assert_clean(anon)
