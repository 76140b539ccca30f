"""What a workbook says, before anything is written: the plan tree and the problems found."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _


class ImportFileError(Exception):
    """The file cannot be read as an appendix at all; the message is for the user (Vietnamese)."""


@dataclass
class Problem:
    message: str
    row: int | None = None
    level: str = "error"  # "error" blocks applying; "warning" is shown and applied anyway
    code: str = ""  # what kind of problem, for code that redoes one step ("unknown_unit")

    @property
    def is_error(self) -> bool:
        return self.level == "error"

    def __str__(self):
        return (
            _("Dòng %(row)s: %(message)s") % {"row": self.row, "message": self.message}
            if self.row
            else self.message
        )


@dataclass
class TargetProposal:
    value: Decimal
    measure: str  # kpis.models.Measure
    direction: str  # kpis.models.Direction
    label: str = ""


@dataclass
class UnitRef:
    name: str  # as written
    unit_id: int | None = None


@dataclass
class SubTaskData:
    code: str
    title: str
    row: int
    output: str = ""
    kpi: str = ""
    targets: list[TargetProposal] = field(default_factory=list)
    lead_text: str = ""
    co_text: str = ""
    lead: list[UnitRef] = field(default_factory=list)
    co: list[UnitRef] = field(default_factory=list)
    deadline: datetime.date | None = None
    deadline_text: str = ""
    ongoing: bool = False

    @property
    def lead_names(self) -> list[str]:
        return [ref.name for ref in self.lead]

    @property
    def co_names(self) -> list[str]:
        return [ref.name for ref in self.co]


@dataclass
class GeneralTaskData:
    code: str
    title: str
    row: int
    subtasks: list[SubTaskData] = field(default_factory=list)


@dataclass
class SectionData:
    code: str
    title: str
    row: int
    tasks: list[GeneralTaskData] = field(default_factory=list)


@dataclass
class PlanData:
    title: str = ""
    sheet_name: str = ""
    header_row: int = 0
    columns: list[tuple[str, str, str]] = field(default_factory=list)  # (letter, title, how it is read)
    sections: list[SectionData] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def error(self, message: str, row: int | None = None) -> None:
        self.problems.append(Problem(message, row, "error"))

    def warn(self, message: str, row: int | None = None) -> None:
        self.problems.append(Problem(message, row, "warning"))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def general_tasks(self) -> list[GeneralTaskData]:
        return [task for section in self.sections for task in section.tasks]

    @property
    def subtasks(self) -> list[SubTaskData]:
        return [sub for task in self.general_tasks for sub in task.subtasks]

    @property
    def unresolved_names(self) -> list[str]:
        seen: dict[str, None] = {}
        for sub in self.subtasks:
            for ref in (*sub.lead, *sub.co):
                if ref.unit_id is None:
                    seen.setdefault(ref.name)
        return list(seen)
