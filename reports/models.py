# Official reports and their archive: built by the reports issue.
from django.db import models

from kpis.flags import task_kinds

# Dashboard summary rows (issue 7) ---------------------------------------------------------------
# Joining ~60,000 lead assignments with their sub-tasks, states and flags, and ~1.4 million reports,
# on every page view is too slow at province scale (80–600 ms a query on PostgreSQL), so the
# dashboard reads these rows instead. They are rebuilt by reports.dashboard.summary.summary_refresh
# (a job after the red-flag sweep, and on demand); every one of them can be recomputed from the
# live tables at any time.


class FlagCounts(models.Model):
    """Open red flags by kind: a column flags_<kind> per kind of kpis.flags.RULES about an assignment
    (kpis.flags.task_kinds; a target's flags are not on an assignment's row)."""

    class Meta:
        abstract = True


for _kind in task_kinds():
    FlagCounts.add_to_class(f"flags_{_kind}", models.PositiveIntegerField(default=0))


class DashboardAssignment(FlagCounts):
    """One lead assignment of a plan in force, flattened for counting: where it sits, whose it is,
    its status, its deadline and its open flags.

    The dashboards aggregate these rows on every view (a few tens of thousands at province scale),
    so their figures are as current as the rows. The report and review services bring the rows of
    the assignments they change up to date in their own transaction (reports.dashboard.rows);
    the full rebuild (summary_refresh) rewrites them all after the red-flag sweep and every
    DASHBOARD_REFRESH_MINUTES, which also takes in new plans, moved sub-tasks and changed deadlines.
    "Overdue" is not stored: it depends on the day, so it is counted from `deadline` when read.
    """

    assignment = models.OneToOneField(
        "tasks.Assignment", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # Indexed by what reads and syncs narrow on: the unit (its dashboard; the section × unit and
    # general task × unit cells), the general task (its × kind cells) and the sub-task (its roll-ups).
    plan = models.ForeignKey("tasks.Plan", on_delete=models.CASCADE, related_name="+", db_index=False)
    section = models.ForeignKey("tasks.Section", on_delete=models.CASCADE, related_name="+", db_index=False)
    general_task = models.ForeignKey("tasks.GeneralTask", on_delete=models.CASCADE, related_name="+")
    subtask = models.ForeignKey("tasks.SubTask", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    unit_kind = models.CharField(max_length=20)
    status = models.CharField(max_length=20)
    # Approved and claimed on or before the deadline (false for every other status).
    on_time = models.BooleanField(default=False)
    # The sub-task's deadline; none for an ongoing sub-task (never overdue).
    deadline = models.DateField(null=True, blank=True)
    # Where its expected progress starts: the sub-task's start, else the plan's start or issue date.
    start = models.DateField(null=True, blank=True)
    # The local day the completion was approved (status "completed" only).
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [
            # The progress curve counts approvals by month: only approved rows with a deadline.
            models.Index(
                fields=["completed_on", "plan", "section", "unit_kind", "unit"],
                name="dashassign_approved",
                condition=models.Q(status="completed", deadline__isnull=False, completed_on__isnull=False),
            )
        ]

    def __str__(self):
        return f"assignment {self.assignment_id}: {self.status}"


class CellLevel(models.TextChoices):
    GENERAL_TASK_UNIT = "gu", "general task × unit"
    SECTION_UNIT = "su", "section × unit"
    GENERAL_TASK_KIND = "gk", "general task × unit kind"


class DashboardCell(FlagCounts):
    """Lead assignments counted by status, with their open flags, at one of three grains:

    - "gu": one unit in one general task (the unit dashboard reads its own rows by unit);
    - "su": one unit in one section (the ranking and the headline: a few thousand rows);
    - "gk": one unit kind in one general task (the bars by section and general task).
    Sums of DashboardAssignment rows (reports.dashboard.cells), rewritten with them: all by the
    rebuild, the few an assignment belongs to when a service syncs it. `overdue` is counted as of
    the day the cell was written (the rebuild after midnight moves it on).
    """

    level = models.CharField(max_length=2, choices=CellLevel.choices, default=CellLevel.GENERAL_TASK_UNIT)
    plan = models.ForeignKey("tasks.Plan", on_delete=models.CASCADE, related_name="+")
    section = models.ForeignKey("tasks.Section", on_delete=models.CASCADE, related_name="+")
    general_task = models.ForeignKey(
        "tasks.GeneralTask", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    unit_kind = models.CharField(max_length=20)
    assigned = models.PositiveIntegerField(default=0)
    not_started = models.PositiveIntegerField(default=0)
    in_progress = models.PositiveIntegerField(default=0)
    awaiting_review = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)
    completed_on_time = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["level", "plan", "section"], name="dashcell_level_plan"),
            models.Index(fields=["level", "unit"], name="dashcell_level_unit"),
        ]

    def __str__(self):
        return f"cell {self.level} {self.general_task_id or self.section_id}/{self.unit_id or self.unit_kind}"


