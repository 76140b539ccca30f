import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kpis.models import AssignmentState, Comment, Period, ProgressReport, Status
from kpis.services import period_lock, periods_ensure, report_save_draft, report_submit
from tasks.models import Assignment, AssignmentRole, SubTask
from tests.factories import AssignmentFactory, SubTaskFactory, UnitFactory, UserFactory
from units.models import Role

from .conftest import at, data, pdf

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "slot-1"}


def rows(body: str) -> int:
    return len(re.findall(r'id="task-\d+"', body))


@pytest.fixture
def current(plan):
    """The month holding today, whatever day the tests run."""
    periods_ensure()
    today = datetime.date.today()
    return Period.objects.get(plan=plan, kind="monthly", start__lte=today, end__gte=today)


def url(assignment):
    return reverse("kpis:report_form", args=[assignment.pk])


def form_data(period, **kw):
    return {
        "period": str(period.pk),
        "completion": "",
        "results": "",
        "difficulties": "",
        "proposals": "",
        **kw,
    }


def test_my_tasks_is_empty_for_a_unit_without_lead_tasks(client):
    user = UserFactory(roles=[Role.STAFF])
    client.force_login(user)
    response = client.get(reverse("kpis:my_tasks"))
    assert response.status_code == 200
    assert "chưa được giao chủ trì" in response.content.decode()


def test_my_tasks_lists_the_units_lead_assignments_only(client_staff, lead, subtask, current):
    AssignmentFactory(subtask=subtask, unit=UnitFactory(name="Sở khác"))
    response = client_staff.get(reverse("kpis:my_tasks"))
    body = response.content.decode()
    assert subtask.title in body and f'id="task-{lead.pk}"' in body
    assert rows(body) == 1
    assert "Chưa gửi" in body


def _bulk_assignments(unit, general_task, plan, n, start=0):
    subtasks = [
        SubTask(
            general_task=general_task,
            plan=plan,
            code=f"9.{start + i}",
            title=f"Nhiệm vụ {start + i}",
            start_date=datetime.date(2025, 11, 1),
            deadline=datetime.date(2025, 11, 1) + datetime.timedelta(days=30 + i % 400),
            order=start + i,
        )
        for i in range(n)
    ]
    for each in subtasks:
        each.search_text = each.build_search_text()
    SubTask.objects.bulk_create(subtasks)
    assignments = Assignment.objects.bulk_create(
        Assignment(subtask=s, unit=unit, role=AssignmentRole.LEAD) for s in subtasks
    )
    AssignmentState.objects.bulk_create(
        AssignmentState(assignment=a, status=Status.IN_PROGRESS, latest_completion=Decimal(i % 100))
        for i, a in enumerate(assignments[::2])
    )
    return assignments


