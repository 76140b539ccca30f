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
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))
