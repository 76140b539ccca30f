"""Months of a province working the demo plan, replayed in time order through the services.

Every report, claim, review decision, correction and comment is made by the service a person's
click would call, with `now=` set to the moment it happens in the story; the red-flag sweep runs
as the periodic job would (Mondays and the day after each monthly due date), and the official
monthly report is drafted, generated and archived after each due date. Deterministic: every
choice comes from a random generator seeded by the seed and the names involved (never by
database ids), and events happen in a fixed order.

Who does what (decisions where the story is ours to write):
- a unit has a habit: most report by the due date (the 20th), some a few days late, some skip
  months, a few never report;
- an assignment progresses at its own pace towards its deadline; a few stall (lagging, then
  overdue); once its work is done the unit claims completion with a signed document (PDF) and
  sometimes a photo (PNG); the reviewer decides within a week, returning about one claim in five
  with a reason, and the unit completes and claims again;
- about one report in twenty-five is corrected a day or two later (a new version);
- co-ordinating units leave remarks on about half the sub-tasks they co-ordinate.
"""

from __future__ import annotations

import datetime
import heapq
import itertools
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from evidence.services import review_approve, review_return
from kpis.flags import RedFlag, acknowledged_kinds
from kpis.models import KpiTarget, Period, PeriodKind
from kpis.services import periods_ensure
from kpis.services.comments import comment_add
from kpis.services.remediation import flag_acknowledge, flags_escalate
from kpis.services.reports import ReportData, report_correct, report_save_draft, report_submit
from kpis.signals import assignment_updates_deferred
from kpis.sweep import sweep
from tasks.models import Assignment, AssignmentRole, Plan

from . import texts
from .files import claim_files

HABITS = (("reliable", 62), ("late", 16), ("patchy", 14), ("silent", 8))
# Communes and wards (most of the plan's assignments after fan-out) keep less to the calendar.
COMMUNE_HABITS = (("reliable", 34), ("late", 16), ("patchy", 30), ("silent", 20))


@dataclass
class Story:
    """What the replay did: the shape the tests check and the command prints."""

    reports: int = 0
    late_reports: int = 0
    claims: int = 0
    approvals: int = 0
    returns: int = 0
    corrections: int = 0
    comments: int = 0
    sweeps: int = 0
    flags_raised: int = 0
    flags_resolved: int = 0
    archived: list = field(default_factory=list)
    refused: int = 0
    acknowledgements: int = 0
    escalations: int = 0
    disbursements: int = 0
    target_values: int = 0

    def summary(self) -> str:
        return (
            f"{self.reports} báo cáo ({self.late_reports} gửi muộn, {self.corrections} bản sửa), "
            f"{self.claims} đề nghị hoàn thành, {self.approvals} công nhận, {self.returns} trả lại, "
            f"{self.comments} ý kiến phối hợp, {self.sweeps} lần quét cảnh báo "
            f"({self.flags_raised} phát sinh, {self.flags_resolved} hết cảnh báo, {self.acknowledgements} được "
            f"thủ trưởng xác nhận, {self.escalations} chuyển lãnh đạo), "
            f"{len(self.archived)} báo cáo tháng lưu trữ, {self.disbursements} lượt báo cáo giải ngân, "
            f"{self.target_values} lượt báo cáo số liệu chỉ tiêu"
        )


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour, minute))


def _rng(seed, *names) -> random.Random:
    return random.Random("|".join(str(n) for n in (seed, *names)))


@dataclass
class Track:
    """One lead assignment as the story sees it."""

    assignment: Assignment
    habit: str
    pace: float
    start: datetime.date
    state: str = "open"  # open → claimed → (returned → claimed …) → done
    completion: Decimal = Decimal(0)
    tries: int = 0


