"""Review: approve (on time / late by the claim date), return with a reason, resubmit, approve
several at once; the queue and the claim page; every review route is unknown to a unit's staff."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from evidence.models import Decision, Review
from evidence.services import review_approve, review_approve_many, review_return
from kpis.models import AssignmentState, ProgressReport, ReportStatus, Status
from kpis.services import ReportData, report_save_draft, report_submit
from notifications.models import Notification
from tests.evidence.world import claim, client_for, docx_upload, pdf_upload, png_upload
from tests.factories import AssignmentFactory, SubTaskFactory, UnitFactory, UserFactory
from units.models import Role

pytestmark = pytest.mark.django_db


def state(world) -> AssignmentState:
    return AssignmentState.objects.get(assignment=world.lead)


# ---------------------------------------------------------------- services


def test_approval_before_the_deadline_is_completed_on_time(world):
    report = claim(world, files=[pdf_upload()])
    review = review_approve(assignment=world.lead, reviewer=world.reviewer, note="Đủ minh chứng")
    assert (state(world).status, state(world).completed_on_time) == (Status.COMPLETED, True)
    assert (review.decision, review.report, review.reviewer, review.reason_text) == (
        Decision.APPROVED,
        report,
        world.reviewer,
        "Đủ minh chứng",
    )
    assert AuditEvent.objects.filter(action="review.approve", object_id=str(review.pk)).exists()
    assert AuditEvent.objects.filter(action="claim.approve").exists()
    assert Notification.objects.filter(recipient=world.staff, kind="claim_approved").exists()


def test_a_claim_sent_after_the_deadline_is_completed_late_whenever_approved(world):
    world.subtask.deadline = timezone.localdate() - datetime.timedelta(days=1)
    world.subtask.save()
    claim(world, files=[pdf_upload()])
    review_approve(assignment=world.lead, reviewer=world.reviewer)
    assert (state(world).status, state(world).completed_on_time) == (Status.COMPLETED, False)


def test_the_claim_date_counts_not_the_review_date(world):
    claimed = timezone.now()
    claim(world, files=[pdf_upload()], now=claimed)
    world.subtask.deadline = timezone.localdate(claimed)
    world.subtask.save()
    review_approve(assignment=world.lead, reviewer=world.reviewer, now=claimed + datetime.timedelta(days=40))
    assert state(world).completed_on_time is True


def test_a_return_needs_a_reason_and_words(world):
    claim(world, files=[pdf_upload()])
    with pytest.raises(ValidationError) as exc:
        review_return(assignment=world.lead, reviewer=world.reviewer, reason_code="", reason_text=" ")
    assert set(exc.value.message_dict) == {"reason_code", "reason_text"}
    assert state(world).status == Status.AWAITING_REVIEW and not Review.objects.exists()


def test_returned_then_resubmitted_with_new_evidence_then_approved(world):
    first = claim(world, files=[pdf_upload(), png_upload()])
    review = review_return(
        assignment=world.lead,
        reviewer=world.reviewer,
        reason_code="unsigned",
        reason_text="Quyết định chưa có chữ ký, con dấu.",
    )
    current = state(world)
    assert Status(current.status).label == "Chờ hoàn thiện"
    assert current.return_reason == "Văn bản chưa được ký: Quyết định chưa có chữ ký, con dấu."
    assert review.reason == current.return_reason and review.report == first
    assert Notification.objects.filter(recipient=world.staff, kind="claim_returned").exists()
    # Resubmitting the same claim needs new evidence on the new version.
    second = claim(world, files=[pdf_upload("Quyết định đã ký.pdf", text="da ky")])
    assert second.version == first.version + 1 and state(world).status == Status.AWAITING_REVIEW
    review_approve(assignment=world.lead, reviewer=world.reviewer)
    assert state(world).status == Status.COMPLETED
    decisions = list(Review.objects.filter(assignment=world.lead).order_by("decided_at", "pk"))
    assert [(r.decision, r.report_id) for r in decisions] == [
        (Decision.RETURNED, first.pk),
        (Decision.APPROVED, second.pk),
    ]


def test_only_reviewers_decide(world):
    claim(world, files=[pdf_upload()])
    for user in (world.staff, world.leadership):
        with pytest.raises(PermissionDenied):
            review_approve(assignment=world.lead, reviewer=user)
    assert state(world).status == Status.AWAITING_REVIEW and not Review.objects.exists()


def test_a_claim_is_decided_once(world):
    claim(world, files=[pdf_upload()])
    review_approve(assignment=world.lead, reviewer=world.reviewer)
    with pytest.raises(ValidationError):
        review_return(assignment=world.lead, reviewer=world.reviewer, reason_code="other", reason_text="x")
    assert Review.objects.count() == 1


def _second_claim(world, code="5.5"):
    subtask = SubTaskFactory(
        general_task=world.subtask.general_task, code=code, deadline=world.subtask.deadline
    )
    lead = AssignmentFactory(subtask=subtask, unit=UnitFactory(name=f"UBND xã {code}"))
    staff = UserFactory(unit=lead.unit, roles=[Role.STAFF])
    report = report_save_draft(
        assignment=lead,
        period=world.period,
        actor=staff,
        data=ReportData(completion=100),
        uploads=[pdf_upload(text=code)],
    )
    report_submit(report=report, actor=staff)
    return lead


def test_several_claims_are_approved_together_or_not_at_all(world):
    claim(world, files=[pdf_upload()])
    other = _second_claim(world)
    third = _second_claim(world, "5.6")
    review_return(
        assignment=third, reviewer=world.reviewer, reason_code="missing_document", reason_text="Thiếu"
    )
    with pytest.raises(ValidationError, match="Chưa công nhận đề nghị nào"):
        review_approve_many(assignments=[world.lead, other, third], reviewer=world.reviewer)
    assert state(world).status == Status.AWAITING_REVIEW
    assert Review.objects.filter(decision=Decision.APPROVED).count() == 0
    reviews = review_approve_many(assignments=[world.lead, other], reviewer=world.reviewer)
    assert len(reviews) == 2
    assert AssignmentState.objects.filter(status=Status.COMPLETED).count() == 2


# ---------------------------------------------------------------- pages


def test_the_queue_lists_claims_oldest_first_with_filters(world):
    now = timezone.now()
    claim(world, files=[pdf_upload()], now=now - datetime.timedelta(hours=2))
    other = _second_claim(world)
    client = client_for(world.reviewer)
    page = client.get(reverse("evidence:queue")).content.decode()
    assert page.index("Sở Tư pháp") < page.index("UBND xã 5.5")
    by_unit = client.get(reverse("evidence:queue"), {"unit": other.unit_id}).content.decode()
    assert "UBND xã 5.5" in by_unit and "Sở Tư pháp</td>" not in by_unit.replace("\n", "").replace("  ", "")
    by_plan = client.get(
        reverse("evidence:queue"),
        {"plan": world.plan.pk, "section": world.subtask.general_task.section_id},
    ).content.decode()
    assert "Sở Tư pháp" in by_plan
    later = (world.subtask.deadline + datetime.timedelta(days=1)).isoformat()
    none = client.get(reverse("evidence:queue"), {"deadline_from": later}).content.decode()
    assert "Không có đề nghị nào khớp bộ lọc" in none
    fragment = client.get(reverse("evidence:queue"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue-results")
    assert "<html" not in fragment.content.decode() and "approve-many" in fragment.content.decode()


def test_the_queue_takes_the_same_queries_for_few_and_many_claims(world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    claim(world, files=[pdf_upload()])
    client = client_for(world.reviewer)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("evidence:queue"))
    for n in range(8):
        _second_claim(world, f"6.{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("evidence:queue"))
    assert response.content.decode().count('name="assignment"') == 9


def test_the_claim_page_shows_the_task_the_report_and_the_evidence_side_by_side(world):
    claim(world, files=[pdf_upload("Quyết định đã ký.pdf"), png_upload("Ảnh sản phẩm.png"), docx_upload()])
    page = client_for(world.reviewer).get(reverse("evidence:claim", args=[world.lead.pk])).content.decode()
    for text in (
        "5.4. Ban hành quy chế số hoá hồ sơ",
        "Quyết định ban hành quy chế",  # the required output
        "01 quyết định được ban hành",  # the KPI
        "Đã ban hành quyết định",  # the report
        "Quyết định đã ký.pdf",
        "Ảnh sản phẩm.png",
        "Báo cáo kết quả.docx",
        'class="claim-preview',
        "Công nhận hoàn thành",
        "Trả lại",
    ):
        assert text in page, text
    pdf = world.lead.reports.get().evidence.get(kind="pdf")
    assert 'class="preview-frame"' in page
    assert reverse("evidence:preview", args=[pdf.pk]) in page
    image = world.lead.reports.get().evidence.get(kind="png")
    shown = client_for(world.reviewer).get(
        reverse("evidence:claim", args=[world.lead.pk]),
        {"show": image.pk},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="preview-pane",
    )
    assert '<img class="preview-image"' in shown.content.decode() and "<html" not in shown.content.decode()


def test_returning_through_the_page_keeps_the_typed_text_and_says_what_is_missing(world):
    claim(world, files=[pdf_upload()])
    client = client_for(world.reviewer)
    response = client.post(
        reverse("evidence:return", args=[world.lead.pk]), {"reason_code": "", "reason_text": "Thiếu biên bản"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Vui lòng chọn lý do trả lại." in page and "Thiếu biên bản" in page
    assert state(world).status == Status.AWAITING_REVIEW
    response = client.post(
        reverse("evidence:return", args=[world.lead.pk]),
        {"reason_code": "not_output", "reason_text": "Tệp là kế hoạch, không phải quyết định."},
    )
    assert response.status_code == 302 and response.url == reverse("evidence:queue")
    assert state(world).status == Status.RETURNED


def test_the_unit_sees_the_return_reason_where_it_works(world):
    claim(world, files=[pdf_upload()])
    review_return(
        assignment=world.lead,
        reviewer=world.reviewer,
        reason_code="other",
        reason_text="Văn bản ban hành năm 2024.",
    )
    reason = "Lý do khác: Văn bản ban hành năm 2024."
    client = client_for(world.staff)
    my_tasks = client.get(reverse("kpis:my_tasks")).content.decode()
    assert "Lý do trả lại" in my_tasks and reason in my_tasks and "Chờ hoàn thiện" in my_tasks
    form = client.get(reverse("kpis:report_form", args=[world.lead.pk])).content.decode()
    assert "Chờ hoàn thiện — đề nghị hoàn thành bị trả lại" in form and reason in form
    subtask_page = client.get(reverse("tasks:subtask_detail", args=[world.subtask.pk])).content.decode()
    assert reason in subtask_page


def test_approving_through_the_page_and_several_at_once(world):
    claim(world, files=[pdf_upload()])
    other = _second_claim(world)
    third = _second_claim(world, "5.6")
    client = client_for(world.reviewer)
    response = client.post(reverse("evidence:approve", args=[world.lead.pk]), {"note": ""}, follow=True)
    assert "Đã công nhận hoàn thành đúng hạn" in response.content.decode()
    back = reverse("evidence:queue") + f"?plan={world.plan.pk}"
    response = client.post(
        reverse("evidence:approve_many"), {"assignment": [other.pk, third.pk], "next": back}, follow=True
    )
    assert response.redirect_chain[-1][0] == back
    assert "Đã công nhận hoàn thành 2 đề nghị." in response.content.decode()
    assert AssignmentState.objects.filter(status=Status.COMPLETED).count() == 3
    offsite = client.post(
        reverse("evidence:approve_many"), {"assignment": [], "next": "https://evil.example/"}
    )
    assert offsite.url == reverse("evidence:queue")


REVIEW_ROUTES = [
    ("get", "evidence:claim", True),
    ("post", "evidence:approve", True),
    ("post", "evidence:return", True),
    ("get", "evidence:queue", False),
    ("post", "evidence:approve_many", False),
]


@pytest.mark.parametrize(("method", "route", "with_id"), REVIEW_ROUTES)
def test_every_review_route_is_unknown_to_unit_staff(world, method, route, with_id):
    claim(world, files=[pdf_upload()])
    for user in (world.outsider, world.staff, world.leadership):
        client = client_for(user)
        url = reverse(route, args=[world.lead.pk]) if with_id else reverse(route)
        data = {"assignment": [world.lead.pk], "reason_code": "other", "reason_text": "x"}
        assert getattr(client, method)(url, data).status_code == 404, (user, route)
        if with_id:
            assert getattr(client, method)(reverse(route, args=[2_000_000_000]), data).status_code == 404
    assert state(world).status == Status.AWAITING_REVIEW and not Review.objects.exists()
    assert ProgressReport.objects.filter(status=ReportStatus.SUBMITTED).count() == 1


def test_the_nav_links_reviewers_to_the_queue(world):
    link = f'href="{reverse("evidence:queue")}"'
    # Each lands on their own page (My tasks is for unit members only): the menu is on all of them.
    assert link in client_for(world.reviewer).get(reverse("home"), follow=True).content.decode()
    assert link not in client_for(world.staff).get(reverse("home"), follow=True).content.decode()
