"""Units: the ranking, and the page's headline as its sum."""

from kpis.models import Status
from reports.models import CellLevel

from .counting import figures_by, missing_by_unit, rollup_counts
from .scope import FLAG_KINDS, RANKING_ROWS, STATUSES, SUBTASK_STATUSES, Scope


def _pct(part, whole):
    return round(100 * part / whole, 1) if whole else None


def _text(value) -> str:
    """A percentage as Vietnamese write it (25,9), "—" when there is none; for tables printed unlocalised."""
    return "—" if value is None else f"{value:.1f}".replace(".", ",")


def _bar(rate) -> int:
    """A CSS width class in steps of 5 % (the CSP forbids style attributes)."""
    return int((rate or 0) // 5 * 5)


def ranking(scope: Scope) -> list[dict]:
    """Every unit with lead assignments under the filters, its figures, and its rank (1 = best).

    Rank: completion (approved) rate, then on-time rate, then fewest overdue, then name (Vietnamese
    order). A group of units without members leads its tasks itself and is ranked like a unit.
    """
    # Grouped on ids only (no join while aggregating); the names come from the reference data.
    rows = figures_by(scope, CellLevel.SECTION_UNIT, ["unit_id"])
    names = scope.ref.units
    missing = missing_by_unit(scope)
    for row in rows:
        row["flags"] = sum(row[f"flags_{k}"] for k in FLAG_KINDS)
        row["missing"] = missing.get(row["unit_id"], 0)
        row["rate"] = _pct(row["completed"], row["assigned"])
        row["on_time_rate"] = _pct(row["completed_on_time"], row["completed"])
        row["rate_text"], row["on_time_text"] = _text(row["rate"]), _text(row["on_time_rate"])
        row["name"], row["short_name"], row["name_key"] = names.get(row["unit_id"], ("", "", ()))
        row["unit_id_s"] = str(row["unit_id"])
        row["bar"] = _bar(row["rate"])
    ordered = sorted(
        rows,
        key=lambda r: (
            -(r["rate"] or 0),
            -(r["on_time_rate"] or 0),
            r["overdue"],
            r["name_key"],
        ),
    )
    for position, row in enumerate(ordered, start=1):
        row["rank"] = position
    return ordered


def sort_ranking(rows: list[dict], scope: Scope) -> list[dict]:
    """Worst first by default (the highest rank number first); a column sorts worst first too."""
    key = scope.sort
    if key == "rank":
        result = sorted(rows, key=lambda r: r["rank"], reverse=not scope.desc)
    elif key == "name":
        result = sorted(rows, key=lambda r: r["name_key"], reverse=scope.desc)
    else:
        # For counts of trouble "worst" is most; for rates and achievements it is least.
        worst_is_high = key in ("overdue", "flags", "missing", "assigned")
        result = sorted(
            rows,
            key=lambda r: (r[key] if r[key] is not None else -1, -r["rank"]),
            reverse=worst_is_high != scope.desc,
        )
    return result


def ranking_window(rows: list[dict], scope: Scope, mine: dict | None) -> list[dict]:
    """The first RANKING_ROWS rows, or, on a unit's page, the rows around that unit's place."""
    if scope.all_units or len(rows) <= RANKING_ROWS:
        return rows
    if mine is not None:
        at = rows.index(mine)
        start = max(0, min(at - RANKING_ROWS // 2, len(rows) - RANKING_ROWS))
        return rows[start : start + RANKING_ROWS]
    return rows[:RANKING_ROWS]


def headline(rows: list[dict], scope: Scope) -> dict:
    """The page's figures, as the sum of the ranking's rows (the same numbers, counted once)."""
    keys = [
        "assigned",
        *STATUSES,
        "completed_on_time",
        "overdue",
        "missing",
        *(f"flags_{k}" for k in FLAG_KINDS),
    ]
    totals = {k: sum(r[k] for r in rows) for k in keys}
    totals["flags"] = sum(totals[f"flags_{k}"] for k in FLAG_KINDS)
    totals["rate"] = _pct(totals[Status.COMPLETED], totals["assigned"])
    totals["on_time_rate"] = _pct(totals["completed_on_time"], totals[Status.COMPLETED])
    return totals


def subtask_counts(scope: Scope) -> dict:
    """Sub-tasks by roll-up status over their lead assignments (of the chosen unit kind)."""
    found = rollup_counts(scope)
    counts = {status: found.get(status, 0) for status in SUBTASK_STATUSES}
    counts["total"] = sum(counts.values())
    return counts
