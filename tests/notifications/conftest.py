import pytest

from tests.factories import AssignmentFactory, SubTaskFactory, UnitFactory, UserFactory
from tests.flags.conftest import DEADLINE, START  # noqa: F401
from units.models import Role


@pytest.fixture
def unit():
    return UnitFactory(name="Sở Khoa học và Công nghệ")


@pytest.fixture
def staff(unit):
    return UserFactory(unit=unit, roles=[Role.STAFF], email="canbo@skhcn.example.vn")


@pytest.fixture
def head(unit):
    return UserFactory(unit=unit, roles=[Role.HEAD], email="giamdoc@skhcn.example.vn")


@pytest.fixture
def lead(unit):
    subtask = SubTaskFactory(
        start_date=START, deadline=DEADLINE, general_task__section__plan__issue_date=START
    )
    return AssignmentFactory(subtask=subtask, unit=unit)
