"""One picture per assignment: the sweep, My tasks, the flag page, the dashboards and the official
report say the same of a matrix of assignments (before and after the deadline, never reported,
awaiting review, returned, ongoing, group members); none is overdue and lagging at once; every
headline counts flagged assignments under their most severe flag, the kinds adding up."""

import datetime

import pytest
from django.urls import reverse

from evidence.models import Decision, Review
from kpis.flag_selectors import open_flag_totals
from kpis.flags import FlagKind, RedFlag, flag_kinds, task_kinds
from kpis.models import Period, PeriodKind, ProgressReport, ReportStatus, Status
from kpis.my_tasks import my_tasks
from kpis.services import periods_ensure
from kpis.sweep import sweep
from reports.assembly import assemble, resolve_scope
from reports.dashboard.summary import summary_refresh
from reports.models import DashboardAssignment
from tests.factories import AssignmentFactory, SubTaskFactory, UnitFactory, UserFactory
from units.models import Role, UnitKind

from .conftest import START, at, set_state

pytestmark = pytest.mark.django_db

TODAY = START + datetime.timedelta(days=100)  # 11/04/2025: March's report was due on 20/03
PAST = START + datetime.timedelta(days=60)  # a deadline gone by
AHEAD = START + datetime.timedelta(days=150)  # a deadline to come (expected 66.7 % today)

# name → (deadline or None for ongoing, status, latest completion, the one kind expected on top)
MATRIX = {
    "late, never reported": (PAST, None, None, FlagKind.OVERDUE),
    "late, awaiting review": (PAST, Status.AWAITING_REVIEW, 100, FlagKind.OVERDUE),
    "late, returned": (PAST, Status.RETURNED, 90, FlagKind.OVERDUE),
    "late, completed": (PAST, Status.COMPLETED, 100, None),
    "running, never reported": (AHEAD, None, None, FlagKind.LAGGING),
    "running, awaiting review": (AHEAD, Status.AWAITING_REVIEW, 100, None),
    "running, returned and behind": (AHEAD, Status.RETURNED, 10, FlagKind.QUALITY),
    "running, on track": (AHEAD, Status.IN_PROGRESS, 60, FlagKind.NO_REPORT),
    "ongoing, never reported": (None, None, None, FlagKind.NO_REPORT),
}


def lived(assignment, status, completion, *, staff, reviewer, period):
    """The history rows that leave `assignment` in `status` (what the services write beside the state
    row, and what the official report rebuilds its statuses from): February's report or claim, and
    the reviewer's decision on it."""
    if not status:
        return
    when = at(START + datetime.timedelta(days=45))
    report = ProgressReport.objects.create(
        assignment=assignment, period=period, version=1, status=ReportStatus.SUBMITTED, completion=completion,
        is_claim=status != Status.IN_PROGRESS, created_by=staff, created_at=when, updated_at=when,
        submitted_by=staff, submitted_at=when,
    )  # fmt: skip
    decision = {Status.COMPLETED: Decision.APPROVED, Status.RETURNED: Decision.RETURNED}.get(status)
    if decision:
        Review.objects.create(
            report=report, assignment=assignment, reviewer=reviewer, decision=decision,
            reason_code="" if decision == Decision.APPROVED else "missing_document",
            reason_text="" if decision == Decision.APPROVED else "Thiếu văn bản", decided_at=when,
        )  # fmt: skip


@pytest.fixture
def world(general_task):
    plan = general_task.section.plan
    unit = UnitFactory(name="Sở Khoa học và Công nghệ")
    staff = UserFactory(unit=unit, roles=[Role.STAFF])
    reviewer = UserFactory(unit=None, roles=[Role.REVIEWER])
    periods_ensure(now=at(TODAY), plan=plan)
    february = Period.objects.get(plan=plan, kind=PeriodKind.MONTHLY, start__month=2)
    history = {"staff": staff, "reviewer": reviewer, "period": february}
    leads = {}
    for name, (deadline, status, completion, _top) in MATRIX.items():
        subtask = SubTaskFactory(
            general_task=general_task,
            plan=plan,
            start_date=START,
            deadline=deadline,
            ongoing=deadline is None,
        )
        leads[name] = AssignmentFactory(subtask=subtask, unit=unit)
        if status:
            set_state(leads[name], status=status, completion=completion)
            lived(leads[name], status, completion, **history)
    # A group assignment ("UBND cấp xã"): one member late, one done.
    group = UnitFactory(name="UBND cấp xã", kind=UnitKind.GROUP)
    shared = SubTaskFactory(general_task=general_task, plan=plan, start_date=START, deadline=PAST)
    other = UnitFactory(name="Phường An Bình", kind=UnitKind.COMMUNE)
    leads["group member, late"] = AssignmentFactory(subtask=shared, unit=unit, via_group=group)
    done = AssignmentFactory(subtask=shared, unit=other, via_group=group)
    set_state(done, status=Status.COMPLETED, completion=100)
    lived(done, Status.COMPLETED, 100, **history)
    sweep(now=at(TODAY))
    return {"plan": plan, "unit": unit, "staff": staff, "leads": leads, "other": other}


def _top(assignment):
    flag = RedFlag.objects.topmost().filter(assignment=assignment).first()
    return flag.kind if flag else None


def test_each_assignment_has_one_picture_and_never_overdue_and_lagging_at_once(world):
    for name, (_deadline, _status, _completion, top) in MATRIX.items():
        assert _top(world["leads"][name]) == top, name
    assert _top(world["leads"]["group member, late"]) == FlagKind.OVERDUE
    open_kinds = {}
    for assignment_id, kind in RedFlag.objects.open().values_list("assignment_id", "kind"):
        open_kinds.setdefault(assignment_id, set()).add(kind)
    assert open_kinds and not any(
        {FlagKind.OVERDUE, FlagKind.LAGGING} <= kinds for kinds in open_kinds.values()
    )
    # No missed-report alarm beside an overdue one either: a late task is told once.
    assert not any({FlagKind.OVERDUE, FlagKind.NO_REPORT} <= kinds for kinds in open_kinds.values())


