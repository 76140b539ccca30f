import datetime

import pytest
from django.utils import timezone

from kpis.models import AssignmentState, Status
from tests.factories import AssignmentFactory, GeneralTaskFactory, PlanFactory, SectionFactory, SubTaskFactory

# A 150-day sub-task: S = 01/01/2025, D = 31/05/2025 (day 30 → 20 %, day 90 → 60 %).
START = datetime.date(2025, 1, 1)
DEADLINE = START + datetime.timedelta(days=150)


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    """Noon of that day in Vietnam, as the sweep's `now`."""
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour))


def day_n(n: int) -> datetime.datetime:
    return at(START + datetime.timedelta(days=n))


def set_state(assignment, *, status=Status.IN_PROGRESS, completion=None, **extra):
    AssignmentState.objects.update_or_create(
        assignment=assignment,
        defaults={"status": status, "latest_completion": completion, **extra},
    )


@pytest.fixture
def plan():
    return PlanFactory(issue_date=START)


@pytest.fixture
def general_task(plan):
    return GeneralTaskFactory(section=SectionFactory(plan=plan))


@pytest.fixture
def make_lead(general_task):
    def make(**subtask_fields):
        fields = {"start_date": START, "deadline": DEADLINE, **subtask_fields}
        subtask = SubTaskFactory(general_task=general_task, plan=general_task.section.plan, **fields)
        return AssignmentFactory(subtask=subtask)

    return make
