"""Vietnamese names of the audit actions. Actions other apps record keep their code if unnamed here."""

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
    "period.generate": _("Tạo kỳ báo cáo còn thiếu"),
    "period.lock": _("Khóa kỳ báo cáo"),
    "period.reopen": _("Mở lại kỳ báo cáo"),
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
}


def field_label(field: str) -> str:
    return str(FIELD_LABELS.get(field, field))


def role_labels(value):
    from units.models import Role

    labels = dict(Role.choices)
    return [str(labels.get(v, v)) for v in value] if isinstance(value, list) else value
