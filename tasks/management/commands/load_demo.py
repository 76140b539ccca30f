"""Demo data for a newcomer: the units, the real appendix through the real import, demo users.

Idempotent: run it again and nothing is duplicated. Everything demo is marked as such (demo
communes and party boards carry is_demo; demo users are named "… (demo)" with addresses at
demo.invalid). Demo users with a shared, printed password are only created where DEBUG is on
or when asked for explicitly (--with-users), never silently on a production deployment.
"""

import datetime
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse

from tasks.importing import ImportFileError, read_and_resolve
from tasks.models import Plan, PlanStatus
from tasks.services import plan_import_apply
from units.loading import DEMO_COMMUNES_CSV, UNITS_CSV, load_units
from units.models import Role, Unit, User, UserRole
from units.naming import name_key

APPENDIX = "plan_07_appendix.xlsx"
# Seed 002: the plan whose appendix the workbook is (its number is still blank in the source).
PLAN_TITLE = (
    "Triển khai Thông báo kết luận số 07-TB/CQTTBCĐ ngày 15 tháng 10 năm 2025 của Cơ quan thường trực "
    "của Ban chỉ đạo Trung ương về phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số"
)
PLAN_ISSUER = "Ban Chỉ đạo về phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số tỉnh Đồng Nai"
PLAN_ISSUE_DATE = datetime.date(2025, 11, 1)
DEFAULT_DEMO_PASSWORD = "demo-NQ57-2025"
SCIENCE = "Sở Khoa học và Công nghệ"

# username, full name, role, unit ("": none; None: the first demo commune), admin site access
DEMO_USERS = [
    ("demo_thuongtruc", "Thường trực BCĐ (demo)", Role.SECRETARIAT, "", True),
    ("demo_lanhdao", "Lãnh đạo tỉnh (demo)", Role.LEADERSHIP, "Ủy ban nhân dân tỉnh", False),
    ("demo_thamdinh", "Tổ thẩm định (demo)", Role.REVIEWER, "", False),
    ("demo_canbo_khcn", "Cán bộ Sở KH&CN (demo)", Role.STAFF, SCIENCE, False),
    ("demo_thutruong_khcn", "Giám đốc Sở KH&CN (demo)", Role.HEAD, SCIENCE, False),
    ("demo_canbo_xa", "Cán bộ xã, phường (demo)", Role.STAFF, None, False),
]


def appendix_path() -> Path:
    """The copy shipped in the repository, else the shared fixtures beside it."""
    for candidate in (
        Path(settings.BASE_DIR) / "fixtures" / APPENDIX,
        Path(settings.BASE_DIR).parent / "shared" / "fixtures" / APPENDIX,
    ):
        if candidate.is_file():
            return candidate
    raise CommandError(f"Không tìm thấy {APPENDIX} (fixtures/ hoặc ../shared/fixtures/).")


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu: danh mục đơn vị, phụ lục kế hoạch thật (qua chức năng nhập), tài khoản demo."

    def add_arguments(self, parser):
        parser.add_argument("--with-users", action="store_true", help="Tạo tài khoản demo cả khi DEBUG tắt")
        parser.add_argument("--no-users", action="store_true", help="Không tạo tài khoản demo")

    def handle(self, *args, with_users, no_users, **options):
        units = load_units([UNITS_CSV, DEMO_COMMUNES_CSV])
        self.stdout.write(f"Danh mục đơn vị: {units.summary()}.")
        plan = self.load_plan()
        if no_users or not (settings.DEBUG or with_users):
            self.stdout.write("Không tạo tài khoản demo (DEBUG tắt; dùng --with-users nếu thật sự cần).")
            return
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        rows = self.load_users(password)
        self.print_logins(rows, password, plan)

    def load_plan(self) -> Plan:
        path = appendix_path()
        try:
            plan_data = read_and_resolve(path)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        if plan_data.errors:
            raise CommandError("; ".join(str(p) for p in plan_data.errors))
        with transaction.atomic():
            plan = Plan.objects.filter(code="", title=PLAN_TITLE).order_by("pk").first()
            plan, diff = plan_import_apply(
                plan_data=plan_data,
                plan=plan,
                actor=None,
                title=PLAN_TITLE,
                issuer=PLAN_ISSUER,
                source_name=path.name,
            )
            changed = False
            for field, value in (
                ("issuer", PLAN_ISSUER),
                ("issue_date", PLAN_ISSUE_DATE),
                ("status", PlanStatus.IN_FORCE),
            ):
                if getattr(plan, field) != value:
                    setattr(plan, field, value)
                    changed = True
            if changed:
                plan.save()
        s = diff.summary()
        self.stdout.write(
            f"Kế hoạch #{plan.pk} từ {path.name}: "
            + (
                "không có thay đổi."
                if diff.is_empty
                else f"{s['subtask_create']} tiểu nhiệm vụ mới, {s['subtask_change']} thay đổi, "
                f"{s['assignments_create']} phân công mới."
            )
        )
        return plan

    def load_users(self, password: str) -> list[tuple]:
        by_key = {u.key: u for u in Unit.objects.all()}
        commune = Unit.objects.filter(kind="commune", is_demo=True).order_by("name").first()
        rows = []
        for username, full_name, role, unit_name, is_staff in DEMO_USERS:
            unit = commune if unit_name is None else by_key.get(name_key(unit_name)) if unit_name else None
            user, _ = User.objects.update_or_create(
                username=username,
                defaults={
                    "full_name": full_name,
                    "email": f"{username}@demo.invalid",
                    "unit": unit,
                    "is_staff": is_staff,
                    "is_active": True,
                },
            )
            user.set_password(password)
            user.save(update_fields=["password"])
            UserRole.objects.get_or_create(user=user, role=role)
            rows.append((username, role.label, unit.name if unit else "—"))
        return rows

    def print_logins(self, rows, password, plan) -> None:
        width = max(len(r[0]) for r in rows)
        role_width = max(len(str(r[1])) for r in rows)
        self.stdout.write("")
        self.stdout.write(self.style.WARNING("TÀI KHOẢN DEMO — chỉ để thử, không dùng cho dữ liệu thật"))
        self.stdout.write(f"{'Tên đăng nhập'.ljust(width)}  {'Vai trò'.ljust(role_width)}  Đơn vị")
        for username, role, unit in rows:
            self.stdout.write(f"{username.ljust(width)}  {str(role).ljust(role_width)}  {unit}")
        self.stdout.write(f"Mật khẩu chung: {password}")
        self.stdout.write(f"Kế hoạch mẫu: {reverse('tasks:plan_detail', args=[plan.pk])}")
