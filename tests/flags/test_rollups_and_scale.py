import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kpis.flag_selectors import flag_list, open_flag_counts
from kpis.flags import FlagKind, RedFlag
from kpis.models import AssignmentState, Status
from kpis.sweep import sweep
from tasks.models import Assignment, AssignmentRole
from tests.factories import SubTaskFactory, UnitFactory, UserFactory
from units.models import GroupMembership, Role, UnitKind

from .conftest import DEADLINE, START, day_n, set_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def communes():
    group = UnitFactory(name="UBND xã phường", kind=UnitKind.GROUP)
    members = [UnitFactory(name=f"UBND xã Thử {i:02d}", kind=UnitKind.COMMUNE) for i in range(95)]
    GroupMembership.objects.bulk_create(GroupMembership(group=group, member=m) for m in members)
    return group, members


def fan_out(subtask, group, members):
    Assignment.objects.bulk_create(
        Assignment(subtask=subtask, unit=m, role=AssignmentRole.LEAD, via_group=group) for m in members
    )
    return list(Assignment.objects.filter(subtask=subtask).order_by("pk"))


def test_a_group_of_95_communes_of_which_one_lags(general_task, communes):
    group, members = communes
    subtask = SubTaskFactory(
        general_task=general_task, plan=general_task.section.plan, start_date=START, deadline=DEADLINE
    )
    assignments = fan_out(subtask, group, members)
    AssignmentState.objects.bulk_create(
        AssignmentState(assignment=a, status=Status.IN_PROGRESS, latest_completion=70) for a in assignments
    )
    laggard = assignments[41]
    set_state(laggard, completion=20)  # day 90: expected 60, 20 < 30
    sweep(now=day_n(90))

    flag = RedFlag.objects.get()
    assert (flag.kind, flag.assignment, flag.unit) == (FlagKind.LAGGING, laggard, laggard.unit)
    assert open_flag_counts(by="group_assignment")[(subtask.pk, group.pk)] == {"total": 1, "lagging": 1}
    assert open_flag_counts(by="group")[group.pk]["total"] == 1
    assert open_flag_counts(by="subtask")[subtask.pk]["total"] == 1
    assert open_flag_counts(by="general_task")[general_task.pk]["total"] == 1
    assert open_flag_counts(by="section")[general_task.section_id]["total"] == 1
    assert open_flag_counts(by="plan")[subtask.plan_id]["lagging"] == 1
    assert open_flag_counts(by="unit") == {laggard.unit_id: {"total": 1, "lagging": 1}}


def test_roll_ups_are_one_query(django_assert_num_queries, make_lead):
    for _ in range(5):
        make_lead()
    sweep(now=day_n(90))
    for by in ("subtask", "group_assignment", "group", "general_task", "section", "plan", "unit"):
        with django_assert_num_queries(1):
            open_flag_counts(by=by)


def test_unit_staff_see_their_own_flags_and_outsiders_none(make_lead):
    mine, other = make_lead(), make_lead()
    sweep(now=day_n(90))
    staff = UserFactory(unit=mine.unit, roles=[Role.STAFF])
    outsider = UserFactory(roles=[Role.STAFF])
    leader = UserFactory(unit=None, roles=[Role.LEADERSHIP])
    assert [f.assignment_id for f in flag_list(user=staff)] == [mine.pk]
    assert not flag_list(user=outsider).exists()
    assert flag_list(user=leader).count() == 2
    assert other.pk in {f.assignment_id for f in flag_list(user=leader)}


def build(general_task, n):
    subtask = SubTaskFactory(
        general_task=general_task, plan=general_task.section.plan, start_date=START, deadline=DEADLINE
    )
    units = [UnitFactory(name=f"Đơn vị quy mô {n}-{i}") for i in range(n)]
    Assignment.objects.bulk_create(
        Assignment(subtask=subtask, unit=u, role=AssignmentRole.LEAD) for u in units
    )


def test_the_sweep_runs_the_same_statements_for_10_and_300_assignments(general_task):
    build(general_task, 10)
    with CaptureQueriesContext(connection) as small:
        first = sweep(now=day_n(152))  # every one overdue (lagging ended at the deadline)
    build(general_task, 300)
    with CaptureQueriesContext(connection) as large:
        second = sweep(now=day_n(152))
    assert first.raised == {"overdue": 10, "lagging": 0, "quality": 0, "no_report": 0, "target_behind": 0}
    assert second.raised == {"overdue": 300, "lagging": 0, "quality": 0, "no_report": 0, "target_behind": 0}
    assert len(small.captured_queries) == len(large.captured_queries)
    assert RedFlag.objects.filter(resolved_at__isnull=True).count() == 310


def test_query_count_is_bounded_and_a_quiet_second_sweep_does_less(general_task):
    build(general_task, 50)
    with CaptureQueriesContext(connection) as first:
        sweep(now=day_n(152))
    with CaptureQueriesContext(connection) as second:
        result = sweep(now=day_n(152))
    assert not result.changed
    # 20 for the kinds about assignments, and the two statements of the kind about targets (the
    # targets of the plans in force, the resolve of those no longer behind).
    assert len(first.captured_queries) <= 22
    assert len(second.captured_queries) < len(first.captured_queries)


def test_a_very_large_first_sweep_inserts_in_chunks_and_raises_every_flag(general_task, monkeypatch):
    """A national first sweep raises millions of flags: they go in documents of INSERT_CHUNK_ROWS
    rows (PostgreSQL caps one jsonb document at 256 MB), one statement each."""
    from kpis import sweep as sweep_module

    monkeypatch.setattr(sweep_module, "INSERT_CHUNK_ROWS", 40)
    build(general_task, 100)
    with CaptureQueriesContext(connection) as captured:
        result = sweep(now=day_n(152))
    assert result.raised == {"overdue": 100, "lagging": 0, "quality": 0, "no_report": 0, "target_behind": 0}
    assert RedFlag.objects.filter(resolved_at__isnull=True).count() == 100
    inserts = [q for q in captured.captured_queries if "redflag" in q["sql"].split("(")[0].lower()]
    assert len([q for q in inserts if q["sql"].lstrip().upper().startswith("INSERT")]) == 3  # 40+40+20
