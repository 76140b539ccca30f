"""Red flags (DESIGN.md, seed 002 section III.2.3): raised and resolved by the sweep (kpis/sweep.py).

A flag is an event row, like healthchecks' Flip: it is never updated except to be resolved, so
the history of a lead assignment's flags stays. At most one flag of a kind is open per
assignment (a partial unique constraint), which is what lets two sweeps run at once.

Each kind of flag is one `FlagRule` in `RULES` below: what it is about (a lead assignment, or a plan's
target and one of its responsible units), its condition (a queryset over the lead assignments,
kpis.flag_conditions; for a target, the rows of targets.selectors), the figures it keeps (`numbers`), its message, its severity,
whether it is about one reporting period, whether raising it is announced. The sweep, the flag
pages, the dashboards, the notices and the official report read the kinds from here, most
severe first; a new kind is one more entry (and the migration of the dashboard's count columns).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.module_loading import import_string
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from .progress import expected_progress


class FlagKind(models.TextChoices):
    OVERDUE = "overdue", _("Quá hạn")
    LAGGING = "lagging", _("Chậm tiến độ")
    QUALITY = "quality", _("Bị trả lại")
    NO_REPORT = "no_report", _("Không báo cáo")
    TARGET_BEHIND = "target_behind", _("Chỉ tiêu chậm lộ trình")


class FlagSubject:
    """What a kind of flag is about (FlagRule.subject)."""

    ASSIGNMENT = "assignment"
    TARGET = "target"


@dataclass(frozen=True)
class FlagRule:
    """One kind of red flag, written once."""

    kind: str
    label: object  # lazy Vietnamese label
    # 1 is the most severe: lists order by it, an assignment is counted under its most severe flag.
    severity: int
    # (today, ids) → the lead assignments meeting the condition; a dotted path or a callable.
    condition: object
    # Columns of the condition's rows that `numbers` reads.
    fields: tuple
    # (row, today, period) → the figures stored with the flag (JSON).
    numbers: Callable
    # (figures) → the message in the active language.
    message: Callable
    # (figures, today, latest completion or None) → the message of an open flag as of today, or None.
    current: Callable | None = None
    # About one reporting period: the condition annotates `due_period`; a next period is a new flag.
    period_scoped: bool = False
    # Raising it sends a notice (a returned claim has already told the unit, with the reason).
    announced: bool = True
    # The unit head answers it with a remediation plan, and left unanswered it escalates
    # (kpis.remediation): the work itself is late. A returned claim or a missed report is answered
    # by completing the claim or sending the report.
    acknowledged: bool = False
    # (row, period) → what makes a raised flag news: a flag of the same assignment, kind and episode
    # already announced is not announced again (resolved and raised anew after a plan's dates or
    # periods were corrected, it is the same alarm).
    episode: Callable = lambda row, period: ""
    # About a lead assignment, or about a target and one of its responsible units (the condition
    # then returns rows {"target_id", "unit_id", …its fields}, computed as the target pages compute
    # where a target stands).
    subject: str = FlagSubject.ASSIGNMENT

    def conditions(self, today, ids=None):
        condition = import_string(self.condition) if isinstance(self.condition, str) else self.condition
        return condition(today, ids)


RULES: dict[str, FlagRule] = {}


def register(rule: FlagRule) -> FlagRule:
    # One severity per kind: an assignment is counted under exactly one kind.
    taken = {r.severity: r.kind for r in RULES.values() if r.kind != rule.kind}
    if rule.severity in taken:
        raise ValueError(f"severity {rule.severity} is {taken[rule.severity]}'s")
    RULES[rule.kind] = rule
    return rule


def flag_rules() -> list[FlagRule]:
    """Every kind, most severe first."""
    return sorted(RULES.values(), key=lambda r: (r.severity, r.kind))


def flag_kinds() -> list[str]:
    return [r.kind for r in flag_rules()]


def task_kinds() -> list[str]:
    """The kinds about a lead assignment: the dashboard's per-assignment count columns."""
    return [r.kind for r in flag_rules() if r.subject == FlagSubject.ASSIGNMENT]


def target_kinds() -> list[str]:
    """The kinds about a target and one of its responsible units."""
    return [r.kind for r in flag_rules() if r.subject == FlagSubject.TARGET]


def acknowledged_kinds() -> list[str]:
    """The kinds a unit head acknowledges with a remediation plan (FlagRule.acknowledged)."""
    return [r.kind for r in flag_rules() if r.acknowledged]


