"""What a re-import that records an amendment keeps of the plan before it (see tasks.models.Amendment).

The sync calls the recorder just before it changes a sub-task or an assignment, so each row's
version holds what it read until the amendment; rows the amendment creates get a version saying
they did not exist. Rows the amendment does not touch get nothing: their current row is their
history.
"""

from __future__ import annotations

from tasks.models import Amendment, Assignment, AssignmentVersion, SubTask, SubTaskVersion


def subtask_facts(sub: SubTask) -> dict:
    """What the reports read of a sub-task, from the row with its general task, section and KPIs
    loaded (the shape tasks.selectors.plan_as_of returns)."""
    task = sub.general_task
    section = task.section
    return {
        "code": sub.code,
        "title": sub.title,
        "output": sub.output,
        "kpi": [k.text.strip() for k in sorted(sub.kpis.all(), key=lambda k: (k.order, k.pk))],
        "deadline": sub.deadline.isoformat() if sub.deadline else None,
        "deadline_text": sub.deadline_text,
        "ongoing": sub.ongoing,
        "lead_names": list(sub.lead_names or []),
        "co_names": list(sub.co_names or []),
        "order": sub.order,
        "closed": sub.closed_at is not None,
        "general_task_id": task.pk,
        "general_task_code": task.code,
        "general_task_title": task.title,
        "general_task_order": task.order,
        "section_id": section.pk,
        "section_code": section.code,
        "section_title": section.title,
        "section_order": section.order,
    }


class HistoryRecorder:
    """Writes the versions of one amendment, each row at most once (its state before the amendment)."""

    def __init__(self, amendment: Amendment):
        self.amendment = amendment
        self.subtasks: set[int] = set()
        self.assignments: set[int] = set()
        self._subtask_rows: list[SubTaskVersion] = []
        self._assignment_rows: list[AssignmentVersion] = []

    def subtask_before(self, sub: SubTask) -> None:
        if sub.pk in self.subtasks:
            return
        self.subtasks.add(sub.pk)
        self._subtask_rows.append(
            SubTaskVersion(
                subtask=sub,
                amendment=self.amendment,
                valid_to=self.amendment.recorded_at,
                facts=subtask_facts(sub),
            )
        )

    def subtask_added(self, sub: SubTask) -> None:
        self.subtasks.add(sub.pk)
        self._subtask_rows.append(
            SubTaskVersion(
                subtask=sub, amendment=self.amendment, valid_to=self.amendment.recorded_at, existed=False
            )
        )

    def assignment_before(self, assignment: Assignment) -> None:
        if assignment.pk in self.assignments:
            return
        self.assignments.add(assignment.pk)
        self._assignment_rows.append(
            AssignmentVersion(
                assignment=assignment,
                amendment=self.amendment,
                valid_to=self.amendment.recorded_at,
                open=assignment.closed_at is None,
                role=assignment.role,
                via_group_id=assignment.via_group_id,
            )
        )

    def assignment_added(self, assignment: Assignment) -> None:
        self.assignments.add(assignment.pk)
        self._assignment_rows.append(
            AssignmentVersion(
                assignment=assignment,
                amendment=self.amendment,
                valid_to=self.amendment.recorded_at,
                open=False,
            )
        )

    def flush(self) -> None:
        SubTaskVersion.objects.bulk_create(self._subtask_rows)
        AssignmentVersion.objects.bulk_create(self._assignment_rows)
        self._subtask_rows, self._assignment_rows = [], []
