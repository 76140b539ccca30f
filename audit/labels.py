"""Vietnamese names of the audit actions. Actions other apps record keep their code if unnamed here."""

import functools
import re

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "auth.login": _("Đăng nhập"),
    "auth.logout": _("Đăng xuất"),
    "auth.login_failed": _("Đăng nhập thất bại"),
    "auth.lockout": _("Tạm khoá đăng nhập"),
    "auth.password_change": _("Đổi mật khẩu"),
    "auth.password_reset": _("Đặt lại mật khẩu"),
    "user.create": _("Tạo người dùng"),
    "user.update": _("Sửa người dùng"),
    "user.deactivate": _("Khoá người dùng"),
    "user.activate": _("Mở khoá người dùng"),
    "period.generate": _("Tạo, điều chỉnh kỳ báo cáo theo ngày của kế hoạch"),
    "period.remove": _("Xoá kỳ báo cáo trống"),
    "period.remind": _("Nhắc các đơn vị chưa báo cáo"),
    "period.lock": _("Khóa kỳ báo cáo"),
    "period.reopen": _("Mở lại kỳ báo cáo"),
    "plan.import": _("Nhập phụ lục kế hoạch"),
    "plan.update": _("Sửa thông tin, trạng thái kế hoạch"),
    "kpi.targets": _("Sửa, xác nhận chỉ tiêu KPI"),
    "subtask.assign": _("Giao đơn vị cho tiểu nhiệm vụ"),
    "deadline.request": _("Đề nghị điều chỉnh thời hạn"),
    "deadline.approve": _("Chấp thuận điều chỉnh thời hạn"),
    "deadline.refuse": _("Không chấp thuận điều chỉnh thời hạn"),
    "unit.create": _("Tạo đơn vị"),
    "unit.alias_add": _("Thêm tên gọi khác của đơn vị"),
    "unit.alias_remove": _("Bỏ tên gọi khác của đơn vị"),
    "unit.update": _("Sửa, đổi tên đơn vị"),
    "unit.merge": _("Hợp nhất đơn vị"),
    "unit.deactivate": _("Ngừng hoạt động đơn vị"),
    "unit.activate": _("Cho đơn vị hoạt động trở lại"),
    "unit.member_add": _("Thêm thành viên nhóm đơn vị"),
    "unit.member_remove": _("Bỏ thành viên nhóm đơn vị"),
    "report.create_draft": _("Lưu bản nháp báo cáo"),
    "report.update_draft": _("Sửa bản nháp báo cáo"),
    "report.submit": _("Gửi báo cáo tiến độ"),
    "report.correct": _("Đính chính báo cáo"),
    "report.send_for_signoff": _("Gửi báo cáo cho thủ trưởng duyệt"),
    "report.sign_off": _("Thủ trưởng duyệt báo cáo"),
    "report.send_back": _("Thủ trưởng trả lại báo cáo"),
    "claim.coordination_answer": _("Đơn vị phối hợp xác nhận / phản đối"),
    "evidence.add": _("Đính kèm minh chứng"),
    "evidence.remove": _("Gỡ minh chứng"),
    "claim.approve": _("Công nhận hoàn thành"),
    "claim.return": _("Trả lại đề nghị hoàn thành"),
    "review.approve": _("Thẩm định: công nhận"),
    "review.return": _("Thẩm định: trả lại"),
    "comment.add": _("Gửi ý kiến phối hợp"),
    "budget.adjust": _("Giao, điều chỉnh dự toán"),
    "budget.disburse": _("Báo cáo giải ngân"),
    "targets.save": _("Nhập, sửa chỉ tiêu"),
    "targets.import": _("Nhập chỉ tiêu từ tệp Excel"),
    "targets.report": _("Báo cáo số liệu chỉ tiêu"),
    "targets.approve": _("Thẩm định số liệu chỉ tiêu: công nhận"),
    "targets.return": _("Thẩm định số liệu chỉ tiêu: trả lại"),
    "flags.sweep": _("Quét cảnh báo đỏ"),
    "report.generate": _("Tạo báo cáo chính thức"),
    "report.done": _("Báo cáo chính thức đã tạo xong"),
    "notifications.preference": _("Đổi cách nhận thông báo"),
    "system.heartbeat": _("Kiểm tra hoạt động của hệ thống"),
    "api_client.create": _("Tạo hệ thống kết nối API"),
    "api_client.revoke": _("Thu hồi mã truy cập API"),
    "api_client.use": _("Hệ thống kết nối gọi API"),
    "api_client.webhook": _("Đăng ký webhook cho hệ thống kết nối"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


FIELD_LABELS = {
    "username": _("Tên đăng nhập"),
    "email": _("Thư điện tử"),
    "full_name": _("Họ và tên"),
    "position": _("Chức vụ"),
    "unit": _("Đơn vị"),
    "is_active": _("Đang hoạt động"),
    "roles": _("Vai trò"),
    "period": _("Kỳ báo cáo"),
    "version": _("Phiên bản"),
    "status": _("Trạng thái"),
    "completion": _("Tỷ lệ hoàn thành"),
    "is_claim": _("Đề nghị hoàn thành"),
    "assignment_status": _("Trạng thái phân công"),
    "on_time": _("Đúng hạn"),
    "report": _("Báo cáo"),
    "note": _("Ghi chú"),
    "reason": _("Lý do"),
    "reason_code": _("Loại lý do"),
    "decision": _("Kết luận"),
    "assignment": _("Phân công"),
    "whole_subtask": _("Áp dụng cho cả tiểu nhiệm vụ"),
    "deadline": _("Thời hạn"),
    "document": _("Văn bản"),
    "subtask": _("Tiểu nhiệm vụ"),
    "name": _("Tên tệp"),
    "size": _("Dung lượng (byte)"),
    "kind": _("Loại"),
    "head_signoff_required": _("Báo cáo phải qua thủ trưởng duyệt"),
    "by_kind": _("Theo loại đơn vị"),
    "verdict": _("Ý kiến"),
    "scanned": _("Đã quét vi-rút"),
    "locked": _("Đã khóa"),
    "created": _("Đã tạo"),
    "moved": _("Đã dời ngày"),
    "merged": _("Đơn vị được hợp nhất"),
    "units": _("Số đơn vị"),
    "member": _("Thành viên"),
    "short_name": _("Tên viết tắt"),
    "accounts": _("Tài khoản"),
    "assignments": _("Phân công"),
    "flags": _("Cảnh báo"),
    "reports": _("Báo cáo"),
    "kept": _("Giữ lại (đã có báo cáo)"),
    "removed": _("Đã gỡ"),
    "alias": _("Tên gọi khác"),
    "plan": _("Kế hoạch"),
    "cutoff": _("Chốt số liệu"),
    "pages": _("Số trang"),
    "corrects": _("Đính chính báo cáo"),
    "code": _("Số, ký hiệu"),
    "title": _("Tên kế hoạch"),
    "issuer": _("Cơ quan ban hành"),
    "issue_date": _("Ngày ban hành"),
    "start_date": _("Ngày bắt đầu"),
    "changed": _("Đã sửa"),
    "confirmed": _("Đã xác nhận"),
    "results": _("Kết quả đạt được"),
    "difficulties": _("Khó khăn, vướng mắc"),
    "proposals": _("Đề xuất, kiến nghị"),
    "text": _("Nội dung"),
    "sha256": _("Mã SHA-256"),
    "evidence": _("Tệp minh chứng của báo cáo"),
    "today": _("Ngày"),
    "raised": _("Cảnh báo mới"),
    "resolved": _("Hết cảnh báo"),
    "source": _("Tệp nguồn"),
    "new_plan": _("Kế hoạch mới"),
    "section_create": _("Mục tạo mới"),
    "section_change": _("Mục thay đổi"),
    "general_task_create": _("Nhiệm vụ tổng quát tạo mới"),
    "general_task_change": _("Nhiệm vụ tổng quát thay đổi"),
    "subtask_create": _("Tiểu nhiệm vụ tạo mới"),
    "subtask_change": _("Tiểu nhiệm vụ thay đổi"),
    "assignments_create": _("Phân công mới"),
    "assignments_change": _("Phân công đổi vai trò"),
    "assignments_remove": _("Phân công đóng (giữ báo cáo)"),
    "from_import": _("Tạo khi nhập phụ lục"),
    "amendment": _("Văn bản sửa đổi, bổ sung"),
}

# A report's KPI values are recorded as "kpi:<the KPI as written> (≥ target)" (kpis.models.KpiValue).
KPI_PREFIX = "kpi:"


def field_label(field: str) -> str:
    if field.startswith(KPI_PREFIX):
        return _("KPI “%(kpi)s”") % {"kpi": field[len(KPI_PREFIX) :]}
    return str(FIELD_LABELS.get(field, field))


def role_labels(value):
    from units.models import Role

    labels = dict(Role.choices)
    return [str(labels.get(v, v)) for v in value] if isinstance(value, list) else value


@functools.cache
def _choice_maps(plan: bool) -> dict:
    """Built once: the labels stay lazy, each read in the language of the page that prints it (the
    audit list built five enum choice lists for every value it printed)."""
    from evidence.models import Decision, ReturnReason
    from kpis.models import ReportStatus, Status
    from tasks.models import PlanStatus

    plan_status = dict(PlanStatus.choices)
    work_status = {**dict(ReportStatus.choices), **dict(Status.choices)}
    return {
        "status": {**work_status, **plan_status} if plan else {**plan_status, **work_status},
        "assignment_status": dict(Status.choices),
        "decision": dict(Decision.choices),
        "reason_code": dict(ReturnReason.choices),
    }


def choice_labels(key: str, value, object_type: str = ""):
    """A recorded status or decision code in words ("awaiting_review" → "Chờ thẩm định"); a plan's
    status in the plan's words ("draft" of a plan is "Dự thảo", of a report "Bản nháp")."""
    choices = _choice_maps(object_type == "tasks.plan").get(key)
    if choices is None or not isinstance(value, str):
        return value
    return str(choices.get(value, value))


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_DECIMAL = re.compile(r"^-?\d+\.\d+$")


def value_words(value) -> str:
    """A recorded value as a person reads it: dates dd/mm/yyyy, moments in local time, "100.00" as
    "100", yes/no, a count by flag kind ("Quá hạn: 923; Chậm tiến độ: 12"), never a code or a repr."""
    import datetime

    from django.utils import timezone
    from django.utils.translation import gettext

    from kpis.flags import FlagKind

    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("có") if value else gettext("không")
    if isinstance(value, dict):
        kinds = dict(FlagKind.choices)
        # Flag kinds in the order the rules list them, whatever order the database kept the
        # keys in (PostgreSQL's jsonb sorts them by length).
        order = {kind: i for i, kind in enumerate(kinds)}
        items = sorted(value.items(), key=lambda item: order.get(item[0], len(order)))
        parts = [f"{kinds.get(k) or field_label(str(k))}: {value_words(v)}" for k, v in items]
        return "; ".join(parts) or "—"
    if isinstance(value, (list, tuple)):
        return ", ".join(value_words(v) for v in value) or "—"
    if isinstance(value, str):
        if _ISO_DATE.match(value):
            return datetime.date.fromisoformat(value).strftime("%d/%m/%Y")
        if _ISO_MOMENT.match(value):
            try:
                moment = datetime.datetime.fromisoformat(value)
            except ValueError:
                return value
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return moment.strftime("%d/%m/%Y %H:%M")
        if _DECIMAL.match(value):
            return value.rstrip("0").rstrip(".").replace(".", ",")
    return str(value)