def kind_choices() -> list[tuple[str, object]]:
    return [(r.kind, r.label) for r in flag_rules()]


def kind_label(kind: str) -> str:
    rule = RULES.get(kind)
    return str(rule.label) if rule else kind


def severity(kind: str) -> int:
    rule = RULES.get(kind)
    return rule.severity if rule else len(RULES) + 1


def severity_now(today) -> models.Expression:
    """A flag's severity as of `today` in SQL: its kind's, one step more severe when the remediation
    date its unit head gave has passed and the flag is still open (RedFlag.current_severity)."""
    past_due = models.Case(
        models.When(
            Q(resolved_at__isnull=True, acknowledgement__expected_finish__lt=today), then=models.Value(1)
        ),
        default=models.Value(0),
        output_field=models.IntegerField(),
    )
    return severity_order() - past_due


def severity_order(field: str = "kind") -> models.Case:
    """The severity of `field` (a kind) as SQL, for ordering most severe first."""
    return models.Case(
        *(models.When(**{field: r.kind}, then=models.Value(r.severity)) for r in flag_rules()),
        default=models.Value(len(RULES) + 1),
        output_field=models.IntegerField(),
    )


class RedFlagQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)

    def topmost(self):
        """The open flags that are their assignment's most severe open flag: one per flagged
        assignment, so counting them counts assignments, by the kind that describes each best
        (the kinds add up to the flagged assignments). A flag about a target is its own: one per
        flagged target and responsible unit."""
        rules = flag_rules()
        picked = Q(pk__in=[])
        for rule in rules:
            worse = [
                r.kind for r in rules if r.severity < rule.severity and r.subject == FlagSubject.ASSIGNMENT
            ]
            this = Q(kind=rule.kind)
            if worse and rule.subject == FlagSubject.ASSIGNMENT:
                this &= ~models.Exists(
                    RedFlag.objects.filter(
                        assignment_id=models.OuterRef("assignment_id"),
                        resolved_at__isnull=True,
                        kind__in=worse,
                    )
                )
            picked |= this
        return self.filter(resolved_at__isnull=True).filter(picked)

    def by_severity(self):
        """Open first, most severe first (a flag whose remediation date has passed one step more,
        `severity_now`), then the oldest first (the longest waiting for action)."""
        return self.order_by(
            models.F("resolved_at").desc(nulls_first=True),
            severity_now(timezone.localdate()),
            "raised_at",
            "id",
        )


