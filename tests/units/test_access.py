"""Guardian grants to one group per unit, fan-out of group assignments, revocation."""

import pytest
from guardian.shortcuts import get_objects_for_user

from tasks.models import Assignment, AssignmentRole
from tests.factories import AssignmentFactory, SubTaskFactory, UnitFactory, UserFactory
from units import services
from units.access import on_assignments_changed, regrant_all, unit_group_name
from units.models import GroupMembership, Role, UnitKind, User
from units.permissions import can_read_assignment, can_report_on

pytestmark = pytest.mark.django_db


def fresh(user):
    return User.objects.get(pk=user.pk)


@pytest.fixture
def secretariat():
    return UserFactory(roles=[Role.SECRETARIAT], unit=None)


def _member_with_user(secretariat, name):
    unit = UnitFactory(name=name)
    user = services.user_create(
        username=f"u-{unit.pk}",
        password="mot-mat-khau-dai-123",
        roles=[Role.STAFF],
        unit=unit,
        actor=secretariat,
    )
    return unit, user


def test_it_grants_to_the_unit_group_not_to_users(secretariat):
    unit, user = _member_with_user(secretariat, "Sở Tư pháp")
    lead = AssignmentFactory(unit=unit, role=AssignmentRole.LEAD)
    co = AssignmentFactory(unit=unit, role=AssignmentRole.CO)
    on_assignments_changed(created=[lead, co])
    user = fresh(user)
    assert user.has_perm("tasks.view_assignment", lead)
    assert user.has_perm("tasks.change_assignment", lead)
    assert user.has_perm("tasks.view_assignment", co)
    assert not user.has_perm("tasks.change_assignment", co)
    from guardian.models import UserObjectPermission

    assert not UserObjectPermission.objects.exists()
    # A second call is harmless (jobs are retried).
    on_assignments_changed(created=[lead, co])


def test_group_assignment_fans_out_rights_per_member(secretariat):
    group = UnitFactory(name="Sở ngành", kind=UnitKind.GROUP)
    a, user_a = _member_with_user(secretariat, "Sở Y tế")
    b, user_b = _member_with_user(secretariat, "Sở Xây dựng")
    GroupMembership.objects.create(group=group, member=a)
    GroupMembership.objects.create(group=group, member=b)
    subtask = SubTaskFactory()
    shares = [
        Assignment.objects.create(subtask=subtask, unit=member, role=AssignmentRole.LEAD, via_group=group)
        for member in (a, b)
    ]
    on_assignments_changed(created=shares)
    share_a, share_b = shares
    user_a, user_b = fresh(user_a), fresh(user_b)
    # Each member reports on its own share only, and both the rule and guardian say so.
    assert can_report_on(user_a, share_a) and not can_report_on(user_a, share_b)
    assert can_report_on(user_b, share_b) and not can_report_on(user_b, share_a)
    assert set(get_objects_for_user(user_a, "tasks.change_assignment", Assignment)) == {share_a}
    assert set(get_objects_for_user(user_b, "tasks.change_assignment", Assignment)) == {share_b}


def test_it_revokes_on_removed_assignments(secretariat):
    unit, user = _member_with_user(secretariat, "Sở Nội vụ")
    lead = AssignmentFactory(unit=unit)
    on_assignments_changed(created=[lead])
    assert fresh(user).has_perm("tasks.view_assignment", lead)
    pk = lead.pk
    on_assignments_changed(removed=[lead])
    lead.delete()
    other = AssignmentFactory(unit=unit)
    on_assignments_changed(created=[other])
    on_assignments_changed(removed=[other.pk])  # ids work too
    from guardian.models import GroupObjectPermission

    assert not GroupObjectPermission.objects.filter(object_pk__in=[str(pk), str(other.pk)]).exists()


def test_it_revokes_when_membership_ends(secretariat):
    unit, user = _member_with_user(secretariat, "Sở Tài chính")
    other_unit = UnitFactory(name="Sở Công Thương")
    lead = AssignmentFactory(unit=unit)
    on_assignments_changed(created=[lead])
    assert fresh(user).has_perm("tasks.change_assignment", lead)
    services.user_update(user=user, unit=other_unit, actor=secretariat)
    user = fresh(user)
    assert not user.has_perm("tasks.change_assignment", lead)
    assert not can_read_assignment(user, lead)
    services.user_update(user=user, unit=unit, actor=secretariat)
    assert fresh(user).has_perm("tasks.change_assignment", lead)
    services.user_deactivate(user=fresh(user), actor=secretariat)
    user = fresh(user)
    assert list(user.groups.all()) == []
    assert not can_read_assignment(user, lead)


def test_the_rules_and_the_grants_agree(secretariat):
    """For every unit member and every assignment, the helper and guardian give the same answer."""
    units = [_member_with_user(secretariat, f"Phòng {i}") for i in range(3)]
    subtasks = [SubTaskFactory() for _ in range(3)]
    created = []
    for i, subtask in enumerate(subtasks):
        for j, (unit, _) in enumerate(units):
            created.append(
                Assignment.objects.create(
                    subtask=subtask, unit=unit, role=AssignmentRole.LEAD if i == j else AssignmentRole.CO
                )
            )
    assert regrant_all() == len(created)
    for _, user in units:
        user = fresh(user)
        for assignment in created:
            assert can_report_on(user, assignment) == user.has_perm("tasks.change_assignment", assignment)
            own = assignment.unit_id == user.unit_id
            assert own == user.has_perm("tasks.view_assignment", assignment)


def test_group_names_are_per_unit(secretariat):
    unit, user = _member_with_user(secretariat, "Sở Giáo dục")
    assert list(fresh(user).groups.values_list("name", flat=True)) == [unit_group_name(unit.pk)]