def test_lagging_ends_at_the_deadline_where_overdue_begins(world):
    lead = world["leads"]["running, never reported"]
    sweep(now=at(AHEAD))
    assert _top(lead) == FlagKind.LAGGING
    sweep(now=at(AHEAD + datetime.timedelta(days=1)))
    assert set(RedFlag.objects.open().filter(assignment=lead).values_list("kind", flat=True)) == {
        FlagKind.OVERDUE
    }
    # History stays: the lagging flag is a resolved row.
    assert RedFlag.objects.filter(assignment=lead, kind=FlagKind.LAGGING, resolved_at__isnull=False).exists()


def test_my_tasks_says_what_the_sweep_says(world):
    listed = {f.pk: f for f in my_tasks(user=world["staff"], today=TODAY)["selected"]}
    unit_leads = [a for a in world["leads"].values() if a.unit_id == world["unit"].pk]
    assert set(listed) == {a.pk for a in unit_leads}
    for assignment in unit_leads:
        kinds = set(RedFlag.objects.open().filter(assignment=assignment).values_list("kind", flat=True))
        facts = listed[assignment.pk]
        assert facts.overdue == (FlagKind.OVERDUE in kinds), assignment
        assert facts.lagging == (FlagKind.LAGGING in kinds), assignment
        assert not (facts.overdue and facts.lagging)


def _expected_totals(unit=None):
    """Flagged assignments under their most severe flag, from the matrix itself."""
    tops = [top for (_d, _s, _c, top) in MATRIX.values() if top] + [FlagKind.OVERDUE]  # + the group member
    totals = {kind: tops.count(kind) for kind in flag_kinds()}
    totals["total"] = len(tops)
    return totals


def test_the_flag_page_the_dashboards_and_the_report_count_the_same(world, client):
    expected = _expected_totals()
    assert open_flag_totals() == expected

    # The flag page, for the unit's staff and for a leader.
    client.force_login(world["staff"])
    assert client.get(reverse("kpis:flags")).context["totals"] == expected
    client.force_login(UserFactory(roles=[Role.LEADERSHIP]))
    assert client.get(reverse("kpis:flags")).context["totals"] == expected

    # The dashboards' summary rows: one kind per flagged assignment.
    summary_refresh(now=at(TODAY))
    rows = DashboardAssignment.objects.all()
    for kind in task_kinds():  # the kinds about an assignment: a column each on its row
        assert sum(getattr(r, f"flags_{kind}") for r in rows) == expected[kind], kind
    assert all(sum(getattr(r, f"flags_{k}") for k in task_kinds()) <= 1 for r in rows)

    # The official report of the month: the same assignments under the same kinds.
    april = Period.objects.get(plan=world["plan"], kind=PeriodKind.MONTHLY, start__month=4)
    figures = assemble(resolve_scope(kind=PeriodKind.MONTHLY, period=april))["flags"]
    assert figures["by_kind"] == {k: expected[k] for k in task_kinds()}
    assert figures["assignments"] == expected["total"] == sum(figures["by_kind"].values())
    # …listed most severe first.
    order = [flag_kinds().index(item["kinds"][0]) for item in figures["items"]]
    assert order == sorted(order)


def test_every_flag_list_is_most_severe_then_oldest_first(world, client):
    client.force_login(UserFactory(roles=[Role.LEADERSHIP]))
    flags = list(client.get(reverse("kpis:flags")).context["flags"])
    ranks = [(flag_kinds().index(f.kind), f.raised_at) for f in flags]
    assert ranks == sorted(ranks)


def test_the_dashboards_overdue_figure_and_its_list_are_the_sweeps_overdue(world, client, clock):
    """The cells' overdue count (the tiles, bars and rankings sum it) and the list the number links to
    are overdue_q itself, as the sweep and My tasks ask it: the same assignments, group members too."""
    from kpis.flag_conditions import overdue_condition
    from reports.models import CellLevel, DashboardCell

    clock.set(at(TODAY))
    overdue = set(overdue_condition(TODAY).values_list("pk", flat=True))
    flagged = RedFlag.objects.open().filter(kind=FlagKind.OVERDUE).values_list("assignment_id", flat=True)
    assert overdue == set(flagged) and world["leads"]["group member, late"].pk in overdue
    listed = {f.pk for f in my_tasks(user=world["staff"], today=TODAY)["selected"] if f.overdue}
    assert listed == overdue  # every overdue assignment of the matrix is the unit's

    summary_refresh(now=at(TODAY))
    for level in CellLevel.values:
        counted = DashboardCell.objects.filter(level=level).values_list("overdue", flat=True)
        assert sum(counted) == len(overdue), level
    client.force_login(UserFactory(roles=[Role.LEADERSHIP]))
    page = client.get(reverse("reports:dashboard_list"), {"overdue": "1"})
    assert {a.pk for a in page.context["page"].object_list} == overdue

    # A day later the running task whose deadline is that day is overdue in both, with no new sweep.
    after = AHEAD + datetime.timedelta(days=1)
    summary_refresh(now=at(after))
    late = set(overdue_condition(after).values_list("pk", flat=True))
    assert world["leads"]["running, never reported"].pk in late
    cells = DashboardCell.objects.filter(level=CellLevel.SECTION_UNIT)
    assert sum(c.overdue for c in cells) == len(late)
