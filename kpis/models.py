import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Kpi(models.Model):
    subtask = models.ForeignKey("tasks.SubTask", on_delete=models.CASCADE, related_name="kpis")
    text = models.TextField(_("KPI (nguyên văn)"))
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["subtask", "order"]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPI")

    def __str__(self):
        return self.text


class Measure(models.TextChoices):
    PERCENT = "percent", _("%")
    COUNT = "count", _("số lượng")
    RANK = "rank", _("thứ hạng")


class Direction(models.TextChoices):
    AT_LEAST = "at_least", _("tối thiểu")
    AT_MOST = "at_most", _("tối đa")


class KpiTarget(models.Model):
    """A structured target read from the KPI text: proposed by the import, confirmed by the secretariat."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="targets")
    label = models.CharField(_("nội dung"), max_length=255, blank=True)
    value = models.DecimalField(_("giá trị"), max_digits=14, decimal_places=2)
    measure = models.CharField(_("đơn vị đo"), max_length=10, choices=Measure.choices)
    direction = models.CharField(
        _("chiều"), max_length=10, choices=Direction.choices, default=Direction.AT_LEAST
    )
    confirmed = models.BooleanField(_("đã xác nhận"), default=False)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["kpi", "order"]
        verbose_name = _("chỉ tiêu KPI")
        verbose_name_plural = _("chỉ tiêu KPI")
        constraints = [
            models.CheckConstraint(condition=models.Q(value__gte=0), name="kpi_target_value_non_negative"),
        ]

    def __str__(self):
        unit = "%" if self.measure == Measure.PERCENT else ""
        return f"{self.get_direction_display()} {_plain(self.value)}{unit}"


def _plain(value) -> str:
    """100.00 → "100", 12.50 → "12.5": a target as people write it (no trailing zeros)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class PeriodKind(models.TextChoices):
    MONTHLY = "monthly", _("Tháng")
    QUARTERLY = "quarterly", _("Quý")


QUARTER_NUMERALS = {1: "I", 2: "II", 3: "III", 4: "IV"}


class PeriodQuerySet(models.QuerySet):
    def in_force(self):
        """Of plans in force, as tasks.models.AssignmentQuerySet.in_force: a draft or closed plan is no
        work to report on (no report is owed, reminded or counted missing for its periods)."""
        from tasks.models import PlanStatus

        return self.filter(plan__status=PlanStatus.IN_FORCE)


