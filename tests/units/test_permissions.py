"""What each role may do with an assignment (DESIGN.md, issue 3)."""

import pytest
from django.http import Http404

from tasks.models import AssignmentRole
from tests.factories import AssignmentFactory, SubTaskFactory, UnitFactory, UserFactory
from units.models import Role
from units.permissions import (
    access_assignment_for_user,
    access_user_for_user,
    can_comment_on,
    can_read_assignment,
    can_report_on,
    can_review,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    own, other, coord = UnitFactory(), UnitFactory(), UnitFactory()
    subtask = SubTaskFactory()
    return {
        "own": own,
        "lead": AssignmentFactory(subtask=subtask, unit=own, role=AssignmentRole.LEAD),
        "co": AssignmentFactory(subtask=subtask, unit=coord, role=AssignmentRole.CO),
        "foreign": AssignmentFactory(unit=other, role=AssignmentRole.LEAD),
        "coord": coord,
        "other": other,
    }


@pytest.mark.parametrize("role", [Role.STAFF, Role.HEAD])
def test_unit_staff_and_heads_read_and_report_on_their_own_lead_assignments(world, role):
    user = UserFactory(unit=world["own"], roles=[role])
    assert can_read_assignment(user, world["lead"])
    assert can_report_on(user, world["lead"])
    assert not can_review(user, world["lead"])
    assert not can_read_assignment(user, world["foreign"])
    assert not can_report_on(user, world["foreign"])
    with pytest.raises(Http404):
        access_assignment_for_user(user, world["foreign"].pk)


def test_coordinating_units_read_the_lead_and_comment_but_do_not_report(world):
    user = UserFactory(unit=world["coord"], roles=[Role.STAFF])
    assert can_read_assignment(user, world["co"])
    assert can_comment_on(user, world["co"])
    assert not can_report_on(user, world["co"])
    assert can_read_assignment(user, world["lead"])
    assert not can_report_on(user, world["lead"])
    assert not can_comment_on(user, world["lead"])
    assert not can_read_assignment(user, world["foreign"])


def test_reviewers_read_everything_and_decide_but_change_no_progress(world):
    user = UserFactory(unit=None, roles=[Role.REVIEWER])
    for key in ("lead", "co", "foreign"):
        assert can_read_assignment(user, world[key])
        assert not can_report_on(user, world[key])
        assert not can_comment_on(user, world[key])
    assert can_review(user, world["lead"])
    assert access_assignment_for_user(user, world["lead"].pk, perm="review") == world["lead"]


def test_leadership_reads_everything_and_changes_nothing(world):
    user = UserFactory(unit=None, roles=[Role.LEADERSHIP])
    for key in ("lead", "co", "foreign"):
        assert can_read_assignment(user, world[key])
        assert not can_report_on(user, world[key])
        assert not can_comment_on(user, world[key])
        assert not can_review(user, world[key])
        for perm in ("report", "comment", "review"):
            with pytest.raises(Http404):
                access_assignment_for_user(user, world[key].pk, perm=perm)


def test_secretariat_does_everything(world):
    user = UserFactory(unit=None, roles=[Role.SECRETARIAT])
    assert can_report_on(user, world["foreign"])
    assert can_comment_on(user, world["co"])
    assert can_review(user, world["lead"])


def test_an_inactive_user_has_no_rights(world):
    for role in Role.values:
        user = UserFactory(unit=world["own"], roles=[role], is_active=False)
        assert not can_read_assignment(user, world["lead"])
        assert not can_report_on(user, world["lead"])


def test_a_unit_member_without_a_unit_role_reads_nothing_of_the_unit(world):
    user = UserFactory(unit=world["own"], roles=[Role.STAFF])
    user.roles.all().delete()
    user.__dict__.pop("_role_set", None)
    assert not can_read_assignment(user, world["lead"])


def test_an_unknown_id_and_a_forbidden_id_look_the_same(world):
    user = UserFactory(unit=world["own"], roles=[Role.STAFF])
    for pk in (world["foreign"].pk, 999999, "abc", None):
        with pytest.raises(Http404):
            access_assignment_for_user(user, pk)


def test_an_unknown_perm_is_a_programming_error(world):
    user = UserFactory(unit=world["own"], roles=[Role.STAFF])
    with pytest.raises(ValueError):
        access_assignment_for_user(user, world["lead"].pk, perm="delete")


def test_accounts_are_the_secretariats(world):
    target = UserFactory(unit=world["own"])
    for role in (Role.STAFF, Role.HEAD, Role.REVIEWER, Role.LEADERSHIP):
        with pytest.raises(Http404):
            access_user_for_user(UserFactory(unit=world["own"], roles=[role]), target.pk)
    assert access_user_for_user(UserFactory(roles=[Role.SECRETARIAT]), target.pk) == target


def test_who_reads_an_assignment_is_one_rule_wherever_it_is_asked(world):
    """The access helper (one assignment), the filter every selector uses (the flag pages, the
    budget, the API) and the sub-task page's list of lead units agree, user by user."""
    from kpis.selectors import subtask_progress
    from tasks.models import Assignment, readable_by

    users = {
        "own staff": UserFactory(unit=world["own"], roles=[Role.STAFF]),
        "co-ordinating head": UserFactory(unit=world["coord"], roles=[Role.HEAD]),
        "other staff": UserFactory(unit=world["other"], roles=[Role.STAFF]),
        "reviewer": UserFactory(unit=None, roles=[Role.REVIEWER]),
        "leadership": UserFactory(unit=None, roles=[Role.LEADERSHIP]),
        "secretariat": UserFactory(unit=None, roles=[Role.SECRETARIAT]),
        "inactive own staff": UserFactory(unit=world["own"], roles=[Role.STAFF], is_active=False),
    }
    for name, user in users.items():
        readable = set(Assignment.objects.filter(readable_by(user)).values_list("pk", flat=True))
        for key in ("lead", "co", "foreign"):
            assert can_read_assignment(user, world[key]) == (world[key].pk in readable), (name, key)
        listed = subtask_progress(subtask=world["lead"].subtask, user=user)["assignments"]
        assert listed == ([world["lead"]] if can_read_assignment(user, world["lead"]) else []), name
    # The co-ordinating unit follows the lead's work on the sub-task page too.
    assert subtask_progress(subtask=world["lead"].subtask, user=users["co-ordinating head"])["assignments"]
