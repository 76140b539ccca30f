"""Who may read an assignment is written once (tasks.models.readable_by): the access helper for one
assignment and the lists of many (the red flags) give the same answer for every role."""

import pytest

from kpis.flag_selectors import flags_visible_to
from kpis.flags import RedFlag
from tasks.models import Assignment, AssignmentRole, PlanStatus, readable_by
from tests.factories import AssignmentFactory, PlanFactory, SubTaskFactory, UnitFactory, UserFactory
from units.models import Role
from units.permissions import can_read_assignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def assignments():
    own, coord, other = UnitFactory(), UnitFactory(), UnitFactory()
    subtask = SubTaskFactory()
    draft = SubTaskFactory(general_task__section__plan=PlanFactory(status=PlanStatus.DRAFT))
    draft.plan = draft.general_task.section.plan
    draft.save()
    rows = {
        "lead": AssignmentFactory(subtask=subtask, unit=own),
        "co": AssignmentFactory(subtask=subtask, unit=coord, role=AssignmentRole.CO),
        "foreign": AssignmentFactory(unit=other),
        "draft": AssignmentFactory(subtask=draft, unit=own),
    }
    for a in rows.values():
        RedFlag.objects.create(
            kind="overdue",
            assignment=a,
            subtask=a.subtask,
            unit=a.unit,
            message_vi="x",
            raised_at=a.created_at,
        )
    users = {
        "staff": UserFactory(unit=own, roles=[Role.STAFF]),
        "head": UserFactory(unit=own, roles=[Role.HEAD]),
        "co-ordinator": UserFactory(unit=coord, roles=[Role.STAFF]),
        "outsider": UserFactory(unit=other, roles=[Role.STAFF]),
        "reviewer": UserFactory(unit=None, roles=[Role.REVIEWER]),
        "leadership": UserFactory(unit=None, roles=[Role.LEADERSHIP]),
        "secretariat": UserFactory(unit=None, roles=[Role.SECRETARIAT]),
        "inactive": UserFactory(unit=own, roles=[Role.STAFF], is_active=False),
    }
    return rows, users


def test_the_access_helper_and_the_lists_agree_for_every_role(assignments):
    rows, users = assignments
    for who, user in users.items():
        listed = set(Assignment.objects.filter(readable_by(user)).values_list("pk", flat=True))
        flagged = set(flags_visible_to(user).values_list("assignment_id", flat=True))
        for name, assignment in rows.items():
            helper = can_read_assignment(user, assignment)
            assert (assignment.pk in listed) == helper, (who, name)
            assert (assignment.pk in flagged) == helper, (who, name)
    assert can_read_assignment(users["co-ordinator"], rows["lead"])
    assert not can_read_assignment(users["outsider"], rows["lead"])
    assert not can_read_assignment(users["leadership"], rows["draft"])
