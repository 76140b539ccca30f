"""A KPI target reads as people write it; a finished task is not counted late."""

from decimal import Decimal

import pytest

from kpis.models import Direction, KpiTarget, Measure


@pytest.mark.parametrize(
    ("value", "measure", "written"),
    [
        (Decimal("100.00"), Measure.PERCENT, "tối thiểu 100%"),
        (Decimal("12.50"), Measure.PERCENT, "tối thiểu 12.5%"),
        (Decimal("5"), Measure.COUNT, "tối thiểu 5"),
        (Decimal("0.00"), Measure.COUNT, "tối thiểu 0"),
    ],
)
def test_a_target_prints_without_trailing_zeros(value, measure, written):
    assert str(KpiTarget(direction=Direction.AT_LEAST, value=value, measure=measure)) == written


def test_a_completed_task_is_not_shown_as_days_late():
    from kpis.models import Status
    from kpis.selectors import TaskRow

    def row(status, days_left):
        return TaskRow(
            assignment=None, status=status, status_label="", completion=None, expected=None,
            days_left=days_left, overdue=False, lagging=False, period=None, reported=False,
            has_draft=False, report_due=False, comment_count=0,
        )  # fmt: skip

    assert row(Status.IN_PROGRESS, -358).days_late == 358
    assert row(Status.AWAITING_REVIEW, -3).days_late == 3
    assert row(Status.COMPLETED, -358).days_late == 0
    assert row(Status.IN_PROGRESS, 5).days_late == 0
