import pytest
from django.core.management import call_command

from tasks.models import Assignment, Plan, PlanStatus, SubTask
from units.models import Role, Unit, User

pytestmark = pytest.mark.django_db


def test_load_demo_loads_units_the_real_plan_and_one_user_per_role(capsys):
    call_command("load_demo", "--with-users", "--no-history")
    out = capsys.readouterr().out
    plan = Plan.objects.get()
    assert plan.status == PlanStatus.IN_FORCE
    assert plan.issue_date.isoformat() == "2025-11-01"
    assert plan.title.startswith("Triển khai Thông báo kết luận số 07-TB/CQTTBCĐ")
    assert SubTask.objects.filter(plan=plan).count() == 50
    assert Unit.objects.filter(is_demo=True, kind="commune").count() == 95
    roles = {r for u in User.objects.filter(username__startswith="demo_") for r in u.role_set}
    assert roles == {Role.SECRETARIAT, Role.LEADERSHIP, Role.REVIEWER, Role.STAFF, Role.HEAD}
    assert User.objects.get(username="demo_canbo_khcn").unit.name == "Sở Khoa học và Công nghệ"
    assert User.objects.get(username="demo_thutruong_khcn").has_role(Role.HEAD)
    assert User.objects.get(username="demo_canbo_xa").unit.kind == "commune"
    assert User.objects.get(username="demo_thuongtruc").check_password("demo-NQ57-2025")
    assert "TÀI KHOẢN DEMO" in out and "demo_thuongtruc" in out and "Mật khẩu chung" in out


def test_load_demo_twice_changes_nothing(capsys):
    call_command("load_demo", "--with-users", "--no-history")
    counts = (Plan.objects.count(), SubTask.objects.count(), Assignment.objects.count(), User.objects.count())
    capsys.readouterr()
    call_command("load_demo", "--with-users", "--no-history")
    out = capsys.readouterr().out
    assert (
        Plan.objects.count(),
        SubTask.objects.count(),
        Assignment.objects.count(),
        User.objects.count(),
    ) == counts
    assert "không có thay đổi" in out


def test_without_debug_no_demo_users_are_created_unless_asked(settings):
    settings.DEBUG = False
    call_command("load_demo", "--no-history")
    assert not User.objects.filter(username__startswith="demo_").exists()
    assert Plan.objects.count() == 1