class Period(models.Model):
    """A reporting period of one plan. Created by periods_ensure, never by hand."""

    plan = models.ForeignKey("tasks.Plan", on_delete=models.CASCADE, related_name="periods")
    kind = models.CharField(_("loại kỳ"), max_length=10, choices=PeriodKind.choices)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    cutoff = models.DateField(_("ngày chốt số liệu"))
    due_date = models.DateField(_("hạn báo cáo"))
    locked = models.BooleanField(_("đã khóa"), default=False)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người khóa"),
    )
    locked_at = models.DateTimeField(_("thời điểm khóa"), null=True, blank=True)
    lock_reason = models.TextField(_("lý do"), blank=True)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "-start", "kind"]
        verbose_name = _("kỳ báo cáo")
        verbose_name_plural = _("kỳ báo cáo")
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "start"], name="uniq_period_plan_kind_start"),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="period_end_after_start"
            ),
        ]
        indexes = [models.Index(fields=["plan", "kind", "start", "end"])]

    def __str__(self):
        return f"{self.label} — {self.plan.code or self.plan.title[:40]}"

    @property
    def label(self) -> str:
        last = self.end
        if self.kind == PeriodKind.QUARTERLY:
            return gettext("Quý %(quarter)s/%(year)s") % {
                "quarter": QUARTER_NUMERALS[(last.month - 1) // 3 + 1],
                "year": last.year,
            }
        return gettext("Tháng %(month)02d/%(year)s") % {"month": last.month, "year": last.year}

    def contains(self, day) -> bool:
        return self.start <= day <= self.end

    def refuses_reports_from(self, user) -> bool:
        """A locked period takes reports from the secretariat only (DESIGN "Periods")."""
        return self.locked and not user.is_secretariat


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    # Sent by staff, waiting for the unit's head: not yet before the committee (not counted, not
    # reviewed), and no longer edited by staff until the head signs it off or sends it back.
    SIGNOFF = "signoff", _("Chờ thủ trưởng duyệt")
    SUBMITTED = "submitted", _("Đã gửi")


# A version not (yet) before the committee: at most one per assignment and period.
UNSENT_STATUSES = (ReportStatus.DRAFT, ReportStatus.SIGNOFF)


def signs_off_for(user, assignment) -> bool:
    """Whether `user` is the head of the unit leading `assignment`, who answers for its data
    ("Thủ trưởng duyệt"): an active head of that very unit who may report on it."""
    from units.permissions import can_report_on

    return bool(
        user is not None
        and user.is_authenticated
        and user.is_unit_head
        and user.unit_id == assignment.unit_id
        and can_report_on(user, assignment)
    )


def coordination_answer_days() -> int:
    return int(getattr(settings, "COORDINATION_ANSWER_DAYS", 5))


class ProgressReport(models.Model):
    """One version of a lead unit's report for one period. A submitted version is never changed:
    a correction is the next version."""

    assignment = models.ForeignKey("tasks.Assignment", on_delete=models.CASCADE, related_name="reports")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="reports")
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    status = models.CharField(_("tình trạng"), max_length=10, choices=ReportStatus.choices, default="draft")
    completion = models.DecimalField(_("tỷ lệ hoàn thành (%)"), max_digits=5, decimal_places=2)
    results = models.TextField(_("kết quả đạt được"), blank=True)
    difficulties = models.TextField(_("khó khăn, vướng mắc"), blank=True)
    proposals = models.TextField(_("đề xuất, kiến nghị"), blank=True)
    is_claim = models.BooleanField(_("đề nghị công nhận hoàn thành"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người lập")
    )
    created_at = models.DateTimeField(_("lập lúc"))
    updated_at = models.DateTimeField(_("cập nhật lúc"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người gửi"),
    )
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    # Who sent the version from the unit (staff, or the head sending their own), and, when the
    # unit's reports go through its head, who signed it off: the reviewer sees both.
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người lập"),
    )
    prepared_at = models.DateTimeField(_("lập xong lúc"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thủ trưởng duyệt"),
    )
    signed_off_at = models.DateTimeField(_("thủ trưởng duyệt lúc"), null=True, blank=True)
    # The head's note when sending the version back to staff (the last one; the audit keeps all).
    # A database default too: bulk writers (scale data, benchmarks) list the columns they fill.
    head_note = models.TextField(_("ý kiến của thủ trưởng"), blank=True, default="", db_default="")
    head_returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thủ trưởng trả lại"),
    )
    head_returned_at = models.DateTimeField(_("thủ trưởng trả lại lúc"), null=True, blank=True)

    class Meta:
        ordering = ["assignment", "period__start", "version"]
        verbose_name = _("báo cáo tiến độ")
        verbose_name_plural = _("báo cáo tiến độ")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "period", "version"], name="uniq_report_assignment_period_version"
            ),
            # At most one unsent version (a draft, or one waiting for the head) per assignment and
            # period: it is the next version.
            models.UniqueConstraint(
                fields=["assignment", "period"],
                condition=models.Q(status__in=["draft", "signoff"]),
                name="uniq_report_one_draft",
            ),
            models.CheckConstraint(
                condition=models.Q(completion__gte=0) & models.Q(completion__lte=100),
                name="report_completion_0_100",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "signoff"]) | models.Q(submitted_at__isnull=False),
                name="report_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="signoff") | models.Q(prepared_at__isnull=False),
                name="report_signoff_has_preparer",
            ),
        ]
        indexes = [models.Index(fields=["period", "status"])]

    def __str__(self):
        return f"{self.assignment} · {self.period.label} · v{self.version}"

    @property
    def is_submitted(self) -> bool:
        return self.status == ReportStatus.SUBMITTED

    @property
    def awaits_signoff(self) -> bool:
        return self.status == ReportStatus.SIGNOFF

    def goes_to_head(self, actor) -> bool:
        """Whether sending this version puts it before the unit's head first: the unit's reports
        need sign-off, and the sender is neither that head (their sending is their sign-off) nor
        the secretariat (reporting for a unit, e.g. in a locked period)."""
        unit = self.assignment.unit
        return bool(
            unit.head_signoff_required
            and not actor.is_secretariat
            and not signs_off_for(actor, self.assignment)
        )

    def may_be_signed_off_by(self, user) -> bool:
        return self.status == ReportStatus.SIGNOFF and signs_off_for(user, self.assignment)

    @property
    def coordination_deadline(self):
        """Last day the co-ordinating units may confirm or object to this completion claim: a set
        number of days after it reached the committee. None for a version that is not a sent claim."""
        if not (self.is_claim and self.submitted_at):
            return None
        return timezone.localdate(self.submitted_at) + datetime.timedelta(days=coordination_answer_days())

    def takes_coordination_answers(self, today) -> bool:
        """Within the days set; a claim is never held for the answers (silence holds nothing)."""
        deadline = self.coordination_deadline
        return deadline is not None and today <= deadline


