"""Import of an appendix workbook: read (workbook), compare and write (sync)."""

from .data import ImportFileError, PlanData, Problem
from .sync import PlanDiff, resolve_units
from .workbook import read_plan_workbook

__all__ = [
    "ImportFileError",
    "PlanData",
    "PlanDiff",
    "Problem",
    "read_plan_workbook",
    "resolve_units",
    "read_and_resolve",
]


def read_and_resolve(source, registry=None) -> PlanData:
    """Read a workbook and resolve its unit names against the registry (loaded when not given)."""
    from units.registry import UnitRegistry

    plan_data = read_plan_workbook(source)
    resolve_units(plan_data, registry or UnitRegistry.load())
    return plan_data
