"""Building and wiping the whole data set."""

import dataclasses
import datetime

from django.db import connection, transaction
from django.utils import timezone

from tasks.models import Plan

from .builder import Builder
from .vocabulary import DEFAULT_PASSWORD, PROFILES, PROVINCES, SOURCE_NAME, STATE_GROUPS, Place
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
          password: str = DEFAULT_PASSWORD, log=print, months: int | None = None) -> Counts:  # fmt: skip
    """Build the profile's data set; `months` overrides how many months of reports it holds."""
    from kpis.sweep import sweep

    today = today or timezone.localdate()
    shape = PROFILES[profile]
    if months:
        shape = dataclasses.replace(shape, months=months)
    if shape.provinces:
        counts, now = _build_national(profile, shape, seed, today, password, log)
    else:
        builder = Builder(profile=profile, seed=seed, today=today, password=password, log=log, shape=shape)
        with transaction.atomic():
            _run_steps(builder, log)
        counts, now = builder.counts, builder.now
    started = timezone.now()
    counts.flags = {str(k): v for k, v in sweep(now=now).raised.items()}
    log(f"  cảnh báo đỏ: {(timezone.now() - started).total_seconds():.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return counts


def _run_steps(builder: Builder, log) -> None:
    steps = [
        ("đơn vị", builder.units),
        ("người dùng", builder.users),
        ("kế hoạch", builder.plans),
        ("phân công", builder.assignments),
        ("kỳ báo cáo", builder.periods),
        ("báo cáo", builder.reports),
        ("trạng thái, minh chứng, thẩm định", builder.write_rest),
    ]
    for label, step in steps:
        started = timezone.now()
        step()
        log(f"  {label}: {(timezone.now() - started).total_seconds():.1f} s")


def _build_national(profile, shape, seed, today, password, log):
    """One part per province (its own units, groups and plans, the province's shape), then the
    ministries' part: their plans led by the ministries, the provinces' People's Committees and the
    state groups. Each part is its own transaction and its own seeded generator, so memory stays one
    province's and a long build keeps what it finished."""
    province = dataclasses.replace(shape, provinces=0, ministries=0, ministry_plans=0)
    parts = [(Place(name, city), province) for name, city in PROVINCES[: shape.provinces]]
    if shape.ministry_plans:
        ministries = dataclasses.replace(
            province,
            bodies=shape.ministries,
            communes=shape.provinces,
            enterprises=len(STATE_GROUPS),
            plans=shape.ministry_plans,
            commune_group_share=0.5,
            bodies_group_share=0.2,
        )
        parts.append((Place(national=True), ministries))
    counts = Counts()
    for index, (place, part) in enumerate(parts):
        builder = Builder(profile=profile, seed=f"{seed}:{index}", today=today, password=password, log=log,
                          shape=part, place=place)  # fmt: skip
        log(f"[{index + 1}/{len(parts)}] {place.label}")
        with transaction.atomic():
            _run_steps(builder, log)
        counts.add(builder.counts)
        log(f"  → {builder.counts.lead_assignments} phân công chủ trì, {builder.counts.reports} báo cáo "
            f"(cộng dồn {counts.lead_assignments}, {counts.reports})")  # fmt: skip
    return counts, builder.now