class KpiValue(models.Model):
    """What the unit reports for one KPI target (or for a KPI that has no structured target)."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="kpi_values")
    kpi = models.ForeignKey(Kpi, on_delete=models.PROTECT, related_name="values")
    target = models.ForeignKey(
        KpiTarget, on_delete=models.PROTECT, null=True, blank=True, related_name="values"
    )
    actual = models.DecimalField(
        _("giá trị thực hiện"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    note = models.TextField(_("kết quả (mô tả)"), blank=True)

    class Meta:
        ordering = ["report", "kpi__order", "target__order"]
        verbose_name = _("giá trị KPI")
        verbose_name_plural = _("giá trị KPI")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "target"],
                condition=models.Q(target__isnull=False),
                name="uniq_value_target",
            ),
            models.UniqueConstraint(
                fields=["report", "kpi"], condition=models.Q(target__isnull=True), name="uniq_value_kpi"
            ),
        ]

    def __str__(self):
        return f"{self.kpi_id}/{self.target_id}: {self.actual}"

    @property
    def audit_entry(self) -> tuple[str, str]:
        """(name, value) the audit trail records this value under: "kpi:" and the KPI as written, with
        its target in signs (the same in every language); the figure, or what was written."""
        name = " ".join(self.kpi.text.split())[:80]
        target = self.target
        if target is None:
            return f"kpi:{name}", self.note
        sign = "≤" if target.direction == Direction.AT_MOST else "≥"
        percent = "%" if target.measure == Measure.PERCENT else ""
        value = "" if self.actual is None else _plain(self.actual)
        return f"kpi:{name} ({sign} {_plain(target.value)}{percent})", value

    @property
    def met(self) -> bool:
        return self.target is not None and target_met(self.target, self.actual)


def number_misfit(field: models.DecimalField, value) -> str | None:
    """Why a number typed by a user cannot be kept as typed in `field` (None when it can).

    Numbers are never rounded on the way in: 99,999 % kept as 100,00 would be a completion claim
    nobody made (and so none evidenced or reviewed), and a value wider than the column would fail
    the whole report. Either is refused with a message for the field it was typed in."""
    if value is None:
        return None
    value = Decimal(value)
    whole = field.max_digits - field.decimal_places
    if not value.is_finite() or value.adjusted() >= whole:
        largest = f"{Decimal(10) ** whole - Decimal(1).scaleb(-field.decimal_places):,}"
        return gettext("Giá trị quá lớn: tối đa %(max)s.") % {
            "max": largest.replace(",", " ").replace(".", ",").replace(" ", ".")
        }
    if value != value.quantize(Decimal(1).scaleb(-field.decimal_places)):
        return gettext(
            "Chỉ ghi tối đa %(places)s chữ số sau dấu phẩy (ví dụ 99,99); số không được làm tròn khi lưu."
        ) % {"places": field.decimal_places}
    return None


def target_met(target: KpiTarget, actual) -> bool:
    if actual is None:
        return False
    if target.direction == Direction.AT_MOST:
        return actual <= target.value
    return actual >= target.value


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa thực hiện")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    AWAITING_REVIEW = "awaiting_review", _("Chờ thẩm định")
    COMPLETED = "completed", _("Hoàn thành")
    RETURNED = "returned", _("Chờ hoàn thiện")


# Work settled for now: completed, or claimed complete (with evidence) and before the reviewer. Such
# an assignment owes no monthly report and is not lagging (kpis.flag_conditions: owing_report,
# lagging_condition; an official report's flags as of its cut-off, reports.assembly.snapshot).
SETTLED_STATUSES = (Status.COMPLETED, Status.AWAITING_REVIEW)


class AssignmentState(models.Model):
    """Current status of one lead assignment, kept by the report and review services so that lists,
    dashboards and roll-ups read one row instead of scanning every report. A lead assignment
    without a row is "not started"."""

    assignment = models.OneToOneField(
        "tasks.Assignment", on_delete=models.CASCADE, primary_key=True, related_name="state"
    )
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default="not_started")
    latest_report = models.ForeignKey(
        ProgressReport, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    latest_completion = models.DecimalField(
        _("tỷ lệ hoàn thành gần nhất"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    last_reported_at = models.DateTimeField(_("báo cáo gần nhất lúc"), null=True, blank=True)
    claim_report = models.ForeignKey(
        ProgressReport, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claimed_at = models.DateTimeField(_("đề nghị hoàn thành lúc"), null=True, blank=True)
    completed_at = models.DateTimeField(_("công nhận hoàn thành lúc"), null=True, blank=True)
    completed_on_time = models.BooleanField(_("hoàn thành đúng hạn"), null=True, blank=True)
    returned_at = models.DateTimeField(_("trả lại lúc"), null=True, blank=True)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("trạng thái phân công")
        verbose_name_plural = _("trạng thái phân công")
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return f"{self.assignment_id}: {self.status}"


class CoordinationVerdict(models.TextChoices):
    CONFIRMED = "confirmed", _("Xác nhận")
    OBJECTED = "objected", _("Phản đối")


class CoordinationAnswer(models.Model):
    """A co-ordinating unit's answer to a lead unit's completion claim on the sub-task it
    co-ordinates: it confirms, or objects with a reason. The reviewer reads the answers before
    deciding; the claim does not wait for them."""

    claim_report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, related_name="coordination_answers"
    )
    assignment = models.ForeignKey(
        "tasks.Assignment",
        on_delete=models.CASCADE,
        related_name="coordination_answers",
        verbose_name=_("phân công phối hợp"),
    )
    verdict = models.CharField(_("ý kiến"), max_length=10, choices=CoordinationVerdict.choices)
    reason = models.TextField(_("lý do"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("lúc"))

    class Meta:
        ordering = ["claim_report", "assignment__unit__name"]
        verbose_name = _("ý kiến xác nhận của đơn vị phối hợp")
        verbose_name_plural = _("ý kiến xác nhận của đơn vị phối hợp")
        constraints = [
            models.UniqueConstraint(fields=["claim_report", "assignment"], name="uniq_coordination_answer"),
            models.CheckConstraint(
                condition=models.Q(verdict="confirmed") | ~models.Q(reason=""),
                name="coordination_objection_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.assignment_id} → {self.claim_report_id}: {self.verdict}"


class Comment(models.Model):
    """A co-ordinating unit's remark on a sub-task it co-ordinates; the lead unit reads it beside its report."""

    subtask = models.ForeignKey("tasks.SubTask", on_delete=models.CASCADE, related_name="comments")
    assignment = models.ForeignKey(
        "tasks.Assignment", on_delete=models.CASCADE, related_name="comments", verbose_name=_("phân công")
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("ý kiến"))
    created_at = models.DateTimeField(_("lúc"))

    class Meta:
        ordering = ["subtask", "-created_at"]
        verbose_name = _("ý kiến phối hợp")
        verbose_name_plural = _("ý kiến phối hợp")
        indexes = [models.Index(fields=["subtask", "created_at"])]

    def __str__(self):
        return self.text[:60]


from .flags import RedFlag  # noqa: E402,F401
from .remediation import FlagAcknowledgement, FlagEscalation  # noqa: E402,F401
