"""Build the deterministic scale data set the dashboards are measured on (see reports/dashboard/scale_data.py)."""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from reports.dashboard.scale_data import DEFAULT_PASSWORD, PROFILES, build, wipe_scale_data
from tasks.models import Plan


class Command(BaseCommand):
    help = "Tạo bộ dữ liệu quy mô tỉnh, quốc gia (hoặc nhỏ, cho kiểm thử) để đo bảng điều hành."

    def add_arguments(self, parser):
        parser.add_argument("--profile", choices=sorted(PROFILES), default="province")
        parser.add_argument("--seed", type=int, default=57)
        parser.add_argument("--today", help="Ngày 'hôm nay' của bộ dữ liệu (yyyy-mm-dd); mặc định hôm nay")
        parser.add_argument(
            "--months",
            type=int,
            default=None,
            help="Số tháng báo cáo (mặc định theo hồ sơ: 24 với tỉnh, quốc gia)",
        )
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="Mật khẩu các tài khoản scale_*")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Xóa dữ liệu quy mô đã tạo trước (từ chối nếu cơ sở dữ liệu có kế hoạch thật)",
        )

    def handle(self, *args, profile, seed, today, password, replace, months, **options):
        day = datetime.date.fromisoformat(today) if today else None
        if Plan.objects.exists():
            if not replace:
                raise CommandError("Cơ sở dữ liệu đã có kế hoạch. Dùng --replace để thay dữ liệu quy mô cũ.")
            try:
                wipe_scale_data()
            except ValueError as exc:
                raise CommandError(
                    "Cơ sở dữ liệu có kế hoạch không do lệnh này tạo: không xóa. Hãy dùng một cơ sở dữ liệu riêng."
                ) from exc
        self.stdout.write(f"Tạo dữ liệu '{profile}' (seed {seed}) trên {connection.vendor}…")
        started = time.perf_counter()
        counts = build(
            profile=profile, seed=seed, today=day, password=password, log=self.stdout.write, months=months
        )
        self.stdout.write(
            self.style.SUCCESS(f"Xong sau {time.perf_counter() - started:.0f} s: {counts.summary()}")
        )
