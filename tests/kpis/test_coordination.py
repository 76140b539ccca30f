"""Co-ordinating units confirm or object to a lead unit's completion claim (issue 21, item 5): they
are told when the claim reaches the committee, answer within the days set, and the reviewer reads
their answers; silence holds nothing."""

import pytest
from django.core.exceptions import ValidationError

from evidence.selectors import claim_for_review
from evidence.services import review_approve
from kpis.models import AssignmentState, CoordinationAnswer, CoordinationVerdict, Status
from kpis.services import coordination_answer, report_save_draft, report_sign_off, report_submit
from notifications.models import Notification, NotificationKind
from tasks.models import AssignmentRole
from tests.factories import AssignmentFactory, UnitFactory, UserFactory
from units.models import Role

from .conftest import at, data, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def co(subtask):
    return AssignmentFactory(subtask=subtask, unit=UnitFactory(name="Sở Tài chính"), role=AssignmentRole.CO)


@pytest.fixture
def co_staff(co):
    return UserFactory(unit=co.unit, roles=[Role.STAFF])


def _claim(lead, period, actor, now, completion=100):
    draft = report_save_draft(
        assignment=lead, period=period, actor=actor, data=data(completion), uploads=[pdf()], now=now
    )
    return report_submit(report=draft, actor=actor, now=now)


def test_co_ordinating_units_are_told_when_the_claim_reaches_the_committee(
    lead, staff, co, co_staff, december
):
    claim = _claim(lead, december, staff, at(2025, 12, 10))
    told = Notification.objects.get(recipient=co_staff)
    assert told.kind == NotificationKind.COORDINATION_ASKED
    assert "15/12/2025" in told.body  # 5 days, the setting's default
    assert told.url.endswith(f"/assignments/{co.pk}/comments/#claims")
    assert claim.coordination_deadline.isoformat() == "2025-12-15"


def test_a_progress_report_or_a_claim_waiting_for_the_head_tells_no_one(lead, staff, co, co_staff, december):
    _claim(lead, december, staff, at(2025, 12, 5), completion=40)
    assert not Notification.objects.filter(recipient=co_staff).exists()
    lead.unit.head_signoff_required = True
    lead.unit.save()
    head = UserFactory(unit=lead.unit, roles=[Role.HEAD])
    claim = _claim(lead, december, staff, at(2025, 12, 10))
    assert not Notification.objects.filter(recipient=co_staff).exists()
    report_sign_off(report=claim, actor=head, now=at(2025, 12, 11))
    assert (
        Notification.objects.filter(recipient=co_staff, kind=NotificationKind.COORDINATION_ASKED).count() == 1
    )


def test_a_unit_confirms_or_objects_with_a_reason_and_may_change_its_answer(
    lead, staff, co, co_staff, december
):
    claim = _claim(lead, december, staff, at(2025, 12, 10))
    answer = coordination_answer(
        co_assignment=co,
        claim=claim,
        verdict=CoordinationVerdict.CONFIRMED,
        actor=co_staff,
        now=at(2025, 12, 11),
    )
    assert answer.verdict == CoordinationVerdict.CONFIRMED
    with pytest.raises(ValidationError) as exc:
        coordination_answer(
            co_assignment=co, claim=claim, verdict=CoordinationVerdict.OBJECTED, reason=" ", actor=co_staff
        )
    assert "reason" in exc.value.error_dict
    assert CoordinationAnswer.objects.get().verdict == CoordinationVerdict.CONFIRMED  # unchanged
    coordination_answer(
        co_assignment=co,
        claim=claim,
        verdict=CoordinationVerdict.OBJECTED,
        reason="Chưa có ý kiến thẩm định của Sở Tài chính.",
        actor=co_staff,
        now=at(2025, 12, 15, 16),
    )
    answer = CoordinationAnswer.objects.get()
    assert (answer.verdict, answer.reason) == (
        CoordinationVerdict.OBJECTED,
        "Chưa có ý kiến thẩm định của Sở Tài chính.",
    )


def test_answers_close_after_the_days_set(lead, staff, co, co_staff, december, settings):
    settings.COORDINATION_ANSWER_DAYS = 2
    claim = _claim(lead, december, staff, at(2025, 12, 10))
    with pytest.raises(ValidationError) as exc:
        coordination_answer(
            co_assignment=co,
            claim=claim,
            verdict=CoordinationVerdict.CONFIRMED,
            actor=co_staff,
            now=at(2025, 12, 13),
        )
    assert "Đã hết hạn cho ý kiến (đến hết ngày 12/12/2025)" in " ".join(exc.value.messages)
    assert not CoordinationAnswer.objects.exists()


def test_only_the_co_ordinating_units_answer(lead, staff, co, december, subtask):
    claim = _claim(lead, december, staff, at(2025, 12, 10))
    outsider = UserFactory(roles=[Role.STAFF])
    with pytest.raises(ValidationError):
        coordination_answer(
            co_assignment=co, claim=claim, verdict="confirmed", actor=outsider, now=at(2025, 12, 11)
        )
    with pytest.raises(ValidationError):  # the lead unit does not answer its own claim
        coordination_answer(
            co_assignment=lead, claim=claim, verdict="confirmed", actor=staff, now=at(2025, 12, 11)
        )
    assert not CoordinationAnswer.objects.exists()


def test_the_reviewer_reads_the_answers_and_is_not_held_by_silence(
    lead, staff, co, co_staff, reviewer, december, subtask
):
    silent = AssignmentFactory(subtask=subtask, unit=UnitFactory(name="Công an tỉnh"), role=AssignmentRole.CO)
    claim = _claim(lead, december, staff, at(2025, 12, 10))
    coordination_answer(
        co_assignment=co,
        claim=claim,
        verdict="objected",
        reason="Thiếu văn bản",
        actor=co_staff,
        now=at(2025, 12, 11),
    )
    shown = claim_for_review(assignment=lead)["coordination"]
    assert [(a.unit.name, answer.verdict if answer else None) for a, answer in shown] == [
        ("Công an tỉnh", None),
        ("Sở Tài chính", "objected"),
    ]
    assert silent.pk in [a.pk for a, _answer in shown]
    review_approve(assignment=lead, reviewer=reviewer, now=at(2025, 12, 11, 10))  # before the days are over
    assert AssignmentState.objects.get(assignment=lead).status == Status.COMPLETED
    silent_staff = UserFactory(unit=silent.unit, roles=[Role.STAFF])
    with pytest.raises(ValidationError) as exc:  # a decided claim takes no more answers
        coordination_answer(
            co_assignment=silent, claim=claim, verdict="confirmed", actor=silent_staff, now=at(2025, 12, 12)
        )
    assert "đã được Tổ thẩm định kết luận" in " ".join(exc.value.messages)
