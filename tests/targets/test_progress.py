"""The arithmetic of targets, without the database: exact decimals throughout."""

import datetime
from decimal import Decimal as D

import pytest

from targets.progress import Point, Reported, achieved, expected_at, series, share_value, trajectory

d = datetime.date


def test_a_share_is_computed_from_its_numerator_and_denominator():
    assert share_value(1290, 2060) == D("62.6214")
    assert share_value(D("1"), D("3")) == D("33.3333")
    assert share_value(4, 5) == D("80.0000")
    with pytest.raises(ValueError):
        share_value(1, 0)


def test_shares_of_several_units_add_up_as_sums_not_as_a_mean_of_percentages():
    rows = [
        Reported(1, d(2025, 9, 30), share_value(9, 10), D(9), D(10)),  # 90%
        Reported(2, d(2025, 9, 30), share_value(10, 100), D(10), D(100)),  # 10%
    ]
    got = achieved(rows, is_share=True, cumulative=True)
    assert (got.numerator, got.denominator) == (D(19), D(110))
    assert got.value == D("17.2727")  # not the mean, 50%


def test_cumulative_takes_each_units_latest_value():
    rows = [
        Reported(1, d(2025, 7, 31), D("40")),
        Reported(1, d(2025, 8, 31), D("55.5")),
        Reported(2, d(2025, 7, 31), D("10")),
    ]
    assert achieved(rows, is_share=False, cumulative=True).value == D("65.5")
    assert achieved(rows, is_share=False, cumulative=True, as_of=d(2025, 7, 31)).value == D("50")
    assert achieved(rows, is_share=False, cumulative=True, as_of=d(2025, 6, 30)) is None


def test_per_period_adds_the_periods_up():
    rows = [
        Reported(1, d(2025, 7, 31), D("1")),
        Reported(1, d(2025, 8, 31), D("1")),
        Reported(2, d(2025, 8, 31), D("0.5")),
    ]
    got = achieved(rows, is_share=False, cumulative=False)
    assert got.value == D("2.5") and got.as_of == d(2025, 8, 31)
    assert [a.value for a in series(rows, is_share=False, cumulative=False)] == [D("1"), D("2.5")]


def test_a_per_period_share_is_sum_of_numerators_over_sum_of_denominators():
    rows = [
        Reported(1, d(2025, 7, 31), share_value(70, 100), D(70), D(100)),
        Reported(1, d(2025, 8, 31), share_value(290, 300), D(290), D(300)),
    ]
    got = achieved(rows, is_share=True, cumulative=False)
    assert got.value == D("90.0000") and (got.numerator, got.denominator) == (D(360), D(400))


def test_the_line_runs_from_the_baseline_through_each_milestone():
    points = [Point(d(2025, 1, 1), D(0)), Point(d(2026, 1, 1), D(80)), Point(d(2030, 12, 31), D(100))]
    assert expected_at(points, d(2024, 6, 1)) == D(0)
    assert expected_at(points, d(2025, 1, 1)) == D(0)
    # 2025 has 365 days: half-way by 2 July.
    assert expected_at(points, d(2025, 7, 2)) == D(80) * D(182) / D(365)
    assert expected_at(points, d(2026, 1, 1)) == D(80)
    assert expected_at(points, d(2031, 1, 1)) == D(100)


def _trajectory(rows, today, direction="at_least", milestones=None):
    return trajectory(
        rows,
        is_share=False,
        cumulative=True,
        direction=direction,
        baseline=Point(d(2025, 1, 1), D(20)),
        milestones=milestones or [Point(d(2026, 1, 1), D(80)), Point(d(2030, 12, 31), D(100))],
        today=today,
    )


def test_a_target_behind_its_line_to_the_next_milestone_is_behind():
    # On 30/9/2025 the line from 20 (1/1/2025) to 80 (1/1/2026) stands at 20 + 60 × 272/365.
    expected = D(20) + D(60) * D(272) / D(365)
    state = _trajectory([Reported(1, d(2025, 9, 30), D("62"))], d(2025, 10, 15))
    assert state.expected == expected and state.behind
    assert not state.reached and state.goal.value == D(80)
    ahead = _trajectory([Reported(1, d(2025, 9, 30), D("65"))], d(2025, 10, 15))
    assert not ahead.behind


def test_milestones_reached_or_missed():
    rows = [Reported(1, d(2025, 12, 31), D("79.9999")), Reported(1, d(2026, 3, 31), D("85"))]
    state = _trajectory(rows, d(2026, 4, 15))
    first, second = state.milestones
    assert first.passed and not first.reached and first.missed  # 79,9999 by 1/1/2026
    assert not second.passed and not second.reached
    assert state.next_milestone is second and not state.reached
    # From the missed 80 to 100 by 2030 the line on 31/3/2026 is still about 80: 85 is ahead of it.
    assert not state.behind


def test_at_most_is_behind_above_its_line():
    ms = [Point(d(2026, 1, 1), D(5))]
    state = _trajectory([Reported(1, d(2025, 6, 30), D("17"))], d(2025, 7, 15), "at_most", ms)
    # 20 → 5 over 2025: about 12,6 on 30/6, 17 is above it.
    assert state.behind
    assert not _trajectory([Reported(1, d(2025, 6, 30), D("12"))], d(2025, 7, 15), "at_most", ms).behind


def test_exactly_is_reached_only_at_the_value():
    ms = [Point(d(2025, 12, 31), D(3))]
    rows = [Reported(1, d(2025, 11, 30), D("3"))]
    state = trajectory(
        rows,
        is_share=False,
        cumulative=False,
        direction="exactly",
        baseline=Point(d(2025, 1, 1), D(0)),
        milestones=ms,
        today=d(2025, 12, 15),
    )
    assert state.reached and not state.behind


def test_no_value_no_verdict():
    state = _trajectory([], d(2025, 10, 1))
    assert state.achieved is None and not state.behind and not state.reached
