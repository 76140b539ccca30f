"""Demo data for a newcomer: the units, the real appendix through the real import, demo users, and
about five months of the province working the plan (tasks/demo): the plan's dates are moved so that
today falls about five months into it, whenever the demo is loaded.

Idempotent: run it again and nothing is duplicated; run on a later month, the story is replayed so
that today is again five months in (`--no-history`: the appendix as written, nothing reported). Everything demo is marked as such (demo
communes and party boards carry is_demo; demo users are named "… (demo)" with addresses at
demo.invalid). Demo users with a shared, printed password are only created where DEBUG is on
or when asked for explicitly (--with-users), never silently on a production deployment.
"""

import contextlib
import datetime
import os
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from kpis.sweep import parse_now
from tasks.demo.build import has_lived, live, wipe
from tasks.demo.dates import APPENDIX_START, dates_note, demo_start, months_between, shift_plan_data
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
# Rendering a month's official report costs about 7 s of CPU (on two cores at once); the months
# before these are not archived, so rendering stays a small part of the load (README).
DEFAULT_REPORT_MONTHS = 2
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


@contextlib.contextmanager
def fast_writes():
    """On SQLite (`make run`), the replay's thousands of small transactions are not each flushed
    to disk: a write-ahead log that is not synced, for this command only (the journal mode the
    database had is put back at the end). A crash during the load loses the demo, which is simply
    loaded again. Inside a transaction (a test's) the modes cannot change and stay as they are."""
    if connection.vendor != "sqlite" or connection.in_atomic_block or connection.is_in_memory_db():
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
        cursor.execute("PRAGMA synchronous")
        synchronous = cursor.fetchone()[0]
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA synchronous={int(synchronous)}")
            if mode.isalpha():
                cursor.execute(f"PRAGMA journal_mode={mode}")


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
        parser.add_argument(
            "--no-history",
            action="store_true",
            help="Chỉ nạp phụ lục như văn bản gốc, không dựng tiến độ mẫu",
        )
        parser.add_argument("--now", help="Thời điểm 'hôm nay' của dữ liệu mẫu (mặc định: bây giờ)")
        parser.add_argument("--seed", type=int, default=57, help="Hạt giống ngẫu nhiên (mặc định 57)")
        parser.add_argument(
            "--months", type=int, default=5, help="Số tháng đã thực hiện kế hoạch (mặc định 5)"
        )
        parser.add_argument(
            "--report-months",
            type=int,
            default=DEFAULT_REPORT_MONTHS,
            help=f"Lưu báo cáo chính thức của N tháng gần nhất (mặc định {DEFAULT_REPORT_MONTHS})",
        )
        parser.add_argument(
            "--communes",
            type=int,
            default=None,
            help="Chỉ N xã, phường mẫu tham gia báo cáo (dữ liệu rút gọn)",
        )

    def handle(self, *args, **options):
        with fast_writes():
            self.load(**options)

    def load(self, *, with_users, no_users, no_history, **options):
        units = load_units([UNITS_CSV, DEMO_COMMUNES_CSV])
        self.stdout.write(f"Danh mục đơn vị: {units.summary()}.")
        with_logins = not no_users and (settings.DEBUG or with_users)
        if no_history or not with_logins:
            plan = self.load_plan()
        else:
            now = parse_now(options["now"]) or timezone.now()
            start = demo_start(timezone.localdate(now), options["months"])
            plan = self.load_plan(start=start, stale_ok=False)
        if not with_logins:
            self.stdout.write("Không tạo tài khoản demo (DEBUG tắt; dùng --with-users nếu thật sự cần).")
            if not no_history:
                self.stdout.write("Không dựng tiến độ mẫu khi không có tài khoản demo.")
            return
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        rows = self.load_users(password)
        if not no_history:
            self.live(plan, now, options)
        self.print_logins(rows, password, plan)

    def live(self, plan, now, options) -> None:
        if has_lived(plan):
            self.stdout.write("Tiến độ mẫu đã có (đúng mốc thời gian): không dựng lại.")
            return
        started = time.monotonic()
        communes = None
        if options["communes"] is not None:
            communes = set(
                Unit.objects.filter(kind="commune", is_demo=True)
                .order_by("name")
                .values_list("pk", flat=True)[: options["communes"]]
            )
        # The replay runs about a hundred thousand statements: DEBUG would keep each one's text
        # (and, on SQLite, query the database again to write its parameters in).
        with override_settings(DEBUG=False):
            story = live(
                plan=plan,
                now=now,
                seed=options["seed"],
                demo_users={
                    u.username: u for u in User.objects.filter(username__in=[r[0] for r in DEMO_USERS])
                },
                report_months=options["report_months"],
                active_communes=communes,
            )
        self.stdout.write(f"Tiến độ mẫu đến {timezone.localdate(now):%d/%m/%Y}: {story.summary()} ")
        self.stdout.write(f"({time.monotonic() - started:.1f} giây).")

    def load_plan(self, start: datetime.date | None = None, stale_ok: bool = True) -> Plan:
        path = appendix_path()
        try:
            plan_data = read_and_resolve(path)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        if plan_data.errors:
            raise CommandError("; ".join(str(p) for p in plan_data.errors))
        issue_date, note = PLAN_ISSUE_DATE, ""
        if start is not None:
            months = months_between(APPENDIX_START, start)
            shift_plan_data(plan_data, months)
            issue_date, note = start, dates_note(months, start)
        with transaction.atomic():
            plan = Plan.objects.filter(code="", title=PLAN_TITLE).order_by("pk").first()
            if plan is not None and not stale_ok and plan.issue_date != issue_date and has_lived(plan):
                self.stdout.write("Tiến độ mẫu đã cũ (mốc thời gian khác): dựng lại từ đầu.")
                wipe(plan)
                plan = None
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
                ("issue_date", issue_date),
                ("note", note),
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
        # One hash for the shared password (hashing is made slow on purpose: once, not per account).
        hashed = make_password(password)
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
            user.password = hashed
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
