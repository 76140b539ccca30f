"""One rule, one answer everywhere (issue 17, "One home for the rules").

"Owes a report for a period" (kpis.flag_conditions.owing_report): on one matrix of lead
assignments, the sweep's no-report flags, My tasks' "report not sent this period", the
not-reported page, the reminders' recipients and the dashboard's missing reports name the same
assignments. The sweep alone leaves out an overdue task (its overdue flag tells it).

"Expected progress" (kpis.progress): My tasks, the lagging flag's figures and the dashboard's
curve give the same number, and the rule's SQL expression equals its Python twin everywhere,
rounding edges included.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import DateField
from django.db.models.expressions import RawSQL
from django.db.models.sql import Query
from django.utils import timezone

from kpis.flags import FlagKind, RedFlag
from kpis.models import AssignmentState, Period, ProgressReport, ReportStatus, Status
from kpis.my_tasks import my_tasks, task_rows
from kpis.progress import FULL, expected_progress, expected_tenths, expected_tenths_sql
from kpis.selectors import not_reported
from kpis.services import periods_ensure
from kpis.sweep import sweep
from notifications.models import Notification, NotificationKind
from notifications.services import reminders_send
from reports.dashboard.selectors.counting import expected_by_month
from reports.dashboard.selectors.scope import Scope
from reports.dashboard.summary import missing_queryset, summary_refresh
from reports.models import DashboardMissing, DashboardMonth
from tasks.deadlines import deadline_change_decide, deadline_change_request
from tasks.models import AssignmentRole
from tests.factories import (
    AssignmentFactory,
    GeneralTaskFactory,
    PlanFactory,
    SectionFactory,
    SubTaskFactory,
    UnitFactory,
    UserFactory,
)
from units.models import GroupMembership, Role, UnitKind

pytestmark = pytest.mark.django_db

START = datetime.date(2025, 1, 1)
JUNE = datetime.date(2025, 6, 30)
MARCH = datetime.date(2025, 3, 1)  # its report is due (and its figures cut off) on 20/03
TODAY = datetime.date(2025, 3, 21)  # the day after: the sweep asks for March's report
REMINDER_DAY = datetime.date(2025, 3, 17)  # three days before: the reminders ask for it


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour))


class Matrix:
    def __init__(self):
        self.plan = PlanFactory(issue_date=START)
        self.general_task = GeneralTaskFactory(section=SectionFactory(plan=self.plan))
        self.cases: dict = {}
        self.staff: dict = {}

    def lead(self, name, *, unit=None, via_group=None, subtask=None, **subtask_fields):
        fields = {"start_date": START, "deadline": JUNE, **subtask_fields}
        subtask = subtask or SubTaskFactory(general_task=self.general_task, plan=self.plan, **fields)
        unit = unit or UnitFactory(name=f"Đơn vị {name}")
        assignment = AssignmentFactory(subtask=subtask, unit=unit, via_group=via_group)
        self.cases[name] = assignment
        self.staff[name] = UserFactory(unit=unit, roles=[Role.STAFF])
        return assignment

    def report(self, name, period, status=ReportStatus.SUBMITTED, **fields):
        assignment, user, when = self.cases[name], self.staff[name], at(datetime.date(2025, 3, 10))
        sent = status == ReportStatus.SUBMITTED
        return ProgressReport.objects.create(
            assignment=assignment,
            period=period,
            completion=fields.pop("completion", 40),
            status=status,
            created_by=user,
            created_at=when,
            updated_at=when,
            submitted_by=user if sent else None,
            submitted_at=when if sent else None,
            **fields,
        )

    def state(self, name, status, **fields):
        AssignmentState.objects.update_or_create(
            assignment=self.cases[name], defaults={"status": status, **fields}
        )

    def names(self, assignment_ids) -> set[str]:
        by_pk = {a.pk: name for name, a in self.cases.items()}
        return {by_pk[pk] for pk in assignment_ids}


@pytest.fixture
def matrix():
    m = Matrix()
    m.lead("never reported")  # before its deadline, silent
    m.lead("reported")
    m.lead("draft only")
    m.lead("overdue", deadline=datetime.date(2025, 2, 28))
    m.lead("deadline moved", deadline=datetime.date(2025, 2, 28))
    m.lead("awaiting review")
    m.lead("returned")
    m.lead("completed")
    m.lead("ongoing", start_date=None, deadline=None, ongoing=True, deadline_text="Thường xuyên")
    m.lead("starts after the cut-off", start_date=datetime.date(2025, 3, 21))
    group = UnitFactory(name="Sở ngành", kind=UnitKind.GROUP)
    members = [UnitFactory(name="Sở Tư pháp"), UnitFactory(name="Sở Nội vụ")]
    for member in members:
        GroupMembership.objects.create(group=group, member=member)
    silent = m.lead("group member, silent", unit=members[0], via_group=group)
    m.lead("group member, reported", unit=members[1], via_group=group, subtask=silent.subtask)
    # A co-ordinating unit never owes the report.
    AssignmentFactory(subtask=m.cases["never reported"].subtask, unit=UnitFactory(), role=AssignmentRole.CO)

    periods_ensure(now=at(TODAY))
    february = Period.objects.get(plan=m.plan, kind="monthly", start=datetime.date(2025, 2, 1))
    m.march = Period.objects.get(plan=m.plan, kind="monthly", start=MARCH)
    assert (m.march.due_date, m.march.cutoff) == (datetime.date(2025, 3, 20),) * 2

    m.report("reported", m.march)
    m.report("group member, reported", m.march)
    m.report("draft only", m.march, status=ReportStatus.DRAFT)
    # A claim sent in February, not yet reviewed; one returned; one approved in March.
    m.report("awaiting review", february, completion=100, is_claim=True)
    m.state("awaiting review", Status.AWAITING_REVIEW, latest_completion=100)
    m.state("returned", Status.RETURNED, latest_completion=100, returned_at=at(datetime.date(2025, 3, 3)))
    m.report("completed", february, completion=100, is_claim=True)
    m.state(
        "completed",
        Status.COMPLETED,
        latest_completion=100,
        completed_at=at(datetime.date(2025, 3, 5)),
        completed_on_time=True,
    )
    # The deadline of "deadline moved" was put back to June, before it passed.
    secretariat = UserFactory(unit=None, roles=[Role.SECRETARIAT])
    change = deadline_change_request(
        assignment=m.cases["deadline moved"],
        new_deadline=JUNE,
        reason="Chờ hướng dẫn của Bộ",
        actor=m.staff["deadline moved"],
        now=at(datetime.date(2025, 2, 20)),
    )
    deadline_change_decide(change=change, approve=True, actor=secretariat, now=at(datetime.date(2025, 2, 21)))
    return m


OWED = {
    "never reported",
    "draft only",  # a draft is not a report
    "overdue",  # still owed, though the sweep tells it by its overdue flag
    "deadline moved",
    "returned",
    "ongoing",
    "group member, silent",
}


def test_every_page_owes_the_same_reports(matrix):
    m = matrix
    ids = {name: a.pk for name, a in m.cases.items()}

    # The sweep: a no-report flag for March where the report is owed and the task is not overdue.
    sweep(now=at(TODAY))
    flagged = RedFlag.objects.filter(kind=FlagKind.NO_REPORT, resolved_at__isnull=True)
    assert {f.period_id for f in flagged} == {m.march.pk}
    assert m.names(flagged.values_list("assignment_id", flat=True)) == OWED - {"overdue"}
    overdue = RedFlag.objects.filter(kind=FlagKind.OVERDUE, resolved_at__isnull=True)
    assert m.names(overdue.values_list("assignment_id", flat=True)) == {"overdue"}

    # My tasks of each unit: "Chưa gửi báo cáo kỳ này", in the counts, the filter and the rows.
    due_in_my_tasks = set()
    for name, user in m.staff.items():
        listed = my_tasks(user=user, today=TODAY)
        facts = [f for f in listed["selected"] if f.pk == ids[name]]
        assert len(facts) == 1, name
        rows = task_rows(user=user, today=TODAY, ids=[ids[name]])
        assert rows[0].report_due == facts[0].report_due, name
        filtered = my_tasks(user=user, today=TODAY, filters={"flag": "unreported"})["selected"]
        assert (ids[name] in {f.pk for f in filtered}) == facts[0].report_due, name
        if facts[0].report_due:
            due_in_my_tasks.add(name)
    assert due_in_my_tasks == OWED

    # The not-reported page of March.
    by_unit, listed = not_reported(period=m.march, today=TODAY)
    assert m.names(listed.values_list("pk", flat=True)) == OWED
    assert sum(row["count"] for row in by_unit) == len(OWED)

    # The dashboard's missing reports of March, and the list its figure links to.
    summary_refresh(now=at(TODAY))
    missing = DashboardMissing.objects.filter(month=MARCH)
    assert sum(missing.values_list("missing", flat=True)) == len(OWED)
    owed_units = {m.cases[name].unit_id for name in OWED}
    assert set(missing.values_list("unit_id", flat=True)) == owed_units
    assert m.names(missing_queryset(MARCH, TODAY).values_list("pk", flat=True)) == OWED

    # The reminders three days before the due date reach the units owing it, and them only.
    Notification.objects.all().delete()
    reminders_send(now=at(REMINDER_DAY))
    reminded = Notification.objects.filter(kind=NotificationKind.REPORT_REMINDER)
    assert {n.recipient.unit_id for n in reminded} == owed_units
    assert all(n.params["missing"] == 1 for n in reminded)
    assert {n.object_id for n in reminded} == {str(m.march.pk)}


def test_the_report_owed_is_no_longer_owed_once_sent(matrix):
    m = matrix
    m.report("never reported", m.march)
    sweep(now=at(TODAY))
    flagged = RedFlag.objects.filter(kind=FlagKind.NO_REPORT, resolved_at__isnull=True)
    assert "never reported" not in m.names(flagged.values_list("assignment_id", flat=True))
    assert "never reported" not in m.names(
        not_reported(period=m.march, today=TODAY)[1].values_list("pk", flat=True)
    )
    facts = my_tasks(user=m.staff["never reported"], today=TODAY)["selected"]
    assert not any(f.report_due for f in facts)


# Expected progress ---------------------------------------------------------------------------------

MONTH_END = datetime.date(2025, 3, 31)
# name → (start, deadline, latest completion): spans with a half tenth on the day, below and
# above the lagging threshold, a deadline today on the start day (100 % from the deadline on).
PROGRESS = {
    "half a year": (START, JUNE, Decimal("10")),  # day 89/180: 49.4 %
    "two thirds": (datetime.date(2025, 2, 1), datetime.date(2025, 4, 30), Decimal("30")),  # 58/88: 65.9 %
    "eighty days": (datetime.date(2025, 3, 30), datetime.date(2025, 6, 18), None),  # 1/80: 1.25 → 1.3 %
    "sixteen days": (
        datetime.date(2025, 3, 30),
        datetime.date(2025, 4, 15),
        Decimal("0"),
    ),  # 1/16: 6.25 → 6.3 %
    "due today": (MONTH_END, MONTH_END, Decimal("20")),  # no span: 100 % on its deadline
    "a third": (datetime.date(2025, 3, 1), datetime.date(2025, 4, 3), Decimal("16.5")),  # 30/33: 90.9 %
}


def test_my_tasks_the_lagging_flag_and_the_dashboard_expect_the_same_progress():
    plan = PlanFactory(issue_date=START)
    leads, staff = {}, {}
    for name, (start, deadline, completion) in PROGRESS.items():
        # One section and one unit each: the dashboard's curve per section and per unit is this one.
        general_task = GeneralTaskFactory(section=SectionFactory(plan=plan))
        unit = UnitFactory(name=f"Đơn vị {name}")
        leads[name] = AssignmentFactory(
            subtask=SubTaskFactory(general_task=general_task, plan=plan, start_date=start, deadline=deadline),
            unit=unit,
        )
        staff[name] = UserFactory(unit=unit, roles=[Role.STAFF])
        if completion is not None:
            AssignmentState.objects.create(
                assignment=leads[name], status=Status.IN_PROGRESS, latest_completion=completion
            )
    periods_ensure(now=at(MONTH_END))
    sweep(now=at(MONTH_END))
    summary_refresh(now=at(MONTH_END))
    lagging = {
        f.assignment_id: f.numbers["expected"]
        for f in RedFlag.objects.filter(kind=FlagKind.LAGGING, resolved_at__isnull=True)
    }
    assert len(lagging) >= 3  # the comparison is made on flags, not on their absence

    for name, (start, deadline, _completion) in PROGRESS.items():
        rule = expected_progress(start=start, deadline=deadline, today=MONTH_END)
        assert rule == Decimal(expected_tenths(start=start, deadline=deadline, today=MONTH_END)) / 10
        (facts,) = my_tasks(user=staff[name], today=MONTH_END)["selected"]
        assert facts.expected == rule, name
        (row,) = task_rows(user=staff[name], today=MONTH_END, ids=[facts.pk])
        assert row.expected == rule and row.lagging == facts.lagging, name
        assert facts.lagging == (leads[name].pk in lagging), name
        if facts.lagging:
            assert Decimal(str(lagging[leads[name].pk])) == rule, name
        # The dashboard: its unit curve (summed in SQL) and its stored month (summed in Python).
        unit_curve = expected_by_month(Scope(unit=leads[name].unit), {MARCH: MONTH_END}, unit=True)
        assert round(unit_curve[MARCH] * FULL) == rule * 10, name
        stored = DashboardMonth.objects.get(section=leads[name].subtask.general_task.section, month=MARCH)
        assert round(stored.expected * FULL) == rule * 10, name
    half_tenths = {
        name: expected_progress(start=s, deadline=d, today=MONTH_END) for name, (s, d, _c) in PROGRESS.items()
    }
    assert (half_tenths["sixteen days"], half_tenths["eighty days"]) == (Decimal("6.3"), Decimal("1.3"))


def _sql_tenths(triples) -> list:
    """expected_tenths_sql over (start, deadline, day) rows given as a VALUES list, by the database."""
    expression = expected_tenths_sql(
        start=RawSQL("v.s", (), output_field=DateField()),
        deadline=RawSQL("v.d", (), output_field=DateField()),
        day=RawSQL("v.t", (), output_field=DateField()),
    )
    query = Query(AssignmentState)
    sql, params = query.get_compiler(connection=connection).compile(expression.resolve_expression(query))
    cast = "CAST(%s AS date)" if connection.vendor == "postgresql" else "%s"
    values = ", ".join(f"({n}, {cast}, {cast}, {cast})" for n in range(len(triples)))
    flat = [day for triple in triples for day in triple]
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH v(n, s, d, t) AS (VALUES {values}) SELECT {sql} FROM v ORDER BY v.n",  # noqa: S608
            [*flat, *params],
        )
        return [row[0] for row in cursor.fetchall()]


def test_the_sql_expression_and_its_python_twin_agree():
    """Every day from before the start to after the deadline, for spans with half tenths (8, 16, 32,
    80 days), thirds, a deadline on or before the start, and a long one."""
    start = datetime.date(2025, 1, 1)
    triples = []
    for span in (-30, -1, 0, 1, 2, 3, 7, 8, 16, 32, 33, 80, 150, 151, 730):
        deadline = start + datetime.timedelta(days=span)
        days = range(min(span, 0) - 3, max(span, 0) + 4)
        if span > 100:
            days = [*range(-2, 40), *range(span - 40, span + 3)]
        triples += [(start, deadline, start + datetime.timedelta(days=d)) for d in days]
    found = []
    for chunk in range(0, len(triples), 200):
        found += _sql_tenths(triples[chunk : chunk + 200])
    python = [expected_tenths(start=s, deadline=d, today=t) for s, d, t in triples]
    assert [int(v) for v in found] == python
    assert {5, 13, 63} <= set(python)  # half tenths rounded up: 1/200, 1/80 (12.5), 1/16 (62.5)
    assert min(python) == 0 and max(python) == FULL