def _queries(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("kpis:my_tasks"), params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_my_tasks_keeps_the_same_number_of_queries_with_5_and_500_assignments_and_on_every_page(
    client, subtask, plan, current
):
    staff = UserFactory(unit=UnitFactory(name="UBND phường Trấn Biên"), roles=[Role.STAFF])
    client.force_login(staff)
    client_staff = client
    gt = subtask.general_task
    Comment.objects.create(
        subtask=subtask,
        assignment=AssignmentFactory(subtask=subtask, role="co"),
        author=staff,
        text="Ý kiến",
        created_at=at(2025, 11, 3),
    )
    _bulk_assignments(staff.unit, gt, plan, 5)
    client_staff.get(reverse("home"))
    few, response = _queries(client_staff)
    assert rows(response.content.decode()) == 5
    _bulk_assignments(staff.unit, gt, plan, 495, start=5)
    many, response = _queries(client_staff)
    body = response.content.decode()
    assert rows(body) == 50 and "Đang xem 1–50 trong 500 nhiệm vụ." in body and "Trang 1/10" in body
    last, response = _queries(client_staff, page=10)
    assert rows(response.content.decode()) == 50 and "Trang 10/10" in response.content.decode()
    filtered, response = _queries(client_staff, page=2, status="in_progress")
    assert rows(response.content.decode()) == 50 and "Trang 2/6" in response.content.decode()
    assert few == many == last == filtered


def test_my_tasks_puts_the_overdue_and_the_reports_due_on_the_first_page(client, subtask, plan, current):
    """A department with hundreds of assignments sees what is late and what the period still asks
    for before anything else, wherever those sit in the appendix; the page stays small."""
    staff = UserFactory(unit=UnitFactory(name="Sở Xây dựng"), roles=[Role.STAFF])
    client.force_login(staff)
    today = datetime.date.today()
    assignments = _bulk_assignments(staff.unit, subtask.general_task, plan, 300)
    # Every one far from its deadline and reported this period, except three at the end of the
    # appendix: one late, two with this period's report still to send.
    SubTask.objects.filter(assignments__in=assignments).update(
        start_date=today - datetime.timedelta(days=10), deadline=today + datetime.timedelta(days=900)
    )
    sent = at(today.year, today.month, today.day)
    ProgressReport.objects.bulk_create(
        ProgressReport(
            assignment=a,
            period=current,
            completion=Decimal(90),
            status="submitted",
            created_by=staff,
            created_at=sent,
            updated_at=sent,
            submitted_by=staff,
            submitted_at=sent,
        )
        for a in assignments[:297]
    )
    late = assignments[-1]
    SubTask.objects.filter(pk=late.subtask_id).update(deadline=today - datetime.timedelta(days=3))
    response = client.get(reverse("kpis:my_tasks"))
    body = response.content.decode()
    assert rows(body) == 50
    shown = [int(pk) for pk in re.findall(r'id="task-(\d+)"', body)]
    assert shown[:3] == [late.pk, assignments[-3].pk, assignments[-2].pk]
    assert len(response.content) < 200_000
    assert 'hx-get="?page=2"' in body and 'hx-target="#task-results"' in body
    response = client.get(
        reverse("kpis:my_tasks"), {"page": 2}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="task-results"
    )
    body = response.content.decode()
    assert "<html" not in body and rows(body) == 50 and late.subtask.title not in body


def test_my_tasks_filters_and_sorts(client, subtask, plan, current):
    staff = UserFactory(unit=UnitFactory(name="UBND xã Long Hưng"), roles=[Role.STAFF])
    client.force_login(staff)
    client_staff = client
    _bulk_assignments(staff.unit, subtask.general_task, plan, 6)
    response = client_staff.get(reverse("kpis:my_tasks"), {"status": "in_progress"})
    assert rows(response.content.decode()) == 3
    response = client_staff.get(reverse("kpis:my_tasks"), {"q": "nhiem vu 4", "sort": "deadline"})
    assert rows(response.content.decode()) == 1
    response = client_staff.get(
        reverse("kpis:my_tasks"), {"flag": "overdue"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="task-results"
    )
    assert "<html" not in response.content.decode()


def test_the_form_opens_inline_as_a_fragment(client_staff, lead, current, target):
    response = client_staff.get(url(lead), **HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert f'id="report-panel-{lead.pk}"' in body and "01 dự thảo Nghị quyết" in body


def test_bad_values_are_shown_beside_their_field_and_everything_typed_is_kept(
    client_staff, lead, current, target
):
    response = client_staff.post(
        url(lead),
        form_data(
            current,
            completion="150",
            results="Đã ban hành kế hoạch",
            **{f"target_{target.pk}": "mười"},
            action="draft",
        ),
        **HTMX,
    )
    body = response.content.decode()
    assert "Tỷ lệ hoàn thành phải từ 0 đến 100%." in body
    assert "Giá trị phải là một số" in body
    assert "Đã ban hành kế hoạch" in body and 'value="mười"' in body and 'value="150"' in body
    assert not ProgressReport.objects.exists()


def test_a_completion_finer_than_kept_is_refused_beside_the_field_not_rounded_into_a_claim(
    client_staff, lead, current
):
    """99,999 % would be kept as 100,00: a completion claim without evidence or review. It is refused
    as typed (the column keeps two decimals), with everything else the user typed kept."""
    for action in ("submit", "draft"):
        response = client_staff.post(
            url(lead),
            form_data(current, completion="99,999", results="Gần xong", action=action),
            **HTMX,
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert "Chỉ ghi tối đa 2 chữ số sau dấu phẩy" in body
        assert 'value="99,999"' in body and "Gần xong" in body
    assert not ProgressReport.objects.exists()
    assert not AssignmentState.objects.filter(assignment=lead, status=Status.AWAITING_REVIEW).exists()
    # Two decimals are kept as typed.
    client_staff.post(url(lead), form_data(current, completion="99,99", action="draft"), **HTMX)
    assert ProgressReport.objects.get().completion == Decimal("99.99")


def test_a_kpi_value_too_large_to_keep_is_refused_beside_its_field(client_staff, lead, current, target):
    """9999999999999 does not fit the KPI value column (12 digits before the comma): a message beside
    the field, not a server error, and nothing typed is lost."""
    response = client_staff.post(
        url(lead),
        form_data(
            current,
            completion="40",
            results="Đã ban hành kế hoạch",
            **{f"target_{target.pk}": "9999999999999"},
            action="draft",
        ),
        **HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Giá trị quá lớn: tối đa 999.999.999.999,99." in body
    assert 'value="9999999999999"' in body and "Đã ban hành kế hoạch" in body and 'value="40"' in body
    assert not ProgressReport.objects.exists()
    response = client_staff.post(
        url(lead),
        form_data(current, completion="40", **{f"target_{target.pk}": "0,125"}, action="draft"),
        **HTMX,
    )
    assert "Chỉ ghi tối đa 2 chữ số sau dấu phẩy" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_a_nul_byte_is_refused_beside_the_field_in_vietnamese(client_staff, lead, current):
    response = client_staff.post(
        url(lead),
        form_data(current, completion="40", results="Kết quả\x00 tháng", proposals="Giữ lại", action="draft"),
        **HTMX,
    )
    body = response.content.decode()
    assert "Null characters" not in body
    assert "Nội dung có ký tự không hợp lệ (ký tự NUL)" in body and "Giữ lại" in body
    assert not ProgressReport.objects.exists()


def test_a_draft_then_a_submission_through_the_form(client_staff, lead, current, target):
    on_my_tasks = {**HTMX, "HTTP_HX_CURRENT_URL": "http://testserver" + reverse("kpis:my_tasks")}
    response = client_staff.post(
        url(lead),
        form_data(current, completion="40,5", results="Đang dự thảo", action="draft"),
        **on_my_tasks,
    )
    assert "Đã lưu nháp" in response.content.decode()
    assert f'id="task-{lead.pk}"' in response.content.decode()  # the row on My tasks, out of band
    report = ProgressReport.objects.get()
    assert (report.status, report.completion) == ("draft", Decimal("40.5"))
    # From the report page itself there is no My tasks row to update out of band.
    on_report_page = {**HTMX, "HTTP_HX_CURRENT_URL": "http://testserver" + url(lead)}
    response = client_staff.post(
        url(lead), form_data(current, completion="44", action="draft"), **on_report_page
    )
    assert "Đã lưu nháp" in response.content.decode()
    assert f'id="task-{lead.pk}"' not in response.content.decode()
    response = client_staff.post(url(lead), form_data(current, completion="45", action="submit"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.completion) == ("submitted", Decimal(45))


def test_the_completion_is_proposed_from_kpi_values(client_staff, lead, current, target):
    response = client_staff.post(
        url(lead), form_data(current, **{f"target_{target.pk}": "1"}, action="propose"), **HTMX
    )
    assert 'value="100"' in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_a_claim_without_evidence_is_refused_and_with_evidence_awaits_review(client_staff, lead, current):
    response = client_staff.post(
        url(lead), form_data(current, completion="100", results="Xong", action="submit"), **HTMX
    )
    body = response.content.decode()
    assert "phải kèm ít nhất một tệp minh chứng" in body and "Xong" in body
    assert not ProgressReport.objects.exists()
    response = client_staff.post(
        url(lead),
        {**form_data(current, completion="100", results="Xong", action="submit"), "evidence": [pdf()]},
        **HTMX,
    )
    assert "chờ thẩm định" in response.content.decode()
    assert AssignmentState.objects.get(assignment=lead).status == Status.AWAITING_REVIEW


def test_a_locked_period_is_refused_beside_the_period(client_staff, lead, current, secretariat):
    period_lock(period=current, actor=secretariat, reason="Đã chốt số liệu")
    response = client_staff.post(
        url(lead), form_data(current, completion="10", results="abc", action="draft"), **HTMX
    )
    body = response.content.decode()
    assert "đã khóa (Đã chốt số liệu)" in body and "abc" in body
    assert not ProgressReport.objects.exists()


def test_a_co_ordinating_unit_is_told_it_does_not_lead(client, subtask, current):
    co = AssignmentFactory(subtask=subtask, role=AssignmentRole.CO)
    user = UserFactory(unit=co.unit, roles=[Role.STAFF])
    client.force_login(user)
    response = client.post(
        url(co), form_data(current, completion="10", results="Góp ý", action="draft"), **HTMX
    )
    body = response.content.decode()
    assert "không chủ trì" in body and "Góp ý" in body
    assert not ProgressReport.objects.exists()


def test_another_units_user_gets_404_everywhere(client, lead, staff, current):
    report = report_save_draft(assignment=lead, period=current, actor=staff, data=data("10"))
    report_submit(report=report, actor=staff)
    outsider = UserFactory(roles=[Role.STAFF])
    client.force_login(outsider)
    assert client.get(url(lead)).status_code == 404
    assert client.post(url(lead), form_data(current, completion="1", action="draft")).status_code == 404
    assert client.post(reverse("kpis:report_correct", args=[report.pk])).status_code == 404
    assert client.post(reverse("kpis:report_correct", args=[999999])).status_code == 404
    assert client.get(reverse("kpis:comment_page", args=[lead.pk])).status_code == 404


def test_a_correction_through_the_page_makes_a_new_version(client_staff, lead, staff, current):
    report = report_save_draft(assignment=lead, period=current, actor=staff, data=data("10"))
    report_submit(report=report, actor=staff)
    response = client_staff.post(reverse("kpis:report_correct", args=[report.pk]))
    assert response.status_code == 302
    assert list(ProgressReport.objects.values_list("version", "status")) == [(1, "submitted"), (2, "draft")]


def test_a_co_ordinating_unit_comments_and_the_lead_sees_it(client, client_staff, lead, subtask, current):
    co = AssignmentFactory(subtask=subtask, role=AssignmentRole.CO)
    co_user = UserFactory(unit=co.unit, roles=[Role.STAFF])
    client.force_login(co_user)
    response = client.post(reverse("kpis:comment_page", args=[co.pk]), {"text": ""})
    assert response.status_code == 400 and "Vui lòng nhập nội dung ý kiến." in response.content.decode()
    client.post(reverse("kpis:comment_page", args=[co.pk]), {"text": "Đề nghị bổ sung số liệu xã"})
    assert Comment.objects.get().assignment == co
    client_staff.force_login(UserFactory(unit=lead.unit, roles=[Role.HEAD]))
    assert "Đề nghị bổ sung số liệu xã" in client_staff.get(url(lead)).content.decode()


def test_periods_and_not_reported_are_for_the_secretariat(client, staff, secretariat, lead, current):
    client.force_login(staff)
    # Not 403: to anyone else these pages do not exist, as everywhere in the portal.
    assert client.get(reverse("kpis:period_list")).status_code == 404
    assert client.get(reverse("kpis:not_reported")).status_code == 404
    assert client.post(reverse("kpis:period_generate")).status_code == 404
    response = client.post(reverse("kpis:period_lock", args=[current.pk]), {f"p{current.pk}-reason": "x"})
    assert response.status_code == 404
    client.force_login(secretariat)
    assert client.get(reverse("kpis:period_list")).status_code == 200
    response = client.post(reverse("kpis:period_lock", args=[current.pk]), {f"p{current.pk}-reason": ""})
    assert response.status_code == 400 and "Vui lòng ghi lý do." in response.content.decode()
    client.post(reverse("kpis:period_lock", args=[current.pk]), {f"p{current.pk}-reason": "Chốt số liệu"})
    current.refresh_from_db()
    assert current.locked
    client.post(reverse("kpis:period_reopen", args=[current.pk]), {f"p{current.pk}-reason": "Bổ sung"})
    current.refresh_from_db()
    assert not current.locked
    response = client.get(reverse("kpis:not_reported"), {"period": current.pk})
    body = response.content.decode()
    assert lead.unit.name in body and "1 nhiệm vụ chủ trì chưa có báo cáo" in body


@pytest.mark.parametrize(
    "next_value",
    ["https://evil.invalid/", "//evil.invalid/kpis/periods/", "http://evil.invalid/", "javascript:alert(1)"],
)
def test_locking_and_reopening_go_back_only_to_a_page_of_the_portal(client, secretariat, current, next_value):
    """`next` is where the form came from; another site is never a place to send the secretariat."""
    client.force_login(secretariat)
    for name, reason in (("kpis:period_lock", "Chốt số liệu"), ("kpis:period_reopen", "Bổ sung")):
        response = client.post(
            reverse(name, args=[current.pk]), {f"p{current.pk}-reason": reason, "next": next_value}
        )
        assert response.status_code == 302 and response["Location"] == reverse("kpis:period_list"), name
    back = reverse("kpis:period_list") + f"?plan={current.plan_id}"
    response = client.post(
        reverse("kpis:period_lock", args=[current.pk]), {f"p{current.pk}-reason": "Chốt", "next": back}
    )
    assert response["Location"] == back


def test_the_subtask_progress_include_renders_history_for_the_lead(rf, staff, lead, subtask, current):
    from django.template import Context, Template

    report = report_save_draft(
        assignment=lead, period=current, actor=staff, data=data("33", results="Kết quả A")
    )
    report_submit(report=report, actor=staff)
    request = rf.get("/")
    request.user = staff
    html = Template('{% include "kpis/_subtask_progress.html" %}').render(
        Context({"subtask": subtask, "request": request, "user": staff})
    )
    assert "Kết quả A" in html and "Báo cáo tiến độ" in html
    outsider = UserFactory(roles=[Role.STAFF])
    request.user = outsider
    html = Template('{% include "kpis/_subtask_progress.html" %}').render(
        Context({"subtask": subtask, "request": request, "user": outsider})
    )
    assert "Kết quả A" not in html


def test_a_completed_tasks_report_is_shown_read_only(client_staff, lead, current):
    """Once approved, the form shows the report without offering to edit what cannot be sent: the
    fields are disabled, no drop zone, no 'send again to make a new version' notice, no buttons."""
    client_staff.post(
        url(lead),
        {**form_data(current, completion="100", results="Xong", action="submit"), "evidence": [pdf()]},
        **HTMX,
    )
    AssignmentState.objects.filter(assignment=lead).update(status=Status.COMPLETED, completed_on_time=True)
    body = client_staff.get(url(lead)).content.decode()
    assert re.search(r'<fieldset class="report-fields"\s+disabled>', body)
    assert "data-dropzone" not in body and "Sửa và gửi lại" not in body
    assert 'value="submit"' not in body and 'value="draft"' not in body
    assert "Xong" in body and "Nhiệm vụ đã được công nhận hoàn thành đúng hạn." in body


def test_a_leader_with_a_unit_is_not_offered_that_units_tasks_or_co_ordination_pages(
    client, lead, subtask, current
):
    """The demo's leader belongs to "UBND tỉnh", which co-ordinates tasks: "Nhiệm vụ của tôi" listed
    its "Gửi ý kiến phối hợp" links, each a 404 for a leader. Only unit members have that page."""
    from tasks.models import AssignmentRole

    leader = UserFactory(unit=lead.unit, roles=[Role.LEADERSHIP])
    AssignmentFactory(subtask=subtask, unit=UnitFactory(name="UBND tỉnh"), role=AssignmentRole.CO)
    client.force_login(leader)
    response = client.get(reverse("kpis:my_tasks"))
    assert response.status_code == 302 and response["Location"] == reverse("home")
    # Reading a report page, the way back is the sub-task, not a page that is not theirs.
    page = client.get(reverse("kpis:report_form", args=[lead.pk])).content.decode()
    assert reverse("tasks:subtask_detail", args=[subtask.pk]) in page
    assert f'href="{reverse("kpis:my_tasks")}"' not in page.split("<main", 1)[1]


def _same_tasks_in_another_plan(lead, co, status):
    """Copies of the lead's and the co-ordinated sub-tasks (same codes, same titles) in a plan of the
    given status, for the same units: what the secretariat's import of a draft plan produces."""
    from tests.factories import GeneralTaskFactory, PlanFactory, SectionFactory

    general_task = GeneralTaskFactory(
        section=SectionFactory(plan=PlanFactory(code=f"99/KH-{status}", status=status))
    )

    def copy(assignment):
        return SubTaskFactory(
            general_task=general_task,
            code=assignment.subtask.code,
            title=assignment.subtask.title,
            deadline=datetime.date(2025, 12, 1),  # overdue, like the plan in force's task
        )

    return (
        AssignmentFactory(subtask=copy(lead), unit=lead.unit),
        AssignmentFactory(subtask=copy(co), unit=co.unit, role=AssignmentRole.CO),
    )


@pytest.mark.parametrize("status", ["draft", "closed"])
def test_my_tasks_leaves_out_plans_not_in_force(client_staff, lead, subtask, plan, current, status):
    """Right after the secretariat imported a draft plan, a unit's overdue count doubled and each draft
    row's "Báo cáo" led to "Kế hoạch chưa có kỳ báo cáo nào đang mở.": only plans in force are work."""
    co = AssignmentFactory(
        subtask=SubTaskFactory(general_task=subtask.general_task), unit=lead.unit, role="co"
    )
    other_lead, other_co = _same_tasks_in_another_plan(lead, co, status)
    body = client_staff.get(reverse("kpis:my_tasks")).content.decode()
    assert rows(body) == 1 and f'id="task-{lead.pk}"' in body
    assert f'id="task-{other_lead.pk}"' not in body
    assert other_lead.subtask.plan.code not in body  # neither a table nor an option of the plan filter
    assert reverse("kpis:comment_page", args=[co.pk]) in body
    assert reverse("kpis:comment_page", args=[other_co.pk]) not in body
    overdue = re.search(r'href="\?flag=overdue"><span class="value">(\d+)<', body)
    assert overdue and overdue.group(1) == "1"
    # Asked for by its id, the draft plan is not listed either.
    response = client_staff.get(reverse("kpis:my_tasks"), {"plan": other_lead.subtask.plan_id})
    assert rows(response.content.decode()) == 0


def test_the_co_ordination_list_names_the_plan_of_each_task(client_staff, lead, subtask, plan, current):
    """Two plans in force may both have a sub-task 2.1: each co-ordinated task is listed under its plan."""
    co = AssignmentFactory(
        subtask=SubTaskFactory(general_task=subtask.general_task), unit=lead.unit, role="co"
    )
    _other_lead, other_co = _same_tasks_in_another_plan(lead, co, "in_force")
    body = client_staff.get(reverse("kpis:my_tasks")).content.decode()
    section = body.split("Nhiệm vụ đơn vị phối hợp", 1)[1]
    first, second = (
        section.index(f'href="{reverse("kpis:comment_page", args=[a.pk])}"') for a in (co, other_co)
    )
    plan_heading = section.index(f"Kế hoạch {plan.code}")
    other_heading = section.index(f"Kế hoạch {other_co.subtask.plan.code}")
    assert plan_heading < first < other_heading < second


# A locked period ---------------------------------------------------------------------------------


def selected_period(body: str) -> str:
    select = re.search(r'<select name="period".*?</select>', body, re.S).group(0)
    return re.search(r'<option value="(\d+)" selected>', select).group(1)


def send_buttons(body: str) -> list[str]:
    return re.findall(r'<button type="submit"\s+name="action"\s+value="(?:draft|submit)"[^>]*>', body)


def test_the_form_does_not_start_on_a_locked_period_when_an_open_one_exists(
    client_staff, lead, current, secretariat
):
    """The secretariat locked this month: the form used to preselect it with every button on, and the
    user learnt it was locked only after typing the report and sending it."""
    period_lock(period=current, actor=secretariat, reason="Đã chốt số liệu")
    body = client_staff.get(url(lead)).content.decode()
    picked = Period.objects.get(pk=selected_period(body))
    assert picked != current and not picked.locked and picked.plan_id == current.plan_id
    assert f"Kỳ {current.label} đã khóa nên biểu mẫu mở kỳ đang mở {picked.label}." in body
    assert all("disabled" not in button for button in send_buttons(body)) and len(send_buttons(body)) == 2


def test_a_locked_period_says_so_before_the_fields_and_sending_is_off_but_the_text_stays(
    client_staff, lead, current, secretariat
):
    for period in Period.objects.filter(plan=current.plan_id):
        period_lock(period=period, actor=secretariat, reason="Đã chốt số liệu")
    body = client_staff.get(url(lead)).content.decode()
    assert selected_period(body) == str(current.pk)
    notice = body.index(
        f'Kỳ {current.label} đã khóa</strong>: <span class="user-text">Đã chốt số liệu</span>.'
    )
    assert notice < body.index('name="period"') < body.index('name="completion"')
    assert "hiện không có kỳ nào đang mở" in body
    buttons = send_buttons(body)
    assert len(buttons) == 2 and all(
        f'disabled aria-describedby="period-locked-{lead.pk}"' in b for b in buttons
    )
    assert f'id="period-locked-{lead.pk}"' in body
    assert "data-dropzone" not in body
    # Sent all the same (a page left open, no script): refused, and what was typed is still there.
    response = client_staff.post(
        url(lead), form_data(current, completion="10", results="Nội dung A", action="draft")
    )
    body = response.content.decode()
    assert "Nội dung A" in body and "hiện không có kỳ nào đang mở" in body
    assert not ProgressReport.objects.exists()
    # The secretariat may still report into a locked period: told so, buttons on.
    client_staff.force_login(secretariat)
    body = client_staff.get(url(lead)).content.decode()
    assert "Bạn thuộc Thường trực nên vẫn báo cáo được vào kỳ này." in body
    assert all("disabled" not in button for button in send_buttons(body))


def test_my_tasks_says_this_months_period_is_locked_instead_of_its_deadline(
    client_staff, lead, current, secretariat
):
    body = client_staff.get(reverse("kpis:my_tasks")).content.decode()
    assert "Chưa gửi" in body and f"Hạn {current.due_date:%d/%m/%Y}" in body
    period_lock(period=current, actor=secretariat, reason="Đã chốt số liệu")
    body = client_staff.get(reverse("kpis:my_tasks")).content.decode()
    row = re.search(rf'<tr id="task-{lead.pk}".*?</tr>', body, re.S).group(0)
    assert "Kỳ đã khóa" in row and f"{current.label} không nhận thêm báo cáo" in row
    assert "Chưa gửi" not in row and "Hạn " not in row
    assert 'class="button primary"' not in row


# Focus and error descriptions --------------------------------------------------------------------


def missing_descriptions(body: str) -> list[str]:
    """Ids named in aria-describedby that no element of the page carries."""
    ids = set(re.findall(r'\sid="([^"]+)"', body))
    named = [i for value in re.findall(r'aria-describedby="([^"]*)"', body) for i in value.split()]
    return [i for i in named if i not in ids]


def test_every_error_an_input_points_to_exists_and_focus_goes_to_the_first_field_in_error(
    client_staff, lead, current, target
):
    response = client_staff.post(
        url(lead),
        form_data(current, completion="abc", action="submit", **{f"target_{target.pk}": "x"}),
        **HTMX,
    )
    body = response.content.decode()
    assert f'aria-describedby="id_target_{target.pk}_error"' in body
    assert 'aria-describedby="id_completion_error"' in body
    assert missing_descriptions(body) == []
    assert 'data-focus-after-swap="error"' in body
    assert "data-error-summary" in body
    # The page without htmx, and the form as first opened (the evidence help text), too.
    body = client_staff.post(url(lead), form_data(current, completion="abc", action="draft")).content.decode()
    assert missing_descriptions(body) == []
    assert missing_descriptions(client_staff.get(url(lead)).content.decode()) == []


def test_after_saving_focus_goes_to_the_message(client_staff, lead, current):
    response = client_staff.post(url(lead), form_data(current, completion="10", action="draft"), **HTMX)
    body = response.content.decode()
    assert 'data-focus-after-swap="saved"' in body
    assert re.search(
        r'<div class="callout ok" role="status" tabindex="-1" data-saved-message>Đã lưu nháp', body
    )
    body = client_staff.get(url(lead)).content.decode()
    assert "data-focus-after-swap" not in body  # a page simply opened leaves focus where the browser puts it


def test_comment_and_period_lock_errors_carry_the_ids_their_fields_point_to(
    client, subtask, current, secretariat
):
    co = AssignmentFactory(subtask=subtask, role=AssignmentRole.CO)
    client.force_login(UserFactory(unit=co.unit, roles=[Role.STAFF]))
    body = client.post(reverse("kpis:comment_page", args=[co.pk]), {"text": ""}).content.decode()
    assert 'aria-describedby="id_text_error"' in body and missing_descriptions(body) == []
    client.force_login(secretariat)
    response = client.post(reverse("kpis:period_lock", args=[current.pk]), {f"p{current.pk}-reason": ""})
    body = response.content.decode()
    assert f'aria-describedby="id_p{current.pk}-reason_error"' in body and missing_descriptions(body) == []


def test_a_long_co_ordination_list_comes_when_scrolled_to(client_staff, lead, subtask):
    """A department co-ordinating hundreds of tasks gets its lead tasks first; the co-ordinated ones
    load (htmx, once the section is in view) or open (?co=1) on demand."""
    cos = [
        AssignmentFactory(
            subtask=SubTaskFactory(general_task=subtask.general_task), unit=lead.unit, role="co"
        )
        for _ in range(21)
    ]
    link = reverse("kpis:comment_page", args=[cos[0].pk])
    body = client_staff.get(reverse("kpis:my_tasks")).content.decode()
    assert "Nhiệm vụ đơn vị phối hợp" in body and link not in body
    assert 'hx-trigger="click, intersect once"' in body and 'href="?co=1#co-tasks"' in body
    fragment = client_staff.get(
        reverse("kpis:my_tasks"), {"co": "1"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="co-tasks"
    ).content.decode()
    assert "<html" not in fragment and 'id="task-' not in fragment
    assert all(reverse("kpis:comment_page", args=[a.pk]) in fragment for a in cos)
    assert link in client_staff.get(reverse("kpis:my_tasks"), {"co": "1"}).content.decode()


def test_in_the_priority_order_rows_are_headed_by_what_makes_them_urgent(client, subtask, plan, current):
    staff = UserFactory(unit=UnitFactory(name="Sở Công Thương"), roles=[Role.STAFF])
    client.force_login(staff)
    today = datetime.date.today()
    late, due = _bulk_assignments(staff.unit, subtask.general_task, plan, 2)
    SubTask.objects.filter(pk=late.subtask_id).update(deadline=today - datetime.timedelta(days=2))
    # Started with the month (by its cut-off, the 20th: a task begun later owes this month nothing).
    SubTask.objects.filter(pk=due.subtask_id).update(
        start_date=current.start, deadline=today + datetime.timedelta(days=300)
    )
    body = client.get(reverse("kpis:my_tasks")).content.decode()
    headings = [(m.start(), m.group(1)) for m in re.finditer(r"<h2>\s*([^<]*?)\s*</h2>", body)]
    (overdue_at, overdue), (unsent_at, unsent) = headings[:2]
    assert (overdue, unsent) == ("Quá hạn", "Chưa gửi báo cáo kỳ này")
    assert overdue_at < body.index(f'id="task-{late.pk}"') < unsent_at < body.index(f'id="task-{due.pk}"')
    assert f"{plan.code} · Mục" in body  # each row says where it sits
    by_section = client.get(reverse("kpis:my_tasks"), {"sort": "code"}).content.decode()
    assert f"{plan.code} · Mục" not in by_section