class RedFlag(models.Model):
    kind = models.CharField(_("loại cảnh báo"), max_length=20, choices=kind_choices)
    # A flag is about a lead assignment, or about a target (FlagRule.subject): exactly one of them.
    assignment = models.ForeignKey(
        "tasks.Assignment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="red_flags",
        verbose_name=_("phân công"),
    )
    # Denormalised from the assignment so that roll-ups and sub-task pages read one table.
    subtask = models.ForeignKey(
        "tasks.SubTask",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="red_flags",
        verbose_name=_("tiểu nhiệm vụ"),
    )
    target = models.ForeignKey(
        "targets.Target",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="red_flags",
        verbose_name=_("chỉ tiêu"),
    )
    # The assignment's unit; for a target, the responsible unit the flag is told to.
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="red_flags")
    # The monthly period a no-report flag is about: a missed next month is a new flag.
    period = models.ForeignKey(
        "kpis.Period", on_delete=models.CASCADE, null=True, blank=True, related_name="red_flags"
    )
    numbers = models.JSONField(_("số liệu"), default=dict, blank=True)
    message_vi = models.TextField(_("nội dung"))
    raised_at = models.DateTimeField(_("phát sinh lúc"))
    resolved_at = models.DateTimeField(_("hết cảnh báo lúc"), null=True, blank=True)
    # Outbox marker (healthchecks' Flip.processed): set once the notifications of the flag exist.
    notified_at = models.DateTimeField(null=True, blank=True)
    # FlagRule.episode: the same assignment, kind and episode is the same alarm, announced once.
    episode = models.CharField(max_length=40, blank=True, default="")

    objects = RedFlagQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("cảnh báo đỏ")
        verbose_name_plural = _("cảnh báo đỏ")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "kind"],
                condition=Q(resolved_at__isnull=True),
                name="uniq_open_red_flag",
            ),
            models.UniqueConstraint(
                fields=["target", "unit", "kind"],
                condition=Q(resolved_at__isnull=True, target__isnull=False),
                name="uniq_open_target_red_flag",
            ),
            models.CheckConstraint(
                condition=Q(assignment__isnull=False, subtask__isnull=False, target__isnull=True)
                | Q(assignment__isnull=True, subtask__isnull=True, target__isnull=False),
                name="red_flag_about_assignment_or_target",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "resolved_at"], name="redflag_kind_open"),
            models.Index(fields=["subtask", "resolved_at"], name="redflag_subtask_open"),
            models.Index(fields=["unit", "resolved_at"], name="redflag_unit_open"),
            models.Index(fields=["target", "resolved_at"], name="redflag_target_open"),
            models.Index(
                fields=["raised_at"], condition=Q(notified_at__isnull=True), name="redflag_unnotified"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.message_vi}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    # What the flag is about, as lists and notices name it and link to it.
    @property
    def subject_code(self) -> str:
        return self.target.code if self.target_id else self.subtask.code

    @property
    def subject_title(self) -> str:
        return self.target.text if self.target_id else self.subtask.title

    @property
    def subject_url(self) -> str:
        from django.urls import reverse

        if self.target_id:
            return reverse("targets:detail", args=[self.target_id])
        return reverse("tasks:subtask_detail", args=[self.subtask_id])

    # The unit head's answer and the escalation (kpis.remediation); None when there is none.
    @property
    def acknowledgement_or_none(self):
        try:
            return self.acknowledgement
        except ObjectDoesNotExist:
            return None

    @property
    def escalation_or_none(self):
        try:
            return self.escalation
        except ObjectDoesNotExist:
            return None

    @property
    def current_severity(self) -> int:
        """The kind's severity, one step more severe once the unit's own remediation date has
        passed with the flag still open (as `severity_now` in SQL)."""
        return severity(self.kind) - (1 if self.remediation_past_due else 0)

    @property
    def remediation_past_due(self) -> bool:
        """The unit's own remediation date has passed and the flag still stands."""
        ack = self.acknowledgement_or_none
        return bool(ack and self.is_open and ack.is_past_due(timezone.localdate()))

    def current_message(self, today: datetime.date | None = None) -> str:
        """The message as of today, in the active language, for an open flag: overdue days keep
        counting, expected progress keeps growing (and the latest reported completion is read live
        when the selector annotated it as `live_actual`). A resolved flag says what it said when
        raised. The stored `message_vi` (what official reports print) is Vietnamese whatever the
        language; an English page writes the same numbers in English."""
        return current_message(
            self.kind,
            self.numbers,
            self.message_vi,
            is_open=self.is_open,
            live_actual=getattr(self, "live_actual", None),
            today=today or timezone.localdate(),
        )


def current_message(kind: str, numbers, message_vi: str, *, is_open: bool, live_actual, today) -> str:
    """RedFlag.current_message from a flag's values (the long downloads read values, not models)."""
    numbers = numbers or {}
    rule = RULES.get(kind)
    if is_open and rule is not None and rule.current is not None:
        text = rule.current(numbers, today, live_actual)
        if text is not None:
            return text
    if (get_language() or "vi").startswith("vi"):
        return message_vi
    try:
        return message_for(kind, numbers)
    except (KeyError, TypeError, ValueError):  # a flag whose numbers predate a field: as stored
        return message_vi


def message_for(kind: str, n: dict) -> str:
    """A flag's message written from its numbers, in the active language (the sweep writes
    `message_vi` with this under Vietnamese)."""
    return RULES[kind].message(n)


def _month_label(n: dict) -> str:
    """The missed month as Period.label words it, in the active language (older flags: as stored)."""
    if not n.get("period_start"):
        return n["period"]
    month = datetime.date.fromisoformat(n["period_start"])
    return gettext("Tháng %(month)02d/%(year)s") % {"month": month.month, "year": month.year}


def overdue_message(*, days: int, deadline: datetime.date) -> str:
    return gettext("Quá hạn %(days)s ngày (thời hạn %(deadline)s), chưa hoàn thành.") % {
        "days": days,
        "deadline": f"{deadline:%d/%m/%Y}",
    }


def lagging_message(
    *, expected: float, day: int, total_days: int, actual: float, deadline: datetime.date | None = None
) -> str:
    if total_days <= 0 and deadline is not None:
        # A deadline on or before the start ("30/9/2025 (đã thực hiện)" in a plan starting in
        # November): no span of days to count, 100 % expected once it has passed.
        return gettext(
            "Chậm tiến độ: đã hết thời hạn %(deadline)s, dự kiến đạt %(expected)s %%, báo cáo mới %(actual)s %%."
        ) % {"deadline": f"{deadline:%d/%m/%Y}", "expected": _pct(expected), "actual": _pct(actual)}
    # "90/150 days gone" reads at a glance; "at day 90/150" did not (a reviewer's finding).
    return gettext(
        "Chậm tiến độ: đã qua %(day)s/%(total)s ngày thực hiện, dự kiến đạt %(expected)s %%, "
        "báo cáo mới %(actual)s %%."
    ) % {"day": day, "total": total_days, "expected": _pct(expected), "actual": _pct(actual)}