class History:
    def __init__(self, *, plan: Plan, now: datetime.datetime, seed: int, actors, active_communes=None):
        self.plan, self.now, self.seed, self.actors = plan, now, seed, actors
        self.today = timezone.localdate(now)
        self.story = Story()
        self.queue: list = []
        self.order = itertools.count()
        self.active_communes = active_communes
        self.targets: dict[int, list[KpiTarget]] = {}
        for target in KpiTarget.objects.filter(kpi__subtask__plan=plan):
            self.targets.setdefault(target.kpi.subtask_id, []).append(target)

    # -- the schedule -------------------------------------------------------------------------

    def at(self, moment, action, *args):
        if moment < self.now:
            heapq.heappush(self.queue, (moment, next(self.order), action, args))

    def habit(self, unit) -> str:
        if (
            self.active_communes is not None
            and unit.kind == "commune"
            and unit.pk not in self.active_communes
        ):
            return "silent"
        if unit.pk in self.actors.dependable_units:
            return "reliable"
        rng = _rng(self.seed, "habit", unit.name)
        habits = COMMUNE_HABITS if unit.kind == "commune" else HABITS
        return rng.choices([h for h, _ in habits], [w for _, w in habits])[0]

    def plan_story(self, months: list[Period]) -> None:
        leads = (
            Assignment.objects.filter(subtask__plan=self.plan, role=AssignmentRole.LEAD)
            .select_related("subtask", "unit")
            .order_by("subtask__order", "subtask__code", "unit__name")
        )
        habits = {}
        for assignment in leads:
            unit = assignment.unit
            if unit.pk not in habits:
                habits[unit.pk] = self.habit(unit)
            rng = _rng(self.seed, "pace", assignment.subtask.code, unit.name)
            stalled = rng.random() < 0.12
            track = Track(
                assignment=assignment,
                habit=habits[unit.pk],
                pace=rng.uniform(0.15, 0.45) if stalled else rng.uniform(0.8, 1.2),
                start=assignment.subtask.start_date or self.plan.effective_start,
            )
            if track.habit == "silent":
                continue
            for period in months:
                day = self.report_day(track, period, rng)
                if day is not None:
                    self.at(
                        at(day, rng.randint(8, 16), rng.randint(0, 59)), self.monthly_report, track, period
                    )
        for period in months:
            self.sweeps_of(period)
        self.comments()

    def report_day(self, track: Track, period: Period, rng) -> datetime.date | None:
        habit = track.habit
        if habit == "patchy" and rng.random() < 0.4:
            return None
        if habit != "reliable" and period.start == self.plan.effective_start and rng.random() < 0.4:
            return None  # the plan's first month: many units are still setting up
        if habit == "late" or (habit == "patchy" and rng.random() < 0.5):
            offset = rng.randint(1, 7)  # after the due date: the no-report flag is raised, then resolved
        else:
            offset = -rng.randint(0, 8)
        day = period.due_date + datetime.timedelta(days=offset)
        return max(day, period.start)

    def sweeps_of(self, period: Period) -> None:
        day = period.start
        while day <= period.end:
            if day.weekday() == 0 or day == period.due_date + datetime.timedelta(days=1):
                self.at(at(day, 7), self.sweep)
            day += datetime.timedelta(days=1)

    def comments(self) -> None:
        co = (
            Assignment.objects.filter(subtask__plan=self.plan, role=AssignmentRole.CO)
            .select_related("subtask", "unit")
            .order_by("subtask__order", "subtask__code", "unit__name")
        )
        by_subtask: dict[int, list[Assignment]] = {}
        for assignment in co:
            by_subtask.setdefault(assignment.subtask_id, []).append(assignment)
        start = self.plan.effective_start
        for items in by_subtask.values():
            rng = _rng(self.seed, "comment", items[0].subtask.code)
            if rng.random() < 0.5:
                continue
            assignment = rng.choice(items)
            day = start + datetime.timedelta(days=rng.randint(20, 120))
            self.at(at(day, 14, rng.randint(0, 59)), self.comment, assignment, rng.choice(texts.COMMENTS))

    # -- replay ---------------------------------------------------------------------------------

    def run(self) -> Story:
        with assignment_updates_deferred():
            while self.queue:
                day = timezone.localdate(self.queue[0][0])
                with transaction.atomic():
                    while self.queue and timezone.localdate(self.queue[0][0]) == day:
                        moment, _, action, args = heapq.heappop(self.queue)
                        action(moment, *args)
        return self.story

    # -- what people do ---------------------------------------------------------------------------

    def period_of(self, day: datetime.date) -> Period:
        return self.actors.months[(day.year, day.month)]

    def monthly_report(self, moment, track: Track, period: Period) -> None:
        if track.state != "open":
            return  # awaiting review, returned (a claim is coming) or completed: nothing to report
        subtask = track.assignment.subtask
        rng = _rng(self.seed, "report", subtask.code, track.assignment.unit.name, period.start)
        day = timezone.localdate(moment)
        if subtask.ongoing:
            months = (day.year - track.start.year) * 12 + day.month - track.start.month + 1
            completion = Decimal(min(90, 15 * months + rng.choice((0, 5, 10))))
        else:
            total = max((subtask.deadline - track.start).days, 1)
            # Work goes on past the deadline (completed late), except where it has stalled.
            expected = max(0.0, (day - track.start).days / total)
            if track.pace < 0.6:
                expected = min(expected, 1.0)
            value = expected * track.pace * 100 + rng.uniform(-5, 5)
            completion = Decimal(max(5, min(100, int(round(value / 5.0)) * 5)))
            completion = max(completion, track.completion)
            if completion >= 95 and day >= subtask.deadline - datetime.timedelta(days=20):
                return self.claim(moment, track, period)
            completion = min(completion, Decimal(90))
        lagging = track.pace < 0.6
        data = ReportData(
            completion=completion,
            results=texts.results(subtask, completion, rng),
            difficulties=rng.choice(texts.DIFFICULTIES) if lagging or rng.random() < 0.25 else "",
            proposals=rng.choice(texts.PROPOSALS) if lagging and rng.random() < 0.7 else "",
        )
        report = self.send(moment, track, period, data)
        if report is not None and rng.random() < 0.04:
            later = moment + datetime.timedelta(days=rng.randint(1, 2), hours=1)
            self.at(later, self.correct, track, report)

    def send(self, moment, track: Track, period: Period, data: ReportData, uploads=()):
        actor = self.actors.staff[track.assignment.unit_id]
        try:
            report = report_save_draft(
                assignment=track.assignment,
                period=period,
                actor=actor,
                data=data,
                uploads=uploads,
                now=moment,
            )
            report_submit(report=report, actor=actor, now=moment)
        except Exception:  # noqa: BLE001 - a refused report is part of a story, not the end of the demo
            self.story.refused += 1
            return None
        self.story.reports += 1
        if timezone.localdate(moment) > period.due_date:
            self.story.late_reports += 1
        track.completion = data.completion
        return report

    def claim(self, moment, track: Track, period: Period) -> None:
        subtask, unit = track.assignment.subtask, track.assignment.unit
        rng = _rng(self.seed, "claim", subtask.code, unit.name, track.tries)
        day = timezone.localdate(moment)
        targets = [t for kpi_targets in [self.targets.get(subtask.pk, [])] for t in kpi_targets]
        data = ReportData(
            completion=Decimal(100),
            results=texts.claim_results(subtask, track.tries, rng),
            actuals={t.pk: t.value for t in targets},
        )
        files = claim_files(
            code=subtask.code,
            output=subtask.output,
            unit=unit.name,
            day=day,
            shade=rng.randint(0, 255),
            with_photo=track.tries > 0 or rng.random() < 0.35,
        )
        if self.send(moment, track, period, data, uploads=files) is None:
            return
        self.story.claims += 1
        track.state, track.tries = "claimed", track.tries + 1
        decided = moment + datetime.timedelta(days=rng.randint(2, 7))
        decided = at(timezone.localdate(decided), 10, rng.randint(0, 59))
        self.at(decided, self.review, track, rng.random() < (0.75 if track.tries == 1 else 0.97))

    def review(self, moment, track: Track, approve: bool) -> None:
        reviewer = self.actors.reviewer
        rng = _rng(
            self.seed, "review", track.assignment.subtask.code, track.assignment.unit.name, track.tries
        )
        if approve:
            review_approve(assignment=track.assignment, reviewer=reviewer, now=moment)
            self.story.approvals += 1
            track.state = "done"
            return
        code, reason = rng.choice(texts.RETURN_REASONS)
        review_return(
            assignment=track.assignment,
            reviewer=reviewer,
            reason_code=code,
            reason_text=reason,
            now=moment,
        )
        self.story.returns += 1
        track.state = "returned"
        again = moment + datetime.timedelta(days=rng.randint(5, 14))
        self.at(again, self.reclaim, track)

    def reclaim(self, moment, track: Track) -> None:
        if track.state == "returned":
            self.claim(moment, track, self.period_of(timezone.localdate(moment)))

    def correct(self, moment, track: Track, report) -> None:
        if track.state != "open":
            return
        actor = self.actors.staff[track.assignment.unit_id]
        try:
            draft = report_correct(report=report, actor=actor, now=moment)
            completion = min(Decimal(90), draft.completion + 5)
            data = ReportData(
                completion=completion,
                results=draft.results + " " + texts.CORRECTION,
                difficulties=draft.difficulties,
                proposals=draft.proposals,
            )
            draft = report_save_draft(
                assignment=track.assignment, period=draft.period, actor=actor, data=data, now=moment
            )
            report_submit(report=draft, actor=actor, now=moment)
        except Exception:  # noqa: BLE001 - e.g. a newer version exists: the story moves on
            self.story.refused += 1
            return
        self.story.corrections += 1
        track.completion = completion

    def comment(self, moment, assignment: Assignment, text: str) -> None:
        author = self.actors.staff.get(assignment.unit_id)
        if author is None:
            return
        comment_add(assignment=assignment, author=author, text=text, now=moment)
        self.story.comments += 1

    def sweep(self, moment) -> None:
        from notifications.services import notify_raised_flags

        result = sweep(now=moment)
        notify_raised_flags(now=moment)
        self.story.sweeps += 1
        self.story.flags_raised += sum(result.raised.values())
        self.story.flags_resolved += sum(result.resolved.values())
        self.story.escalations += len(flags_escalate(now=moment))
        # Heads who answer: most departments, a few communes, within a week of the flag.
        raised = RedFlag.objects.filter(raised_at=moment, kind__in=acknowledged_kinds()).select_related(
            "subtask", "unit"
        )
        for flag in raised.order_by("subtask__code", "unit__name"):
            head = self.actors.heads.get(flag.unit_id)
            rng = _rng(self.seed, "acknowledge", flag.kind, flag.subtask.code, flag.unit.name, moment.date())
            if head is None or rng.random() > (0.25 if flag.unit.kind == "commune" else 0.6):
                continue
            later = at(timezone.localdate(moment) + datetime.timedelta(days=rng.randint(1, 6)), 15)
            self.at(later, self.acknowledge, flag.pk, head, rng.randint(14, 60), rng.choice(texts.REMEDIES))

    def acknowledge(self, moment, flag_id: int, head, days: int, remedy: str) -> None:
        flag = RedFlag.objects.filter(pk=flag_id, resolved_at__isnull=True).first()
        if flag is None:
            return
        finish = timezone.localdate(moment) + datetime.timedelta(days=days)
        flag_acknowledge(flag=flag, actor=head, remedy=remedy, expected_finish=finish, now=moment)
        self.story.acknowledgements += 1


def monthly_periods(plan: Plan, now) -> list[Period]:
    periods_ensure(now=now, plan=plan)
    return list(Period.objects.filter(plan=plan, kind=PeriodKind.MONTHLY).order_by("start"))
