"""A KPI target reads as people write it, wherever it is printed as text."""

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
