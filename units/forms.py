from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from .fields import UnitChoiceField
from .models import Role, User
from .selectors import units_for_users
from .services import validate_username


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm"), required=False)
    unit = UnitChoiceField(label=_("Đơn vị"), queryset=None, required=False, empty_label=_("Tất cả"))
    role = forms.ChoiceField(label=_("Vai trò"), required=False)
    active = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả")), ("1", _("Đang hoạt động")), ("0", _("Đã khoá"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for_users()
        self.fields["role"].choices = [("", _("Tất cả")), *Role.choices]


class UserForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150, validators=[validate_username])
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150, required=False)
    email = forms.EmailField(label=_("Thư điện tử"), max_length=254, required=False)
    position = forms.CharField(label=_("Chức vụ"), max_length=150, required=False)
    unit = UnitChoiceField(
        label=_("Đơn vị"), queryset=None, required=False, empty_label=_("— Không thuộc đơn vị —")
    )
    roles = forms.MultipleChoiceField(
        label=_("Vai trò"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, account=None, actor=None, **kwargs):
        self.account = account
        self.actor = actor
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for_users()
        self.fields["username"].error_messages["required"] = _("Nhập tên đăng nhập.")
        self.fields["roles"].error_messages["required"] = _("Chọn ít nhất một vai trò.")
        self.fields["email"].error_messages["invalid"] = _("Địa chỉ thư điện tử không hợp lệ.")

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        clash = User.objects.filter(username__iexact=username)
        if self.account is not None:
            clash = clash.exclude(pk=self.account.pk)
        if clash.exists():
            raise forms.ValidationError(_("Tên đăng nhập này đã có người dùng."))
        return username

    def clean(self):
        data = super().clean()
        roles = set(data.get("roles") or [])
        if roles & {Role.STAFF, Role.HEAD} and not data.get("unit") and "unit" not in self.errors:
            self.add_error("unit", _("Cán bộ và thủ trưởng đơn vị phải thuộc một đơn vị."))
        # The service refuses it too; said here, it shows with the other errors, not after them.
        editing_self = (
            self.account is not None and self.actor is not None and self.account.pk == self.actor.pk
        )
        if (
            editing_self
            and "roles" in data
            and Role.SECRETARIAT in self.account.role_set
            and Role.SECRETARIAT not in roles
        ):
            self.add_error("roles", _("Bạn không thể tự bỏ vai trò Thường trực của mình."))
        return data

    def apply_service_error(self, exc) -> None:
        """Show a service's ValidationError beside the field it names."""
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, exc)


class UserCreateForm(UserForm):
    password = forms.CharField(
        label=_("Mật khẩu ban đầu"),
        widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "new-password"}),
        help_text=_("Ít nhất 10 ký tự, không quá phổ biến; người dùng nên đổi sau lần đăng nhập đầu."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].error_messages["required"] = _("Nhập mật khẩu ban đầu.")

    def clean_password(self):
        password = self.cleaned_data["password"]
        candidate = User(
            username=self.data.get("username", ""),
            email=self.data.get("email", ""),
            full_name=self.data.get("full_name", ""),
        )
        validate_password(password, candidate)
        return password


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa và chữ thường."
        ),
        "inactive": _("Tài khoản này đã bị khoá. Hãy liên hệ Thường trực Ban Chỉ đạo."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = _("Nhập tên đăng nhập.")
        self.fields["password"].error_messages["required"] = _("Nhập mật khẩu.")

    def get_invalid_login_error(self):
        """Django's backend turns a deactivated account away like a wrong password. Given its right
        password, such an account is told it is locked and whom to ask; a wrong password, an unknown
        name and a lockout after too many attempts (django-axes) still get the one answer that
        reveals nothing."""
        if not getattr(self.request, "axes_locked_out", False) and self._deactivated_with_right_password():
            return forms.ValidationError(self.error_messages["inactive"], code="inactive")
        return super().get_invalid_login_error()

    def _deactivated_with_right_password(self) -> bool:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password") or ""
        user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first() if username else None
        if user is None or user.is_active:
            # One password hash whatever the account, so the time taken does not tell a locked one apart.
            User().set_password(password)
            return False
        return user.check_password(password)
