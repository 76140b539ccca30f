import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from targets.models import Milestone, Target, TargetValue, TargetValueFile, ValueStatus
from targets.selectors import report_rows, report_sentence, targets_of, with_standing
from targets.services import target_value_approve, target_value_report, target_value_return

from .world import NOW, World, evidence

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return World()


def report(world, target, m, *, unit=None, actor=None, files=None, **figures):
    return target_value_report(
        target=target,
        unit=unit or world.unit_a,
        period=world.months[m],
        uploads=[evidence(text=f"{target.code} {m} {figures}")] if files is None else files,
        actor=actor or world.staff_a,
        now=NOW,
        **figures,
    )


def test_the_secretariat_enters_a_target_with_two_milestones(world):
    target = world.share_target()
    assert [(m.value, m.due_date) for m in target.milestones.all()] == [
        (D(80), datetime.date(2026, 1, 1)),
        (D(100), datetime.date(2030, 12, 31)),
    ]
    assert list(target.units.all()) == [world.unit_a]
    assert AuditEvent.objects.filter(action="targets.save").count() == 1


def test_a_target_is_refused_without_milestone_or_unit_and_nothing_is_written(world):
    with pytest.raises(ValidationError) as exc:
        world.share_target(milestones=[], units=[])
    assert set(exc.value.message_dict) == {"milestones", "units"}
    with pytest.raises(ValidationError) as exc:
        world.share_target(baseline_date=datetime.date(2026, 6, 1))
    assert "baseline_date" in exc.value.message_dict
    assert not Target.objects.exists() and not Milestone.objects.exists()


def test_only_the_secretariat_enters_targets(world):
    with pytest.raises(PermissionDenied):
        world.share_target(actor=world.staff_a)


def test_a_share_is_reported_as_numerator_and_denominator(world):
    target = world.share_target()
    row = report(world, target, 9, numerator=D(1290), denominator=D(2060), value=D(99))
    assert row.value == D("62.6214") and row.status == ValueStatus.SUBMITTED
    assert TargetValueFile.objects.filter(target_value=row).count() == 1
    with pytest.raises(ValidationError) as exc:
        report(world, target, 8, numerator=D(5), denominator=D(0))
    assert "denominator" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        report(world, target, 8, numerator=D(5), denominator=D(4))
    assert "numerator" in exc.value.message_dict


def test_a_value_needs_evidence_and_a_begun_period_of_the_plan(world):
    target = world.count_target()
    with pytest.raises(ValidationError) as exc:
        report(world, target, 9, value=D(1), files=[])
    assert "evidence" in exc.value.message_dict
    with pytest.raises(ValidationError):
        target_value_report(
            target=target,
            unit=world.unit_a,
            period=world.months[9],
            value=D(1),
            uploads=[evidence()],
            actor=world.staff_a,
            now=datetime.datetime(2025, 8, 1, tzinfo=datetime.UTC),
        )
    assert not TargetValue.objects.exists()


def test_only_a_responsible_unit_reports_and_for_itself(world):
    target = world.share_target()
    with pytest.raises(PermissionDenied):
        report(world, target, 9, numerator=D(1), denominator=D(2), unit=world.unit_b, actor=world.staff_b)
    with pytest.raises(PermissionDenied):
        report(world, target, 9, numerator=D(1), denominator=D(2), actor=world.outsider)
    other = world.count_target()
    with pytest.raises(PermissionDenied):
        report(world, other, 9, value=D(1), unit=world.unit_b, actor=world.staff_a)


def test_review_approves_or_returns_with_a_reason_and_a_stale_decision_is_refused(world):
    target = world.share_target()
    row = report(world, target, 9, numerator=D(1), denominator=D(2))
    with pytest.raises(ValidationError) as exc:
        target_value_return(
            target_value=row, reviewer=world.reviewer, reason_code="", reason_text="", now=NOW
        )
    assert set(exc.value.message_dict) == {"reason_code", "reason_text"}
    returned = target_value_return(
        target_value=row,
        reviewer=world.reviewer,
        reason_code="wrong_document",
        reason_text="Sai tháng",
        version=1,
        now=NOW,
    )
    assert returned.status == ValueStatus.RETURNED and "Sai tháng" in returned.reason
    again = report(world, target, 9, numerator=D(3), denominator=D(4), files=[])  # keeps its file
    assert again.version == 2 and again.status == ValueStatus.SUBMITTED and again.reason_code == ""
    with pytest.raises(ValidationError):
        target_value_approve(target_value=again, reviewer=world.reviewer, version=1, now=NOW)
    with pytest.raises(PermissionDenied):
        target_value_approve(target_value=again, reviewer=world.staff_a, version=2, now=NOW)
    approved = target_value_approve(target_value=again, reviewer=world.reviewer, version=2, now=NOW)
    assert approved.status == ValueStatus.APPROVED and approved.value == D("75.0000")
    with pytest.raises(ValidationError):
        target_value_approve(target_value=again, reviewer=world.secretariat, now=NOW)


def test_only_approved_values_count_and_the_report_states_them(world):
    share = world.share_target()
    count = world.count_target()
    approve = lambda row: target_value_approve(target_value=row, reviewer=world.reviewer, now=NOW)  # noqa: E731
    approve(report(world, share, 8, numerator=D(1200), denominator=D(2060)))
    approve(report(world, share, 9, numerator=D(1290), denominator=D(2060)))
    approve(report(world, count, 7, value=D(1)))
    approve(report(world, count, 9, value=D(1), unit=world.unit_b, actor=world.staff_b))
    report(world, count, 9, value=D(5))  # waiting: not counted
    targets = with_standing(targets_of([world.plan]), datetime.date(2025, 10, 15))
    by_code = {t.code: t for t in targets}
    assert by_code["1.1.5"].state.achieved.value == D("62.6214")
    assert by_code["1.1.5"].state.behind  # the line stands near 64,7% on 30/9
    assert by_code["1.2.1"].state.achieved.value == D(2)  # per period: 1 + 1
    # Approved on 15/10: a report of 30/9 made after that (the values approved by `at`).
    rows = report_rows([world.plan], datetime.date(2025, 9, 30), at=NOW)
    assert report_sentence(rows[0]) == (
        "- Có ≥ 80% dịch vụ công trực tuyến toàn trình trên tổng số thủ tục hành chính đủ điều kiện: "
        "tính đến ngày 30/9/2025 đạt 62,62% (1.290/2.060), chưa đạt chỉ tiêu (≥ 80% trước ngày 01/01/2026)."
    )
    assert rows[1]["value"] == "2 cơ chế chính sách" and rows[1]["verdict"] == "chưa đạt chỉ tiêu"
    # As of August only August's share counts.
    assert report_rows([world.plan], datetime.date(2025, 8, 31), at=NOW)[0]["value"].startswith("58,25%")
    # By its own cut-off nothing was approved yet: the report says so rather than count later approvals.
    assert report_rows([world.plan], datetime.date(2025, 9, 30))[0]["value"] == ""
