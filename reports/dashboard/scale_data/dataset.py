"""Building and wiping the whole data set."""

import datetime

from django.db import connection, transaction
from django.utils import timezone

from tasks.models import Plan

from .builder import Builder
from .vocabulary import DEFAULT_PASSWORD, SOURCE_NAME
from .writing import Counts


def wipe_scale_data():
    """Remove every plan and what hangs off it; refuses when a plan was not made by this module."""
    foreign = Plan.objects.exclude(source_name__startswith=SOURCE_NAME)
    if foreign.exists():
        raise ValueError("database holds plans not made by generate_scale_data")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Rows written earlier in the same transaction leave deferred foreign-key checks pending,
            # which TRUNCATE refuses: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "TRUNCATE kpis_redflag, kpis_kpivalue, evidence_evidence, kpis_progressreport, kpis_assignmentstate, "
                "kpis_comment, kpis_period, tasks_assignment, tasks_subtask, tasks_generaltask, tasks_section, "
                "tasks_plan CASCADE"
            )
        return
    from django.apps import apps

    # Children first, without Django's collector (it would load every row).
    for label in ("evidence.Review", "evidence.Evidence", "kpis.RedFlag", "kpis.KpiValue", "kpis.AssignmentState",
                  "kpis.ProgressReport", "kpis.Comment", "kpis.Period"):  # fmt: skip
        model = apps.get_model(label)
        model.objects.all()._raw_delete(connection.alias)
    Plan.objects.all().delete()


def build(*, profile: str = "province", seed: int = 57, today: datetime.date | None = None,
          password: str = DEFAULT_PASSWORD, log=print) -> Counts:  # fmt: skip
    from kpis.sweep import sweep

    today = today or timezone.localdate()
    builder = Builder(profile=profile, seed=seed, today=today, password=password, log=log)
    steps = [
        ("đơn vị", builder.units),
        ("người dùng", builder.users),
        ("kế hoạch", builder.plans),
        ("phân công", builder.assignments),
        ("kỳ báo cáo", builder.periods),
        ("báo cáo", builder.reports),
        ("trạng thái, minh chứng, thẩm định", builder.write_rest),
    ]
    with transaction.atomic():
        for label, step in steps:
            started = timezone.now()
            step()
            log(f"  {label}: {(timezone.now() - started).total_seconds():.1f} s")
    started = timezone.now()
    builder.counts.flags = {str(k): v for k, v in sweep(now=builder.now).raised.items()}
    log(f"  cảnh báo đỏ: {(timezone.now() - started).total_seconds():.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return builder.counts