def quality_message(*, returned_on: datetime.date | None, reason: str) -> str:
    if returned_on and reason:
        text = gettext("Đề nghị hoàn thành bị trả lại ngày %(date)s (chờ hoàn thiện): %(reason)s")
    elif returned_on:
        text = gettext("Đề nghị hoàn thành bị trả lại ngày %(date)s (chờ hoàn thiện)")
    elif reason:
        text = gettext("Đề nghị hoàn thành bị trả lại (chờ hoàn thiện): %(reason)s")
    else:
        text = gettext("Đề nghị hoàn thành bị trả lại (chờ hoàn thiện)")
    return text % {"date": f"{returned_on:%d/%m/%Y}" if returned_on else "", "reason": reason}


def no_report_message(*, period_label: str, due_date: datetime.date) -> str:
    return gettext("Chưa gửi báo cáo %(period)s (hạn %(due)s).") % {
        "period": period_label.lower(),
        "due": f"{due_date:%d/%m/%Y}",
    }


SIGNS = {"at_least": "≥ ", "at_most": "≤ ", "exactly": ""}


def target_behind_message(
    *,
    value: str,
    as_of: datetime.date,
    expected: str,
    goal: str,
    due: datetime.date,
    measure: str,
    direction: str,
) -> str:
    return gettext(
        "Chậm so với lộ trình: đạt %(value)s (số liệu đến %(as_of)s), theo lộ trình cần %(expected)s "
        "để đạt mốc %(goal)s trước ngày %(due)s."
    ) % {
        "value": _figure(value, measure),
        "as_of": f"{as_of:%d/%m/%Y}",
        "expected": _figure(expected, measure),
        "goal": SIGNS.get(direction, "") + _figure(goal, measure),
        "due": f"{due:%d/%m/%Y}",
    }


def _figure(value: str, measure: str) -> str:
    """A target's figure to two decimals at most, in the active language's number format, with its
    measure ("62,62%", "3 cơ chế chính sách")."""
    from decimal import Decimal

    from django.utils import numberformat

    exact = Decimal(value).quantize(Decimal("0.01")).normalize()
    text = numberformat.format(
        f"{exact:f}",
        get_format("DECIMAL_SEPARATOR"),
        grouping=3,
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )
    return f"{text}%" if measure.strip() == "%" else f"{text} {measure.strip()}"


def _pct(value: float) -> str:
    rounded = round(float(value), 2)
    return f"{rounded:g}".replace(".", get_format("DECIMAL_SEPARATOR"))


# The kinds ------------------------------------------------------------------------------------------


