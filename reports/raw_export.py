"""The raw export: every report version sent for a period, one row each, as units wrote them.

For the secretariat's own checks (who wrote what, which version, when). The units' free text is
what a spreadsheet formula injection would come through, so every cell goes through
`nq57portal.xlsx_sheet` (text a spreadsheet would run is stored as quote-prefixed text, as
`reports.excel.write_formula_safe` does). Written as the sheet's XML a row at a time, like the
lists' downloads: a month of a plan is thousands of rows.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count
from django.utils import timezone, translation

from kpis.models import KpiValue, Period, PeriodKind, ProgressReport, ReportStatus
from nq57portal.xlsx_sheet import sheet_bytes

from .excel import Column

COLUMNS = (
    Column("Kỳ báo cáo", 14),
    Column("Mục", 10),
    Column("Mã", 8),
    Column("Tiểu nhiệm vụ", 50),
    Column("Đơn vị chủ trì", 28),
    Column("Giao qua nhóm", 20),
    Column("Phiên bản", 9),
    Column("Tình trạng", 11),
    Column("Hoàn thành (%)", 12),
    Column("Đề nghị hoàn thành", 12),
    Column("Gửi lúc", 17),
    Column("Người gửi", 22),
    Column("Kết quả đạt được", 60),
    Column("Khó khăn, vướng mắc", 50),
    Column("Đề xuất, kiến nghị", 50),
    Column("Giá trị KPI", 40),
    Column("Số minh chứng", 11),
)
CHUNK = 2000


def reports_of_period(period: Period):
    qs = ProgressReport.objects.filter(period__plan_id=period.plan_id, status=ReportStatus.SUBMITTED)
    if period.kind == PeriodKind.QUARTERLY:
        qs = qs.filter(period__start__gte=period.start, period__end__lte=period.end)
    else:
        qs = qs.filter(period=period)
    return qs


# A data file beside the official reports: its cells stay Vietnamese whatever the page's language.
@translation.override("vi")
def raw_reports_workbook(period: Period) -> bytes:
    return sheet_bytes(
        [col.title for col in COLUMNS],
        [col.width for col in COLUMNS],
        _rows(period),
        sheet="Báo cáo",
        autofilter=True,
    )


def _rows(period: Period):
    qs = (
        reports_of_period(period)
        .select_related(
            "period",
            "assignment__unit",
            "assignment__via_group",
            "assignment__subtask__general_task__section",
            "submitted_by",
        )
        .annotate(evidence_count=Count("evidence"))
        .order_by(
            "period__start",
            "assignment__subtask__general_task__section__order",
            "assignment__subtask__general_task__order",
            "assignment__subtask__order",
            "assignment__unit__name",
            "version",
        )
    )
    batch: list = []

    def flush():
        values = defaultdict(list)
        for report_id, kpi, actual, note in (
            KpiValue.objects.filter(report_id__in=[r.pk for r in batch])
            .order_by("report_id", "kpi__order", "target__order", "pk")
            .values_list("report_id", "kpi__text", "actual", "note")
        ):
            values[report_id].append(f"{kpi}: {actual if actual is not None else note}")
        for r in batch:
            sub = r.assignment.subtask
            yield (
                r.period.label,
                sub.general_task.section.code,
                sub.code,
                sub.title,
                r.assignment.unit.name,
                r.assignment.via_group.name if r.assignment.via_group else "",
                r.version,
                "Đã gửi",
                r.completion,
                "Có" if r.is_claim else "Không",
                timezone.localtime(r.submitted_at).replace(tzinfo=None) if r.submitted_at else None,
                str(r.submitted_by) if r.submitted_by else "",
                r.results,
                r.difficulties,
                r.proposals,
                "; ".join(values[r.pk]),
                r.evidence_count,
            )
        batch.clear()

    for report in qs.iterator(chunk_size=CHUNK):
        batch.append(report)
        if len(batch) >= CHUNK:
            yield from flush()
    yield from flush()
