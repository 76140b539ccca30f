"""The demo's targets (load_demo, tasks/demo): seed 002's section I.1, each with its responsible
unit, a baseline at the plan's start and its milestones moved with the plan's dates, and values
reported month by month with a document, reviewed by the demo's reviewer (one returned and sent
again, the last month's left waiting). Some targets keep to their line, some fall behind it.

Everything goes through the services, so the figures obey the same rules as a user's.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tasks.demo.dates import APPENDIX_START, months_between, shift_date, shift_text
from tasks.demo.files import pdf_bytes
from units.models import Role, Unit
from units.registry import UnitRegistry

from .models import Accumulation, TargetDirection
from .services import target_save, target_value_approve, target_value_report, target_value_return

D = Decimal
JAN_2026, END_2030, END_2026 = (
    datetime.date(2026, 1, 1),
    datetime.date(2030, 12, 31),
    datetime.date(2026, 12, 31),
)


@dataclass(frozen=True)
class Seed:
    code: str
    group: str
    text: str
    measure: str
    units: tuple
    milestones: tuple  # (value, date) as the seed writes them
    baseline: Decimal
    denominator: int | None = None  # a share: the whole it is computed over (per month when per period)
    accumulation: str = Accumulation.CUMULATIVE
    direction: str = TargetDirection.AT_LEAST
    source: str = ""
    pace: float = 1.0  # 1: on its line; below 1: behind it


DIGITAL = "1.1. Về chuyển đổi số"
SCIENCE = "1.2. Về khoa học, công nghệ, đổi mới sáng tạo"
SEEDS = (
    Seed("1.1.1", DIGITAL, "Hoàn thành phủ sóng băng rộng cố định tại 100% xã/phường vùng biên giới, vùng khó khăn trước 01/01/2026",
         "%", ("Sở Khoa học và Công nghệ",), ((100, JAN_2026),), D(88), 42, source="Báo cáo của doanh nghiệp viễn thông", pace=1.1),
    Seed("1.1.2", DIGITAL, "Có ≥ 70% thủ tục hành chính được tiếp nhận, giải quyết phi địa giới hành chính giữa trung ương và địa phương, giữa các cấp chính quyền trước ngày 01/01/2026",
         "%", ("Trung tâm Phục vụ hành chính công tỉnh",), ((70, JAN_2026),), D(35), 1950, source="Hệ thống thông tin giải quyết TTHC tỉnh", pace=0.8),
    Seed("1.1.5", DIGITAL, "Có ≥ 80% dịch vụ công trực tuyến toàn trình trên tổng số thủ tục hành chính đủ điều kiện trước ngày 01/01/2026, tiến tới 100% trước ngày 31/12/2030",
         "%", ("Văn phòng Ủy ban nhân dân tỉnh",), ((80, JAN_2026), (100, END_2030)), D(55), 2060, source="Cổng Dịch vụ công quốc gia", pace=0.9),
    Seed("1.1.6", DIGITAL, "Có ≥ 70% hồ sơ thủ tục hành chính xử lý trực tuyến trước ngày 01/01/2026",
         "%", ("Trung tâm Phục vụ hành chính công tỉnh",), ((70, JAN_2026),), D(0), 60000, Accumulation.PER_PERIOD,
         source="Hệ thống thông tin giải quyết TTHC tỉnh (hồ sơ trong tháng)", pace=1.4),
    Seed("1.1.7", DIGITAL, "Có ≥ 40% hệ thống thông tin của tỉnh được vận hành trên nền tảng điện toán đám mây trước ngày 01/01/2026",
         "%", ("Sở Khoa học và Công nghệ",), ((40, JAN_2026),), D(15), 120, source="Sở Khoa học và Công nghệ", pace=0.6),
    Seed("1.1.8", DIGITAL, "Có ≥ 50% cơ sở dữ liệu của tỉnh được số hoá và liên thông với Trung ương trước ngày 01/01/2026, tiến tới ≥ 80% trước ngày 31/12/2030",
         "%", ("Sở Khoa học và Công nghệ",), ((50, JAN_2026), (80, END_2030)), D(30), 64, source="Sở Khoa học và Công nghệ", pace=1.0),
    Seed("1.1.10", DIGITAL, "Có ≥ 60% người dân có tài khoản định danh điện tử (VNeID) trước ngày 01/01/2026",
         "%", ("Công an tỉnh",), ((60, JAN_2026),), D(48), 3200000, source="Hệ thống định danh và xác thực điện tử", pace=1.2),
    Seed("1.1.12", DIGITAL, "Có ≥ 80% cán bộ, công chức cấp xã được bồi dưỡng kỹ năng số căn bản trước ngày 01/01/2026, tiến tới 100% trước ngày 31/12/2026",
         "%", ("Sở Nội vụ",), ((80, JAN_2026), (100, END_2026)), D(20), 5400, source="Sở Nội vụ", pace=0.85),
    Seed("1.2.1", SCIENCE, "Ban hành 03 cơ chế chính sách hỗ trợ đổi mới công nghệ, thu hút doanh nghiệp công nghệ và phát triển trung tâm nghiên cứu trước 30/9/2026",
         "cơ chế chính sách", ("Sở Khoa học và Công nghệ",), ((3, datetime.date(2026, 9, 30)),), D(0), None, Accumulation.PER_PERIOD,
         source="Văn bản ban hành"),
    Seed("1.2.2", SCIENCE, "Làm chủ được ít nhất 03 công nghệ/sản phẩm chiến lược cho doanh nghiệp, trường đại học, viện nghiên cứu trên địa bàn tỉnh trước 31/12/2026",
         "công nghệ/sản phẩm", ("Sở Khoa học và Công nghệ",), ((3, END_2026),), D(0), None, Accumulation.PER_PERIOD,
         source="Sở Khoa học và Công nghệ"),
    Seed("1.2.3", SCIENCE, "Ban hành Kế hoạch triển khai Chiến lược quốc gia về thu hút, trọng dụng nhân tài trước 31/12/2025",
         "kế hoạch", ("Sở Nội vụ",), ((1, datetime.date(2025, 12, 31)),), D(0), None, Accumulation.PER_PERIOD,
         TargetDirection.EXACTLY, source="Văn bản ban hành"),
)  # fmt: skip


def _upload(unit: Unit, code: str, period, words: str) -> SimpleUploadedFile:
    lines = [unit.name.upper(), f"Bao cao so lieu chi tieu {code} thang {period.end:%m/%Y}", words]
    return SimpleUploadedFile(
        f"so-lieu-{code}-{period.end:%Y-%m}.pdf", pdf_bytes(lines), content_type="application/pdf"
    )


def _reporter(unit: Unit, staff: dict):
    from tasks.demo.build import background_user

    return staff.get(unit.pk) or background_user(unit, Role.STAFF, "canbo")


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def targets_story(
    *, plan, periods, secretariat, reviewer, staff: dict, now: datetime.datetime, seed: int
) -> int:
    """Enter seed 002's targets and report their values over the plan's monthly `periods` whose report
    is due by `now`. Returns the number of values reported."""
    rng = random.Random(f"{seed}-targets")
    today = timezone.localdate(now)
    start = plan.effective_start
    months = months_between(APPENDIX_START, start)
    registry = UnitRegistry.load()
    fallback = next(iter(staff.values())).unit
    entered = _at(start, 8)
    targets = []
    for order, s in enumerate(SEEDS, start=1):
        units = [registry.resolve(name) or fallback for name in s.units]
        target = target_save(
            plan=plan,
            code=s.code,
            group=s.group,
            text=shift_text(s.text, months),
            measure=s.measure,
            is_share=s.denominator is not None,
            direction=s.direction,
            accumulation=s.accumulation,
            baseline_value=s.baseline if s.accumulation == Accumulation.CUMULATIVE else None,
            baseline_date=start if s.accumulation == Accumulation.CUMULATIVE else None,
            milestones=[(D(v), shift_date(d, months)) for v, d in s.milestones],
            units=units,
            data_source=s.source,
            order=order,
            actor=secretariat,
            now=entered,
        )
        targets.append((s, target, units[0]))
    done = [p for p in periods if p.due_date < today]
    count = 0
    returned_once = False
    for index, period in enumerate(done):
        reported = _at(min(period.due_date, today), 10)
        last = index == len(done) - 1
        for s, target, unit in targets:
            figures = _figures(s, target, period, index, rng)
            if figures is None:
                continue
            words = ", ".join(f"{k}: {v}" for k, v in figures.items())
            row = target_value_report(
                target=target,
                unit=unit,
                period=period,
                note="Số liệu từ " + (s.source or "đơn vị"),
                uploads=[_upload(unit, s.code, period, words)],
                actor=_reporter(unit, staff),
                now=reported,
                **figures,
            )
            count += 1
            if last:
                continue  # the latest month waits for the reviewer
            decided = reported + datetime.timedelta(days=2)
            if not returned_once and s.denominator and index == (len(done) - 1) // 2:
                returned_once = True
                target_value_return(
                    target_value=row,
                    reviewer=reviewer,
                    reason_code="missing_document",
                    reason_text="Bổ sung bảng tổng hợp số liệu có xác nhận của cơ quan cung cấp.",
                    now=decided,
                )
                row = target_value_report(
                    target=target,
                    unit=unit,
                    period=period,
                    numerator=row.numerator,
                    denominator=row.denominator,
                    uploads=[_upload(unit, s.code, period, "Bang tong hop co xac nhan")],
                    actor=_reporter(unit, staff),
                    now=decided + datetime.timedelta(days=1),
                )
                decided += datetime.timedelta(days=2)
            target_value_approve(target_value=row, reviewer=reviewer, now=min(decided, now))
    return count


def _figures(s: Seed, target, period, index: int, rng) -> dict | None:
    """What the unit reports for `period` (the `index`-th month): on its line times its pace."""
    milestone = target.milestones.all()[0]
    start = target.plan.effective_start
    span = max((milestone.due_date - start).days, 1)
    elapsed = min((period.end - start).days / span, 1.0)
    if s.denominator is None:
        # Documents issued one by one: the milestone's count spread over the months to its date.
        total = int(milestone.value)
        month_of = [round((n + 1) * span / (total + 1) / 30) for n in range(total)]
        issued = sum(1 for m in month_of if m == index + 1)
        return {"value": D(issued)} if issued else None
    if s.accumulation == Accumulation.PER_PERIOD:
        share = min(float(milestone.value) * s.pace * (0.85 + 0.1 * index) / 100, 0.99)
        whole = int(s.denominator * rng.uniform(0.9, 1.1))
        return {"numerator": D(int(whole * share)), "denominator": D(whole)}
    goal = float(milestone.value)
    level = float(s.baseline) + (goal - float(s.baseline)) * elapsed * s.pace * rng.uniform(0.97, 1.03)
    level = min(level, 100.0)
    numerator = (D(s.denominator) * D(str(round(level, 4))) / 100).quantize(D(1), rounding=ROUND_HALF_UP)
    return {"numerator": numerator, "denominator": D(s.denominator)}