class DashboardSubtask(models.Model):
    """A sub-task's roll-up status over its lead assignments of one unit kind ("" = every kind)."""

    plan = models.ForeignKey("tasks.Plan", on_delete=models.CASCADE, related_name="+")
    section = models.ForeignKey("tasks.Section", on_delete=models.CASCADE, related_name="+")
    subtask = models.ForeignKey("tasks.SubTask", on_delete=models.CASCADE, related_name="+", db_index=False)
    unit_kind = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=20)

    class Meta:
        indexes = [
            models.Index(fields=["unit_kind", "plan", "section"], name="dashsubtask_kind_plan"),
            models.Index(fields=["subtask"], name="dashsubtask_subtask"),
        ]

    def __str__(self):
        return f"subtask {self.subtask_id}/{self.unit_kind or '*'}: {self.status}"


class DashboardMonth(models.Model):
    """The expected progress at a month's end, per section and unit kind (it depends on dates only).

    Only sub-tasks with a deadline: expected progress is undefined for ongoing ones.
    `expected` is the sum over the assignments of their expected fraction (0–1) at the month's end;
    the approved completions beside it are counted from DashboardAssignment when read.
    """

    plan = models.ForeignKey("tasks.Plan", on_delete=models.CASCADE, related_name="+")
    section = models.ForeignKey("tasks.Section", on_delete=models.CASCADE, related_name="+")
    unit_kind = models.CharField(max_length=20)
    month = models.DateField()
    assigned = models.PositiveIntegerField(default=0)
    expected = models.FloatField(default=0)

    class Meta:
        indexes = [models.Index(fields=["plan", "section"])]

    def __str__(self):
        return f"month {self.month:%m/%Y} {self.section_id}/{self.unit_kind}"


class DashboardMissing(models.Model):
    """Lead assignments of one unit in one section that owed a report for a month and sent none."""

    plan = models.ForeignKey("tasks.Plan", on_delete=models.CASCADE, related_name="+")
    section = models.ForeignKey("tasks.Section", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    unit_kind = models.CharField(max_length=20)
    month = models.DateField()
    missing = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["month", "plan", "section"])]

    def __str__(self):
        return f"missing {self.month:%m/%Y} {self.unit_id}: {self.missing}"


class DashboardSnapshot(models.Model):
    """When the summary rows were last rebuilt, and what the build saw."""

    computed_at = models.DateTimeField()
    today = models.DateField()
    seconds = models.FloatField(default=0)
    # Newest change in the live tables the build counted: a newer one means the rows are stale.
    watermark = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-computed_at"]

    def __str__(self):
        return f"snapshot {self.computed_at:%d/%m/%Y %H:%M}"


from .archive import GeneratedReport  # noqa: E402,F401  (issue 8: the report archive)
from .letters import ReminderLetter  # noqa: E402,F401  (reminder letters about escalated flags)
from .signed import SignedReport  # noqa: E402,F401  (issue 23: the signed copy)