def _day(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _overdue_numbers(row, today, period) -> dict:
    deadline = row["due"]
    return {
        "deadline": deadline.isoformat(),
        "days_overdue": (today - deadline).days,
        "as_of": today.isoformat(),
    }


def _overdue_message(n: dict) -> str:
    return overdue_message(days=n["days_overdue"], deadline=_day(n["deadline"]))


def _overdue_current(n: dict, today, actual) -> str | None:
    """Overdue days keep counting."""
    if not n.get("deadline"):
        return None
    deadline = _day(n["deadline"])
    return overdue_message(days=(today - deadline).days, deadline=deadline)


def _lagging_numbers(row, today, period) -> dict:
    day, total = row["day"], row["total_days"]
    expected = expected_progress(start=row["s_date"], deadline=row["due"], today=today)
    return {
        "expected": float(expected),
        "actual": float(row["actual"]),
        "day": min(day, total) if total > 0 else day,
        "total_days": total,
        "start": row["s_date"].isoformat(),
        "deadline": row["due"].isoformat(),
        "as_of": today.isoformat(),
    }


def _lagging_message(n: dict) -> str:
    return lagging_message(
        expected=n["expected"],
        day=n["day"],
        total_days=n["total_days"],
        actual=n["actual"],
        deadline=_day(n.get("deadline")),
    )


def _lagging_current(n: dict, today, actual) -> str | None:
    """Expected progress keeps growing; the latest reported completion is read live when known."""
    if not (n.get("start") and n.get("deadline")):
        return None
    start, deadline = _day(n["start"]), _day(n["deadline"])
    total, day = (deadline - start).days, (today - start).days
    return lagging_message(
        expected=float(expected_progress(start=start, deadline=deadline, today=today)),
        day=max(0, min(day, total)),
        total_days=total,
        actual=float(n.get("actual", 0) if actual is None else actual),
        deadline=deadline,
    )


def _quality_numbers(row, today, period) -> dict:
    returned_at = row["state__returned_at"]
    return {
        "returned_on": timezone.localdate(returned_at).isoformat() if returned_at else None,
        "reason": row["state__return_reason"] or "",
    }


def _quality_message(n: dict) -> str:
    return quality_message(returned_on=_day(n["returned_on"]), reason=n["reason"])


def _no_report_numbers(row, today, period) -> dict:
    from django.utils import translation

    with translation.override("vi"):  # stored in the flag message, which stays Vietnamese
        label = period.label
    return {
        "period": label,
        "period_start": period.start.isoformat(),
        "due_date": period.due_date.isoformat(),
        "as_of": today.isoformat(),
    }


def _no_report_message(n: dict) -> str:
    return no_report_message(period_label=_month_label(n), due_date=_day(n["due_date"]))


def _target_behind_numbers(row, today, period) -> dict:
    return {
        "value": str(row["value"]),
        "as_of": row["as_of"].isoformat(),
        "expected": str(row["expected"]),
        "goal": str(row["goal"]),
        "due": row["due"].isoformat(),
        "measure": row["measure"],
        "direction": row["direction"],
        "today": today.isoformat(),
    }


def _target_behind_message(n: dict) -> str:
    return target_behind_message(
        value=n["value"],
        as_of=_day(n["as_of"]),
        expected=n["expected"],
        goal=n["goal"],
        due=_day(n["due"]),
        measure=n["measure"],
        direction=n["direction"],
    )


register(
    FlagRule(
        kind=FlagKind.OVERDUE,
        label=FlagKind.OVERDUE.label,
        severity=1,
        condition="kpis.flag_conditions.overdue_condition",
        fields=("due",),
        numbers=_overdue_numbers,
        message=_overdue_message,
        current=_overdue_current,
        acknowledged=True,
    )
)
register(
    FlagRule(
        kind=FlagKind.QUALITY,
        label=FlagKind.QUALITY.label,
        severity=2,
        condition="kpis.flag_conditions.quality_condition",
        fields=("state__returned_at", "state__return_reason"),
        numbers=_quality_numbers,
        message=_quality_message,
        announced=False,
    )
)
register(
    FlagRule(
        kind=FlagKind.LAGGING,
        label=FlagKind.LAGGING.label,
        severity=3,
        condition="kpis.flag_conditions.lagging_condition",
        fields=("due", "s_date", "actual", "day", "total_days", "state__latest_report_id"),
        numbers=_lagging_numbers,
        message=_lagging_message,
        current=_lagging_current,
        acknowledged=True,
        # Lagging again after the unit reported is news; re-raised with no report since, it is not.
        episode=lambda row, period: f"report:{row['state__latest_report_id'] or 0}",
    )
)
register(
    FlagRule(
        kind=FlagKind.NO_REPORT,
        label=FlagKind.NO_REPORT.label,
        severity=4,
        condition="kpis.flag_conditions.no_report_condition",
        fields=("due_period",),
        numbers=_no_report_numbers,
        message=_no_report_message,
        period_scoped=True,
        # The month missed, not the period row (a corrected plan start makes new period rows).
        episode=lambda row, period: f"{period.end:%Y-%m}",
    )
)
register(
    FlagRule(
        kind=FlagKind.TARGET_BEHIND,
        label=FlagKind.TARGET_BEHIND.label,
        # After the kinds about the units' own tasks: a target's reading trails the work it measures.
        severity=5,
        subject=FlagSubject.TARGET,
        condition="targets.selectors.behind_condition",
        fields=("value", "as_of", "expected", "goal", "due", "measure", "direction"),
        numbers=_target_behind_numbers,
        message=_target_behind_message,
        # One flag while the target stays behind, whatever the month: it ends when the target is back
        # on its line or reaches its milestone. Its message states the reading it was raised on.
        period_scoped=False,
        # Behind again on a later reading is news; raised anew on the same reading (milestones
        # corrected, a unit added back), it is not.
        episode=lambda row, period: f"reading:{row['as_of']:%Y-%m-%d}",
    )
)
