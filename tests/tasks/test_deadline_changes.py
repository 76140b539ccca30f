"""Deadline changes (issue 21): who may request and decide, what is refused, and that an approved
change is the deadline every rule reads — the sweep, My tasks, the dashboards, the report — while a
report of an earlier cut-off and the appendix's deadline stay as they were."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audit.models import AuditEvent
from kpis.flags import RedFlag
from kpis.models import Period, PeriodKind
from kpis.my_tasks import my_tasks
from kpis.services import periods_ensure
from kpis.sweep import sweep
from notifications.models import Notification, NotificationKind
from reports.assembly.document import deadline_change_words
from reports.assembly.figures import assemble
from reports.assembly.scope import resolve_scope
from reports.dashboard.rows import rows_rebuild
from reports.models import DashboardAssignment
from tasks.deadlines import deadline_change_decide, deadline_change_request, deadlines_at
from tasks.models import Assignment, DeadlineChange, DeadlineChangeStatus, effective_deadline
from tests.factories import (
    AssignmentFactory,
    GeneralTaskFactory,
    PlanFactory,
    SectionFactory,
    SubTaskFactory,
    UnitFactory,
    UserFactory,
)
from units.models import Role, UnitKind

pytestmark = pytest.mark.django_db

START = datetime.date(2025, 11, 1)
DEADLINE = datetime.date(2025, 11, 30)
NEW = datetime.date(2026, 3, 31)


def at(y, m, d, hour=10):
    return timezone.make_aware(datetime.datetime(y, m, d, hour))


@pytest.fixture
def world():
    return make_world()


def make_world() -> dict:
    """Sub-task 1.1 led by Sở Tư pháp alone; 1.2 given to the group "Sở ngành", fanned out to Sở Tư
    pháp and Sở Nội vụ; both due 30/11/2025 in a plan starting 01/11/2025."""
    plan = PlanFactory(issue_date=START)
    general = GeneralTaskFactory(section=SectionFactory(plan=plan))
    lone = SubTaskFactory(
        general_task=general,
        plan=plan,
        code="1.1",
        start_date=START,
        deadline=DEADLINE,
        deadline_text="30/11/2025",
    )
    fanned = SubTaskFactory(
        general_task=general,
        plan=plan,
        code="1.2",
        start_date=START,
        deadline=DEADLINE,
        deadline_text="30/11/2025",
    )
    a = UnitFactory(name="Sở Tư pháp")
    b = UnitFactory(name="Sở Nội vụ")
    group = UnitFactory(name="Sở ngành", kind=UnitKind.GROUP)
    lead = AssignmentFactory(subtask=lone, unit=a)
    member_a = AssignmentFactory(subtask=fanned, unit=a, via_group=group)
    member_b = AssignmentFactory(subtask=fanned, unit=b, via_group=group)
    return {
        "plan": plan,
        "lone": lone,
        "fanned": fanned,
        "a": a,
        "b": b,
        "lead": lead,
        "member_a": member_a,
        "member_b": member_b,
        "staff_a": UserFactory(unit=a, roles=[Role.STAFF]),
        "head_b": UserFactory(unit=b, roles=[Role.HEAD]),
        "secretariat": UserFactory(unit=None, roles=[Role.SECRETARIAT]),
        "leader": UserFactory(unit=None, roles=[Role.LEADERSHIP]),
        "reviewer": UserFactory(unit=None, roles=[Role.REVIEWER]),
    }


def request(world, assignment=None, **kwargs):
    values = {
        "assignment": assignment or world["lead"],
        "new_deadline": NEW,
        "reason": "Chờ Bộ ban hành hướng dẫn",
        "document_number": "125/UBND-KSTT",
        "document_date": datetime.date(2025, 11, 18),
        "actor": world["staff_a"],
        "now": at(2025, 11, 20),
    }
    values.update(kwargs)
    return deadline_change_request(**values)


def effective(assignment):
    return Assignment.objects.annotate(due=effective_deadline()).get(pk=assignment.pk).due


# Requests ------------------------------------------------------------------------------------------


def test_it_records_a_request_and_tells_the_deciders(world):
    change = request(world)
    assert change.status == DeadlineChangeStatus.PENDING
    assert change.deadline_before == DEADLINE
    assert change.subtask == world["lone"]
    told = set(
        Notification.objects.filter(kind=NotificationKind.DEADLINE_CHANGE_REQUESTED).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {world["secretariat"].username, world["leader"].username}
    body = Notification.objects.filter(recipient=world["leader"]).get().body
    assert "30/11/2025 → 31/03/2026" in body and "125/UBND-KSTT" in body
    assert AuditEvent.objects.filter(action="deadline.request", object_id=str(change.pk)).exists()
    # Nothing moves before a decision.
    assert effective(world["lead"]) == DEADLINE


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"reason": "  "}, "reason", "lý do"),
        ({"new_deadline": datetime.date(2025, 11, 25)}, "new_deadline", "sau thời hạn hiện hành 30/11/2025"),
        ({"new_deadline": DEADLINE}, "new_deadline", "sau thời hạn hiện hành"),
        ({"new_deadline": datetime.date(2025, 11, 19)}, "new_deadline", "đã qua"),
        ({"document_date": datetime.date(2025, 11, 21)}, "document_date", "sau hôm nay"),
    ],
)
def test_it_refuses_bad_input_with_a_message_and_changes_nothing(world, kwargs, field, words):
    with pytest.raises(ValidationError) as caught:
        request(world, **kwargs)
    assert words in " ".join(caught.value.message_dict[field])
    assert not DeadlineChange.objects.exists()
    assert not Notification.objects.exists()


def test_it_refuses_a_document_that_fails_the_upload_checks(world):
    fake = SimpleUploadedFile("quyet-dinh.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as caught:
        request(world, document=fake)
    assert caught.value.message_dict["document"]
    assert not DeadlineChange.objects.exists()


def test_it_keeps_a_valid_document(world):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    change = request(world, document=SimpleUploadedFile("van-ban.pdf", pdf, content_type="application/pdf"))
    assert change.original_name == "van-ban.pdf" and change.kind == "pdf" and change.stored_name


def test_one_request_waits_at_a_time(world):
    request(world)
    with pytest.raises(ValidationError) as caught:
        request(world, new_deadline=datetime.date(2026, 4, 30))
    assert "đang chờ quyết định" in " ".join(caught.value.message_dict["__all__"])


def test_only_the_lead_unit_may_request(world):
    with pytest.raises(PermissionDenied):
        request(world, actor=world["head_b"])  # Sở Nội vụ does not lead 1.1
    for role in ("secretariat", "leader", "reviewer"):
        with pytest.raises(PermissionDenied):
            request(world, actor=world[role])
    assert not DeadlineChange.objects.exists()


def test_an_ongoing_sub_task_has_no_deadline_to_change(world):
    world["lone"].ongoing, world["lone"].deadline = True, None
    world["lone"].save()
    with pytest.raises(PermissionDenied):
        request(world)


# Decisions ---------------------------------------------------------------------------------------


def test_only_the_secretariat_or_a_leader_decides(world):
    change = request(world)
    for role in ("staff_a", "head_b", "reviewer"):
        with pytest.raises(PermissionDenied):
            deadline_change_decide(change=change, approve=True, actor=world[role], now=at(2025, 11, 21))
    deadline_change_decide(change=change, approve=True, actor=world["leader"], now=at(2025, 11, 21))
    assert effective(world["lead"]) == NEW


def test_a_refusal_needs_a_note_and_moves_nothing(world):
    change = request(world)
    with pytest.raises(ValidationError) as caught:
        deadline_change_decide(change=change, approve=False, actor=world["secretariat"], now=at(2025, 11, 21))
    assert "lý do" in " ".join(caught.value.message_dict["note"])
    deadline_change_decide(
        change=change, approve=False, note="Không đủ căn cứ", actor=world["secretariat"], now=at(2025, 11, 21)
    )
    change.refresh_from_db()
    assert change.status == DeadlineChangeStatus.REFUSED and change.decision_note == "Không đủ căn cứ"
    assert effective(world["lead"]) == DEADLINE
    told = Notification.objects.get(kind=NotificationKind.DEADLINE_CHANGE_DECIDED, recipient=world["staff_a"])
    assert "Không chấp thuận" in told.subject and "Không đủ căn cứ" in told.body
    assert AuditEvent.objects.filter(action="deadline.refuse").exists()
    with pytest.raises(ValidationError):  # decided once
        deadline_change_decide(change=change, approve=True, actor=world["secretariat"], now=at(2025, 11, 22))


def test_a_change_for_one_member_of_a_fan_out_moves_only_its_deadline(world):
    change = request(world, assignment=world["member_a"])
    deadline_change_decide(change=change, approve=True, actor=world["secretariat"], now=at(2025, 11, 21))
    assert effective(world["member_a"]) == NEW
    assert effective(world["member_b"]) == DEADLINE
    world["fanned"].refresh_from_db()
    assert world["fanned"].deadline == DEADLINE  # the appendix's is kept
    assert Assignment.objects.get(pk=world["member_a"].pk).effective_deadline == NEW


def test_a_change_for_the_whole_sub_task_moves_every_member(world):
    change = request(world, assignment=world["member_a"], whole_subtask=True)
    deadline_change_decide(change=change, approve=True, actor=world["secretariat"], now=at(2025, 11, 21))
    assert effective(world["member_a"]) == NEW
    assert effective(world["member_b"]) == NEW
    # A later change for one unit wins over it; a later one for the whole sub-task wins over that.
    later = request(
        world, assignment=world["member_b"], new_deadline=datetime.date(2026, 6, 30), actor=world["head_b"]
    )
    deadline_change_decide(change=later, approve=True, actor=world["secretariat"], now=at(2025, 11, 22))
    assert effective(world["member_b"]) == datetime.date(2026, 6, 30)
    assert effective(world["member_a"]) == NEW
    last = request(
        world, assignment=world["member_a"], new_deadline=datetime.date(2026, 9, 30), whole_subtask=True
    )
    deadline_change_decide(change=last, approve=True, actor=world["secretariat"], now=at(2025, 11, 23))
    assert effective(world["member_a"]) == effective(world["member_b"]) == datetime.date(2026, 9, 30)


# Every rule reads the effective deadline ---------------------------------------------------------


def test_the_sweep_reads_it_and_an_approval_resolves_the_overdue_flag_at_once(world):
    sweep(now=at(2025, 12, 5))
    overdue = RedFlag.objects.filter(kind="overdue", resolved_at__isnull=True)
    assert set(overdue.values_list("assignment_id", flat=True)) == {
        world["lead"].pk,
        world["member_a"].pk,
        world["member_b"].pk,
    }
    change = request(world, assignment=world["member_a"], now=at(2025, 12, 5))
    deadline_change_decide(change=change, approve=True, actor=world["secretariat"], now=at(2025, 12, 6))
    assert set(overdue.values_list("assignment_id", flat=True)) == {world["lead"].pk, world["member_b"].pk}
    sweep(now=at(2025, 12, 7))  # and the next sweep does not raise it again
    assert not overdue.filter(assignment=world["member_a"]).exists()


def test_lagging_is_measured_against_it(world):
    # Day 20 of 29 (69 %) with nothing reported: lagging; against 31/03/2026 (day 20 of 150, 13 %) not yet.
    sweep(now=at(2025, 11, 21))
    assert RedFlag.objects.filter(kind="lagging", assignment=world["lead"], resolved_at__isnull=True).exists()
    change = request(world)
    deadline_change_decide(change=change, approve=True, actor=world["secretariat"], now=at(2025, 11, 21, 11))
    assert not RedFlag.objects.filter(
        kind="lagging", assignment=world["lead"], resolved_at__isnull=True
    ).exists()


def test_my_tasks_reads_it(world):
    change = request(world, assignment=world["member_a"])
    deadline_change_decide(change=change, approve=True, actor=world["secretariat"], now=at(2025, 11, 21))
    facts = {f.pk: f for f in my_tasks(user=world["staff_a"], today=datetime.date(2025, 12, 5))["selected"]}
    assert facts[world["member_a"].pk].deadline == NEW
    assert not facts[world["member_a"].pk].overdue
    assert facts[world["lead"].pk].deadline == DEADLINE
    assert facts[world["lead"].pk].overdue


def test_the_dashboard_rows_read_it_and_are_rewritten_on_approval(world):
    rows_rebuild()
    assert DashboardAssignment.objects.get(assignment_id=world["member_a"].pk).deadline == DEADLINE
    change = request(world, assignment=world["member_a"])
    deadline_change_decide(change=change, approve=True, actor=world["secretariat"], now=at(2025, 11, 21))
    assert DashboardAssignment.objects.get(assignment_id=world["member_a"].pk).deadline == NEW
    assert DashboardAssignment.objects.get(assignment_id=world["member_b"].pk).deadline == DEADLINE
    rows_rebuild()  # and a full rebuild agrees
    assert DashboardAssignment.objects.get(assignment_id=world["member_a"].pk).deadline == NEW


def _december(world):
    periods_ensure(now=at(2026, 1, 5), plan=world["plan"])
    return Period.objects.get(plan=world["plan"], kind=PeriodKind.MONTHLY, start=datetime.date(2025, 12, 1))


def test_the_report_reads_it_as_of_its_cut_off(world):
    december = _december(world)
    before = assemble(resolve_scope(kind="monthly", period=december))
    assert before["totals"]["overdue"] == 3
    change = request(world, assignment=world["lead"], now=at(2025, 12, 10))
    deadline_change_decide(change=change, approve=True, actor=world["secretariat"], now=at(2025, 12, 11))
    after = assemble(resolve_scope(kind="monthly", period=december))
    assert after["totals"]["overdue"] == 2
    row = next(r for s in after["appendix"] for r in s["rows"] if r["code"] == "1.1")
    assert row["deadline"] == "2025-11-30"  # the appendix's, kept
    assert row["deadline_changed"] == "2026-03-31"
    assert deadline_change_words(row) == "→ 31/03/2026 theo văn bản số 125/UBND-KSTT ngày 18/11/2025"
    # Section II no longer counts it late (the sweep at the approval found it lagging instead).
    assert [i["days_late"] for i in after["late"] if i["code"] == "1.1"] in ([], [0])
    # A report of a cut-off before the approval reads the deadline then in force.
    november = Period.objects.get(
        plan=world["plan"], kind=PeriodKind.MONTHLY, start=datetime.date(2025, 11, 1)
    )
    leads = Assignment.objects.filter(pk=world["lead"].pk)
    assert deadlines_at(leads, resolve_scope(kind="monthly", period=november).cutoff_at) == {
        world["lead"].pk: DEADLINE
    }
    assert deadlines_at(leads, at(2025, 12, 12)) == {world["lead"].pk: NEW}


def test_a_group_row_of_the_report_says_how_many_members_moved(world):
    december = _december(world)
    change = request(world, assignment=world["member_a"], now=at(2025, 12, 10))
    deadline_change_decide(change=change, approve=True, actor=world["secretariat"], now=at(2025, 12, 11))
    inputs = assemble(resolve_scope(kind="monthly", period=december))
    row = next(r for s in inputs["appendix"] for r in s["rows"] if r["code"] == "1.2")
    assert row["deadline_changed_members"] == 1
    assert deadline_change_words(row).endswith("(1 đơn vị)")
    assert inputs["totals"]["overdue"] == 2  # 1.1 and Sở Nội vụ's share of 1.2


def test_the_dashboard_cells_count_overdue_from_it(world, clock):
    from django.db.models import Sum

    from reports.dashboard.cells import cells_rebuild
    from reports.models import CellLevel, DashboardCell

    clock.set(at(2025, 12, 5))
    rows_rebuild()
    cells_rebuild(today=datetime.date(2025, 12, 5))
    cells = DashboardCell.objects.filter(level=CellLevel.GENERAL_TASK_UNIT)
    assert cells.aggregate(n=Sum("overdue"))["n"] == 3
    change = request(world, assignment=world["member_a"], now=at(2025, 12, 5))
    clock.set(at(2025, 12, 6))
    deadline_change_decide(change=change, approve=True, actor=world["secretariat"], now=at(2025, 12, 6))
    assert cells.aggregate(n=Sum("overdue"))["n"] == 2  # rewritten with the rows, at once
    cells_rebuild(today=datetime.date(2025, 12, 6))
    assert cells.aggregate(n=Sum("overdue"))["n"] == 2
