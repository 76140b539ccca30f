from decimal import Decimal

import pytest
from django import forms

from budget.forms import parse_money
from budget.money import dong, money, money_pair, percent, share, vn_number


def test_it_writes_amounts_as_the_report_does():
    assert money(1_008_000_000_000) == "1.008 tỷ đồng"
    assert money(288_000_000_000) == "288 tỷ đồng"
    assert money(Decimal("34900000000")) == "34,9 tỷ đồng"
    assert money(328_400_000_000) == "328,4 tỷ đồng"
    assert money(450_000_000) == "450 triệu đồng"
    assert money(42_750_000_000, scale="trieu") == "42.750 triệu đồng"
    assert money(500_000) == "500.000 đồng"
    assert money(0) == "0 đồng"
    assert money_pair(34_900_000_000, 288_000_000_000) == "34,9/288 tỷ đồng"
    assert dong(1_008_000_000) == "1.008.000.000 đồng"


def test_it_rounds_half_up_and_drops_trailing_zeros():
    assert vn_number(Decimal("12.25"), 1) == "12,3"
    assert vn_number(Decimal("36.00"), 1) == "36"
    assert vn_number(Decimal("-1500"), 0) == "-1.500"


def test_shares_are_exact_decimals():
    assert share(363, 1008) == Decimal("36.01")
    assert percent(share(363, 1008)) == "36%"
    assert percent(share(Decimal("34.9"), 288)) == "12,1%"
    assert percent(share(Decimal("328.4"), 720)) == "45,6%"
    assert percent(Decimal("36.5")) == "36,5%"
    assert share(5, 0) is None
    assert percent(None) == "—"
    # No float anywhere: a third is exact to the cent of a percent.
    assert share(1, 3) == Decimal("33.33")


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1.008.000.000", Decimal(1_008_000_000)),
        ("1 008 000 000", Decimal(1_008_000_000)),
        ("1008000000", Decimal(1_008_000_000)),
        ("-500.000.000", Decimal(-500_000_000)),
        ("250.000.000 đồng", Decimal(250_000_000)),
    ],
)
def test_it_reads_amounts_as_people_type_them(typed, value):
    assert parse_money(typed) == value


@pytest.mark.parametrize("typed", ["1,5", "1.5", "12.34.567", "một tỷ", "1e9"])
def test_it_refuses_amounts_it_would_have_to_guess(typed):
    with pytest.raises(forms.ValidationError):
        parse_money(typed)
