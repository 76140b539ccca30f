from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from units.naming import search_key


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    IN_FORCE = "in_force", _("Đang thực hiện")
    CLOSED = "closed", _("Đã kết thúc")


class Plan(models.Model):
    code = models.CharField(_("số, ký hiệu"), max_length=100, blank=True)
    title = models.TextField(_("tên kế hoạch"))
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    issue_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    start_date = models.DateField(_("ngày bắt đầu"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    replaces = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("thay thế kế hoạch"),
    )
    source_name = models.CharField(_("tệp nguồn"), max_length=255, blank=True)
    # Shown on the plan page: e.g. that the demo plan's dates were moved from its appendix's.
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-issue_date", "-created_at"]
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")

    def __str__(self):
        return f"{self.code} — {self.title}" if self.code else self.title

    @property
    def effective_start(self):
        return self.start_date or self.issue_date

    # --- who sees a draft: the one home of that rule -------------------------------------------

    @staticmethod
    def drafts_visible_to(user) -> bool:
        """A draft is the secretariat's working copy (an import not yet checked, its dates not set,
        its targets not confirmed): only the secretariat sees it. Units, reviewers and leadership
        see a plan from the day it is put in force (and after it closes); until then its page,
        sub-tasks, assignments and export answer 404, as if it did not exist."""
        return bool(getattr(user, "is_secretariat", False))

    @classmethod
    def visible_to(cls, user, *, via: str = "") -> Q:
        """A filter keeping the plans the user may see, or the rows under them (`via="plan__"`,
        `via="subtask__plan__"`)."""
        if cls.drafts_visible_to(user):
            return Q()
        return ~Q(**{f"{via}status": PlanStatus.DRAFT})

    def is_visible_to(self, user) -> bool:
        return self.status != PlanStatus.DRAFT or self.drafts_visible_to(user)


class Section(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    code = models.CharField(_("mã"), max_length=20)
    title = models.TextField(_("tên mục"))
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("mục")
        verbose_name_plural = _("mục")
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="uniq_section_code")]

    def __str__(self):
        return f"{self.code}. {self.title}"


class GeneralTask(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="general_tasks")
    code = models.CharField(_("mã"), max_length=20)
    title = models.TextField(_("nhiệm vụ tổng quát"))
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["section", "order"]
        verbose_name = _("nhiệm vụ tổng quát")
        verbose_name_plural = _("nhiệm vụ tổng quát")
        constraints = [models.UniqueConstraint(fields=["section", "code"], name="uniq_general_task_code")]

    def __str__(self):
        return f"{self.code}. {self.title}"


