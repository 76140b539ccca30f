"""A decision sent from a page that is no longer current — the claim was decided in another tab
or by another reviewer, or the unit sent a newer version — is refused with what happened (who,
when), the page shows the claim as it is now, what the reviewer typed is kept, and no second
decision is recorded."""

import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from evidence.models import Decision, Review
from evidence.services import review_approve, review_approve_many, review_return
from kpis.models import AssignmentState, Status
from tests.evidence.world import claim, client_for, pdf_upload
from tests.factories import UserFactory
from units.models import Role

pytestmark = pytest.mark.django_db


def status(world) -> str:
    return AssignmentState.objects.get(assignment=world.lead).status


def shown_report_id(page: str) -> int:
    """The claim version a decision form on the page is about (its hidden "report")."""
    return int(re.search(r'name="report" value="(\d+)"', page).group(1))


def text(response) -> str:
    return html.unescape(response.content.decode())


def local_day(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y")


# ---------------------------------------------------------------- services


def test_returning_an_approved_claim_says_who_approved_it_and_when(world):
    report = claim(world, files=[pdf_upload()])
    approved = review_approve(assignment=world.lead, reviewer=world.reviewer, report_id=report.pk)
    with pytest.raises(ValidationError) as caught:
        review_return(
            assignment=world.lead,
            reviewer=UserFactory(unit=None, roles=[Role.REVIEWER]),
            reason_code="other",
            reason_text="Thiếu biên bản",
            report_id=report.pk,
        )
    message = " ".join(caught.value.messages)
    assert "Đề nghị này đã được công nhận hoàn thành lúc" in message
    assert str(world.reviewer) in message and local_day(approved.decided_at) in message
    assert "không còn chờ thẩm định" in message
    assert Review.objects.get() == approved and status(world) == Status.COMPLETED
    assert not AuditEvent.objects.filter(action__in=["review.return", "claim.return"]).exists()


def test_approving_a_returned_claim_says_it_was_returned(world):
    report = claim(world, files=[pdf_upload()])
    review_return(
        assignment=world.lead,
        reviewer=world.reviewer,
        reason_code="unsigned",
        reason_text="Chưa ký",
        report_id=report.pk,
    )
    with pytest.raises(ValidationError) as caught:
        review_approve(assignment=world.lead, reviewer=world.reviewer, report_id=report.pk)
    assert "đã được trả lại (chờ hoàn thiện) lúc" in " ".join(caught.value.messages)
    assert Review.objects.get().decision == Decision.RETURNED and status(world) == Status.RETURNED


def test_a_decision_on_a_superseded_version_is_refused(world):
    first = claim(world, files=[pdf_upload()])
    second = claim(world, files=[pdf_upload("Quyết định bản sửa.pdf", text="ban sua")])
    assert second.version == first.version + 1 and status(world) == Status.AWAITING_REVIEW
    with pytest.raises(ValidationError) as caught:
        review_approve(assignment=world.lead, reviewer=world.reviewer, report_id=first.pk)
    assert "Đơn vị đã gửi phiên bản 2 của đề nghị" in " ".join(caught.value.messages)
    with pytest.raises(ValidationError):
        review_return(
            assignment=world.lead,
            reviewer=world.reviewer,
            reason_code="other",
            reason_text="x",
            report_id=first.pk,
        )
    assert status(world) == Status.AWAITING_REVIEW and not Review.objects.exists()
    review = review_approve(assignment=world.lead, reviewer=world.reviewer, report_id=second.pk)
    assert review.report == second


def test_approving_several_refuses_a_version_that_is_no_longer_current(world):
    first = claim(world, files=[pdf_upload()])
    claim(world, files=[pdf_upload("Quyết định bản sửa.pdf", text="ban sua")])
    with pytest.raises(ValidationError) as caught:
        review_approve_many(
            assignments=[world.lead], reviewer=world.reviewer, report_ids={world.lead.pk: first.pk}
        )
    assert "Chưa công nhận đề nghị nào." in " ".join(caught.value.messages)
    assert status(world) == Status.AWAITING_REVIEW and not Review.objects.exists()


# ---------------------------------------------------------------- pages (two tabs)


def test_returning_in_a_second_tab_after_approving_in_the_first(world):
    claim(world, files=[pdf_upload()])
    client = client_for(world.reviewer)
    tab2 = client.get(reverse("evidence:claim", args=[world.lead.pk])).content.decode()
    report_id = shown_report_id(tab2)
    tab1 = client.post(reverse("evidence:approve", args=[world.lead.pk]), {"note": "", "report": report_id})
    assert tab1.status_code == 302 and status(world) == Status.COMPLETED

    response = client.post(
        reverse("evidence:return", args=[world.lead.pk]),
        {"reason_code": "missing_document", "reason_text": "Thiếu biên bản nghiệm thu", "report": report_id},
    )

    page = text(response)
    assert response.status_code == 200
    assert "Đề nghị này đã được công nhận hoàn thành lúc" in page and str(world.reviewer) in page
    # The page shows the claim as it is now: completed, with the decision in its history, and
    # no decision forms; what was typed is there to copy.
    assert 'class="error-summary" role="alert"' in page
    assert 'action="' + reverse("evidence:return", args=[world.lead.pk]) not in page
    assert "Hoàn thành" in page and "Công nhận hoàn thành" in page
    assert "Thiếu văn bản minh chứng: Thiếu biên bản nghiệm thu" in page
    assert Review.objects.count() == 1 and status(world) == Status.COMPLETED
    assert AuditEvent.objects.filter(action="review.approve").count() == 1
    assert not AuditEvent.objects.filter(action__in=["review.return", "claim.return"]).exists()


def test_an_incomplete_return_on_a_decided_claim_says_it_was_decided(world):
    claim(world, files=[pdf_upload()])
    client = client_for(world.reviewer)
    report_id = shown_report_id(client.get(reverse("evidence:claim", args=[world.lead.pk])).content.decode())
    review_approve(assignment=world.lead, reviewer=world.reviewer, report_id=report_id)

    response = client.post(
        reverse("evidence:return", args=[world.lead.pk]),
        {"reason_code": "", "reason_text": "Chưa chọn lý do", "report": report_id},
    )

    page = text(response)
    assert "Đề nghị này đã được công nhận hoàn thành lúc" in page and "Chưa chọn lý do" in page
    assert Review.objects.count() == 1


def test_approving_in_a_second_tab_after_returning_in_the_first(world):
    claim(world, files=[pdf_upload()])
    client = client_for(world.reviewer)
    report_id = shown_report_id(client.get(reverse("evidence:claim", args=[world.lead.pk])).content.decode())
    client.post(
        reverse("evidence:return", args=[world.lead.pk]),
        {"reason_code": "unsigned", "reason_text": "Chưa ký", "report": report_id},
    )

    response = client.post(
        reverse("evidence:approve", args=[world.lead.pk]),
        {"note": "Đã đối chiếu bản gốc", "report": report_id},
    )

    page = text(response)
    assert response.status_code == 200
    assert "Đề nghị này đã được trả lại (chờ hoàn thiện) lúc" in page and "Đã đối chiếu bản gốc" in page
    assert Review.objects.get().decision == Decision.RETURNED and status(world) == Status.RETURNED


def test_deciding_a_version_the_unit_has_replaced_shows_the_new_one(world):
    first = claim(world, files=[pdf_upload()])
    client = client_for(world.reviewer)
    old_page = client.get(reverse("evidence:claim", args=[world.lead.pk])).content.decode()
    assert shown_report_id(old_page) == first.pk
    second = claim(world, files=[pdf_upload("Quyết định bản sửa.pdf", text="ban sua")])

    response = client.post(
        reverse("evidence:return", args=[world.lead.pk]),
        {"reason_code": "not_output", "reason_text": "Sai sản phẩm", "report": first.pk},
    )

    page = text(response)
    assert "Đơn vị đã gửi phiên bản 2 của đề nghị" in page and "chưa được ghi" in page
    # Still awaiting: the forms are back with what was typed, now about the new version.
    assert "Quyết định bản sửa.pdf" in page and "Sai sản phẩm" in page
    assert shown_report_id(page) == second.pk
    assert 'value="not_output" selected' in page
    assert status(world) == Status.AWAITING_REVIEW and not Review.objects.exists()
    response = client.post(
        reverse("evidence:approve", args=[world.lead.pk]), {"note": "", "report": second.pk}
    )
    assert response.status_code == 302 and Review.objects.get().report == second


def test_approving_several_from_an_old_list_keeps_the_newer_version_waiting(world):
    first = claim(world, files=[pdf_upload()])
    client = client_for(world.reviewer)
    queue = client.get(reverse("evidence:queue")).content.decode()
    assert re.search(rf'name="report-{world.lead.pk}"\s+value="{first.pk}"', queue)
    claim(world, files=[pdf_upload("Quyết định bản sửa.pdf", text="ban sua")])

    response = client.post(
        reverse("evidence:approve_many"),
        {"assignment": [world.lead.pk], f"report-{world.lead.pk}": first.pk},
        follow=True,
    )

    assert "Đơn vị đã gửi phiên bản 2 của đề nghị" in text(response)
    assert status(world) == Status.AWAITING_REVIEW and not Review.objects.exists()
