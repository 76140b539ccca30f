# Official reports and their archive: built by the reports issue.
from django.db import models

# Dashboard summary rows (issue 7) ---------------------------------------------------------------
# Joining ~60,000 lead assignments with their sub-tasks, states and flags, and ~1.4 million reports,
# on every page view is too slow at province scale (80–600 ms a query on PostgreSQL), so the
# dashboard reads these rows instead. They are rebuilt by reports.dashboard.summary.summary_refresh
# (a job after the red-flag sweep, and on demand); every one of them can be recomputed from the
# live tables at any time.


class DashboardAssignment(models.Model):
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
    # Only the unit is indexed (a unit's page reads its few hundred rows). The province pages
    # aggregate most of the rows whatever the filters, and a sequential scan of these narrow rows
    # takes a few milliseconds; fewer indexes keep the rebuild and the syncs cheap.
    plan = models.ForeignKey("tasks.Plan", on_delete=models.CASCADE, related_name="+", db_index=False)
    section = models.ForeignKey("tasks.Section", on_delete=models.CASCADE, related_name="+", db_index=False)
    general_task = models.ForeignKey(
        "tasks.GeneralTask", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    subtask = models.ForeignKey("tasks.SubTask", on_delete=models.CASCADE, related_name="+", db_index=False)
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    unit_kind = models.CharField(max_length=20)
    status = models.CharField(max_length=20)
    # Approved and claimed on or before the deadline (false for every other status).
    on_time = models.BooleanField(default=False)
    # The sub-task's deadline; none for an ongoing sub-task (never overdue).
    deadline = models.DateField(null=True, blank=True)
    # The local day the completion was approved (status "completed" only).
    completed_on = models.DateField(null=True, blank=True)
    flags_overdue = models.PositiveIntegerField(default=0)
    flags_lagging = models.PositiveIntegerField(default=0)
    flags_quality = models.PositiveIntegerField(default=0)
    flags_no_report = models.PositiveIntegerField(default=0)

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