class SubTask(models.Model):
    general_task = models.ForeignKey(GeneralTask, on_delete=models.CASCADE, related_name="subtasks")
    # Denormalised for the queries that matter at scale (per plan lists, dashboards, sweeps).
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="subtasks")
    code = models.CharField(_("mã"), max_length=20)
    title = models.TextField(_("tiểu nhiệm vụ"))
    output = models.TextField(_("sản phẩm đầu ra bắt buộc"), blank=True)
    start_date = models.DateField(_("ngày bắt đầu"), null=True, blank=True)
    deadline = models.DateField(_("thời hạn hoàn thành"), null=True, blank=True)
    deadline_text = models.CharField(_("thời hạn (nguyên văn)"), max_length=500, blank=True)
    # The deadline of an approved change for the whole sub-task (DeadlineChange), kept by
    # tasks.deadlines; `deadline` stays the appendix's. Read through effective_deadline().
    changed_deadline = models.DateField(_("thời hạn sau điều chỉnh"), null=True, blank=True)
    ongoing = models.BooleanField(_("thường xuyên"), default=False)
    # Unit names exactly as written in the appendix, in order; assignments hold the resolved units.
    lead_names = models.JSONField(_("đơn vị chủ trì (nguyên văn)"), default=list, blank=True)
    co_names = models.JSONField(_("đơn vị phối hợp (nguyên văn)"), default=list, blank=True)
    order = models.PositiveIntegerField(default=0)
    search_text = models.TextField(editable=False, blank=True)
    # Set when a re-import no longer has the sub-task: closed, never deleted (its reports stay);
    # `closed_by` is the amendment that removed it (none for a draft corrected before it was in force).
    closed_at = models.DateTimeField(_("bãi bỏ lúc"), null=True, blank=True)
    closed_by = models.ForeignKey(
        "Amendment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["general_task__section__order", "general_task__order", "order"]
        verbose_name = _("tiểu nhiệm vụ")
        verbose_name_plural = _("tiểu nhiệm vụ")
        constraints = [
            models.UniqueConstraint(fields=["general_task", "code"], name="uniq_subtask_code"),
            models.CheckConstraint(
                condition=Q(deadline__isnull=True)
                | Q(start_date__isnull=True)
                | Q(deadline__gte=F("start_date")),
                name="subtask_deadline_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(ongoing=False) | Q(deadline__isnull=True), name="subtask_ongoing_has_no_deadline"
            ),
        ]
        indexes = [models.Index(fields=["plan", "deadline"])]

    def __str__(self):
        return f"{self.code}. {self.title}"

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        super().save(*args, **kwargs)

    def build_search_text(self) -> str:
        parts = [self.code, self.title, self.output, *self.lead_names, *self.co_names]
        return search_key(" ".join(p for p in parts if p))


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Chủ trì")
    CO = "co", _("Phối hợp")


def assignment_start():
    """S of DESIGN's expected progress, over Assignment: the sub-task's start, else the plan's start,
    else its issue date (as Plan.effective_start)."""
    return Coalesce("subtask__start_date", "subtask__plan__start_date", "subtask__plan__issue_date")


def effective_deadline(via: str = ""):
    """D of DESIGN's rules over Assignment (or rows under one, `via="assignment__"`): the deadline
    every rule reads — overdue, lagging, expected progress, My tasks, dashboards, reports. The latest
    approved deadline change wins (for this unit, or for the whole sub-task), else the appendix's.
    tasks.deadlines keeps the two `changed_deadline` columns so that this stays one set-based
    expression; Assignment.effective_deadline says the same of one loaded assignment."""
    return Coalesce(
        f"{via}changed_deadline",
        f"{via}subtask__changed_deadline",
        f"{via}subtask__deadline",
        output_field=models.DateField(),
    )


class AssignmentQuerySet(models.QuerySet):
    def in_force(self):
        """Of plans in force: a draft (being checked) or closed plan is no work to report on or flag."""
        return self.filter(subtask__plan__status=PlanStatus.IN_FORCE)

    def leads(self):
        return self.filter(role=AssignmentRole.LEAD)

    def leads_in_force(self):
        """The assignments the rules count: the sweep, My tasks, the dashboards, reminders."""
        return self.leads().in_force()


def readable_by(user, *, via: str = "") -> Q:
    """Who may read an assignment (its reports, evidence and flags), as a filter over Assignment or
    over rows under one (`via="assignment__"`): the roles that read everything, in plans they may
    see; unit staff and heads, their unit's assignments and those of the sub-tasks their unit
    co-ordinates. units.permissions.can_read_assignment says the same of one assignment."""
    nothing = Q(pk__in=[])
    if not (user is not None and user.is_authenticated and user.is_active):
        return nothing
    plans = Plan.visible_to(user, via=f"{via}subtask__plan__")
    if user.reads_everything:
        return plans
    if not user.is_unit_member:
        return nothing
    coordinated = Assignment.objects.filter(unit_id=user.unit_id, role=AssignmentRole.CO).values("subtask_id")
    return plans & (Q(**{f"{via}unit_id": user.unit_id}) | Q(**{f"{via}subtask_id__in": coordinated}))


class OpenAssignmentManager(models.Manager.from_queryset(AssignmentQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(closed_at__isnull=True)


class Assignment(models.Model):
    subtask = models.ForeignKey(SubTask, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(_("vai trò"), max_length=10, choices=AssignmentRole.choices)
    # Set when the assignment came from a group ("Sở ngành"): the group's view rolls its members up.
    via_group = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="group_assignments",
        verbose_name=_("giao qua nhóm"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True)
    # An approved change for this unit only, later than any for the whole sub-task (tasks.deadlines).
    changed_deadline = models.DateField(_("thời hạn sau điều chỉnh"), null=True, blank=True)

    # Assignments still in force. A re-import that drops a unit (or a sub-task) closes its
    # assignments instead of deleting them, so their reports and history stay; work lists, sweeps,
    # reminders and dashboards only see the open ones (`objects`); the import sees all.
    all_objects = models.Manager()
    objects = OpenAssignmentManager()

    class Meta:
        default_manager_name = "objects"
        base_manager_name = "all_objects"
        ordering = ["subtask", "role", "unit__name"]
        verbose_name = _("phân công")
        verbose_name_plural = _("phân công")
        constraints = [models.UniqueConstraint(fields=["subtask", "unit"], name="uniq_assignment_unit")]
        indexes = [models.Index(fields=["unit", "role"]), models.Index(fields=["via_group", "role"])]

    def __str__(self):
        return f"{self.subtask.code} — {self.unit} ({self.get_role_display()})"

    @property
    def effective_deadline(self):
        """As effective_deadline(), for one assignment already loaded with its sub-task."""
        return self.changed_deadline or self.subtask.changed_deadline or self.subtask.deadline


class DeadlineChangeStatus(models.TextChoices):
    PENDING = "pending", _("Chờ quyết định")
    APPROVED = "approved", _("Đã chấp thuận")
    REFUSED = "refused", _("Không chấp thuận")


class DeadlineChange(models.Model):
    """A lead unit's request for a new deadline and its decision (issue 21). Never deleted: the
    requests are the sub-task's history, and what a report of a past cut-off reads."""

    subtask = models.ForeignKey(SubTask, on_delete=models.CASCADE, related_name="deadline_changes")
    # The requesting unit's lead assignment; with `whole_subtask` the change is for every lead unit.
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="deadline_changes")
    whole_subtask = models.BooleanField(_("áp dụng cho cả tiểu nhiệm vụ"), default=False)
    deadline_before = models.DateField(_("thời hạn trước khi điều chỉnh"), null=True, blank=True)
    new_deadline = models.DateField(_("thời hạn đề nghị"))
    reason = models.TextField(_("lý do"))
    document_number = models.CharField(_("số văn bản"), max_length=100, blank=True)
    document_date = models.DateField(_("ngày văn bản"), null=True, blank=True)
    # The document itself, checked as evidence is and kept in the private storage.
    stored_name = models.CharField(max_length=255, blank=True)
    original_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=20, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người đề nghị")
    )
    requested_at = models.DateTimeField(_("đề nghị lúc"))
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=DeadlineChangeStatus.choices,
        default=DeadlineChangeStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người quyết định"),
    )
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)
    decision_note = models.TextField(_("ý kiến"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("điều chỉnh thời hạn")
        verbose_name_plural = _("điều chỉnh thời hạn")
        constraints = [
            # One request waits at a time per unit's assignment: a second is a change of the first.
            models.UniqueConstraint(
                fields=["assignment"], condition=Q(status="pending"), name="uniq_pending_deadline_change"
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="deadline_change_decided_when_not_pending",
            ),
        ]
        indexes = [models.Index(fields=["subtask", "status", "decided_at"])]

    def __str__(self):
        return f"{self.subtask.code}: {self.deadline_before:%d/%m/%Y} → {self.new_deadline:%d/%m/%Y}"

    @property
    def is_pending(self) -> bool:
        return self.status == DeadlineChangeStatus.PENDING

    @property
    def is_image(self) -> bool:
        from evidence.validation.kinds import IMAGE_KINDS

        return self.kind in IMAGE_KINDS


# --- amendments: versions of a plan ------------------------------------------------------------


class Amendment(models.Model):
    """A document amending a plan ("sửa đổi, bổ sung"), recorded when its amended appendix is
    re-imported into a plan in force: its number and date, what it changed, and when it was
    recorded. The current-state tables (SubTask, Assignment) always hold the plan as amended; what
    each row read before is kept in SubTaskVersion and AssignmentVersion.

    The plan "as it stood" at an instant is read along the time the amendment was *recorded*, not
    the date of its document: a report for a past cut-off, regenerated after any later amendment,
    must state exactly what it stated (a back-dated document cannot rewrite what was reported)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="amendments")
    sequence = models.PositiveIntegerField(_("lần sửa đổi"))
    number = models.CharField(_("số văn bản"), max_length=100)
    date = models.DateField(_("ngày văn bản"))
    source_name = models.CharField(_("tệp nguồn"), max_length=255, blank=True)
    recorded_at = models.DateTimeField(_("ghi nhận lúc"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Counts (PlanDiff.summary) and, per item, the fields before and after as the preview read them.
    summary = models.JSONField(default=dict, blank=True)
    changes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["plan", "sequence"]
        verbose_name = _("văn bản sửa đổi, bổ sung")
        verbose_name_plural = _("văn bản sửa đổi, bổ sung")
        constraints = [models.UniqueConstraint(fields=["plan", "sequence"], name="uniq_amendment_sequence")]

    def __str__(self):
        return f"{self.number} ({self.date:%d/%m/%Y})"

    @property
    def subtask_counts(self) -> dict[str, int]:
        """Sub-tasks added, changed and removed ("create", "change", "retire")."""
        counts = dict.fromkeys(("create", "change", "retire"), 0)
        for item in self.changes:
            if item.get("kind") == "subtask":
                counts[item["action"]] = counts.get(item["action"], 0) + 1
        return counts

    @staticmethod
    def required_for(plan: Plan) -> bool:
        """A plan in force (or closed) is changed only by an amendment; a draft is corrected in place:
        nobody has seen or reported on it."""
        return plan.pk is not None and plan.status != PlanStatus.DRAFT


class SubTaskVersion(models.Model):
    """How a sub-task read until an amendment changed it (`valid_to` is the amendment's recorded_at).

    The sub-task at an instant t is the first of its versions with valid_to > t, or the row itself
    when none is: only what an amendment changed is written. `existed=False`: the amendment added
    it. `facts` holds what the reports read: title, output, KPI texts, deadline, units as written,
    order, and its general task and section (code, title, order)."""

    subtask = models.ForeignKey(SubTask, on_delete=models.CASCADE, related_name="versions")
    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="subtask_versions")
    valid_to = models.DateTimeField()
    existed = models.BooleanField(default=True)
    facts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["subtask", "valid_to"]
        constraints = [models.UniqueConstraint(fields=["subtask", "amendment"], name="uniq_subtask_version")]
        indexes = [models.Index(fields=["subtask", "valid_to"])]

    def __str__(self):
        return f"subtask {self.subtask_id} until {self.valid_to:%d/%m/%Y %H:%M}"


class AssignmentVersion(models.Model):
    """An assignment's role, group and whether it was open, until an amendment changed them
    (read like SubTaskVersion). An assignment the amendment created is written closed before it."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="versions")
    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="assignment_versions")
    valid_to = models.DateTimeField()
    open = models.BooleanField(default=True)
    role = models.CharField(max_length=10, choices=AssignmentRole.choices, blank=True)
    via_group = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["assignment", "valid_to"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "amendment"], name="uniq_assignment_version")
        ]
        indexes = [models.Index(fields=["assignment", "valid_to"])]

    def __str__(self):
        return f"assignment {self.assignment_id} until {self.valid_to:%d/%m/%Y %H:%M}"
