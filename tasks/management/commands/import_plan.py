import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tasks.importing import ImportFileError, read_and_resolve
from tasks.importing.likeness import plans_holding
from tasks.models import Amendment, Plan
from tasks.services import AmendmentRequired, plan_import_apply, plan_import_preview


def find_plan(*, code: str, title: str) -> Plan | None:
    """The plan a re-import updates: by its number/symbol, or for a plan without one, by title."""
    if code:
        return Plan.objects.filter(code=code).first()
    return Plan.objects.filter(code="", title=title).order_by("pk").first() if title else None


class Command(BaseCommand):
    help = "Nhập phụ lục kế hoạch từ tệp Excel (.xlsx). Nhập lại cùng tệp không thay đổi gì."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--plan-code", default="", help="Số, ký hiệu kế hoạch (vd. 1-KH/BCĐ)")
        parser.add_argument("--title", default="", help="Tên kế hoạch (mặc định: dòng tiêu đề của phụ lục)")
        parser.add_argument("--issuer", default="", help="Cơ quan ban hành (khi tạo kế hoạch mới)")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ xem trước, không ghi gì")
        parser.add_argument(
            "--allow-duplicate",
            action="store_true",
            help="Vẫn tạo kế hoạch mới khi phụ lục đã có trong một kế hoạch khác",
        )
        parser.add_argument(
            "--amendment-number",
            default="",
            help="Số văn bản sửa đổi, bổ sung (bắt buộc khi nhập lại vào kế hoạch đã ban hành)",
        )
        parser.add_argument("--amendment-date", default="", help="Ngày văn bản sửa đổi, bổ sung (dd/mm/yyyy)")

    def handle(self, *args, file, plan_code, title, issuer, dry_run, allow_duplicate=False, **options):
        amendment_number = (options.get("amendment_number") or "").strip()
        amendment_date = None
        if options.get("amendment_date"):
            try:
                amendment_date = datetime.datetime.strptime(
                    options["amendment_date"].strip(), "%d/%m/%Y"
                ).date()
            except ValueError:
                raise CommandError(
                    "Ngày văn bản sửa đổi phải theo dạng dd/mm/yyyy, ví dụ 05/12/2026."
                ) from None
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {file}")
        try:
            plan_data = read_and_resolve(path)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        title = title or plan_data.title
        plan = find_plan(code=plan_code, title=title)
        self.stdout.write(
            f"Trang tính “{plan_data.sheet_name}”, tiêu đề ở dòng {plan_data.header_row}: "
            f"{len(plan_data.sections)} mục, {len(plan_data.general_tasks)} nhiệm vụ tổng quát, "
            f"{len(plan_data.subtasks)} tiểu nhiệm vụ."
        )
        for problem in plan_data.problems:
            label = "LỖI" if problem.is_error else "Lưu ý"
            self.stdout.write(f"  {label}: {problem}")
        diff = plan_import_preview(plan_data=plan_data, plan=plan)
        target = f"kế hoạch #{plan.pk} “{plan}”" if plan else "kế hoạch mới"
        self.stdout.write(f"Đích: {target}")
        for change in diff.changes:
            sign = "+" if change.action == "create" else "~"
            self.stdout.write(f"  {sign} {change.kind_label} {change.code}")
            for label, old, new in change.field_changes:
                self.stdout.write(f"      {label}: {old or '—'} → {new or '—'}")
            for move in change.moves:
                self.stdout.write(f"      · {move.sentence}")
        for kind, code, _ in diff.missing:
            self.stdout.write(f"  ? {kind} {code}: có trong kế hoạch nhưng không có trong tệp (giữ nguyên)")
        for change in diff.retired:
            for move in change.moves:
                self.stdout.write(f"      · {change.code}: {move.sentence}")
        if plan_data.errors:
            raise CommandError(f"Tệp có {len(plan_data.errors)} lỗi: không ghi gì. Hãy sửa tệp rồi nhập lại.")
        same = plans_holding(plan_data) if plan is None else []
        for found in same:
            self.stdout.write(
                self.style.WARNING(
                    f"  Cảnh báo: phụ lục đã có trong kế hoạch #{found.plan.pk} “{found.plan}” "
                    f"({found.same}/{found.total} tiểu nhiệm vụ trùng mã và nội dung)."
                )
            )
        if same and not allow_duplicate and not dry_run:
            hint = (
                f"--plan-code {same[0].plan.code}" if same[0].plan.code else f'--title "{same[0].plan.title}"'
            )
            raise CommandError(
                "Không tạo kế hoạch trùng: hãy cập nhật kế hoạch đã có "
                f"({hint}), hoặc thêm --allow-duplicate nếu thật sự muốn tạo mới."
            )
        if plan is not None and Amendment.required_for(plan) and not diff.is_empty:
            self.stdout.write(
                f"Kế hoạch đã ban hành: lần nhập này là sửa đổi, bổ sung lần {plan.amendments.count() + 1}."
            )
        if dry_run:
            self.stdout.write(self.style.WARNING("Chạy thử (--dry-run): không ghi gì."))
            return
        try:
            plan, diff = plan_import_apply(
                plan_data=plan_data,
                plan=plan,
                actor=None,
                code=plan_code,
                title=title,
                issuer=issuer,
                source_name=path.name,
                amendment_number=amendment_number,
                amendment_date=amendment_date,
            )
        except AmendmentRequired as exc:
            raise CommandError(f"{exc.messages[0]} (--amendment-number, --amendment-date)") from None
        if diff.is_empty:
            self.stdout.write(self.style.SUCCESS(f"Không có thay đổi: kế hoạch #{plan.pk} đã khớp với tệp."))
        else:
            s = diff.summary()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Đã nhập vào kế hoạch #{plan.pk}: {s['subtask_create']} tiểu nhiệm vụ mới, "
                    f"{s['subtask_change']} thay đổi, {s['assignments_create']} phân công mới, "
                    f"{s['assignments_change']} đổi vai trò, {s['assignments_remove']} phân công đóng "
                    "(báo cáo được giữ)."
                )
            )
