"""Account changes made by the secretariat: every one audited with before → after."""

from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from audit.services import audit_record, diff

from .access import sync_unit_group
from .models import Role, Unit, User, UserRole

PROFILE_FIELDS = ("username", "email", "full_name", "position")


def user_snapshot(user: User) -> dict:
    """What the audit trail shows of an account (never the password)."""
    return {
        "username": user.username,
        "email": user.email,
        "full_name": user.full_name,
        "position": user.position,
        "unit": str(user.unit) if user.unit_id else None,
        "is_active": user.is_active,
        "roles": sorted(UserRole.objects.filter(user=user).values_list("role", flat=True)),
    }


def _clean_roles(roles: Iterable[str], unit: Unit | None) -> list[str]:
    roles = sorted(set(roles))
    if not roles:
        raise ValidationError({"roles": _("Chọn ít nhất một vai trò.")})
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValidationError({"roles": _("Vai trò không hợp lệ: %(r)s") % {"r": ", ".join(sorted(unknown))}})
    if {Role.STAFF, Role.HEAD} & set(roles) and unit is None:
        raise ValidationError({"unit": _("Cán bộ và thủ trưởng đơn vị phải thuộc một đơn vị.")})
    if unit is not None and unit.is_group:
        raise ValidationError({"unit": _("Không thể gán người dùng vào một nhóm đơn vị.")})
    return roles


def _write_roles(user: User, roles: list[str]) -> None:
    UserRole.objects.filter(user=user).exclude(role__in=roles).delete()
    existing = set(UserRole.objects.filter(user=user).values_list("role", flat=True))
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in roles if r not in existing])
    user.__dict__.pop("_role_set", None)


class UsernameValidator(UnicodeUsernameValidator):
    """Django's rule for user names (letters, digits and @ . + - _), said in Vietnamese and
    checked by the user forms with the other fields, so every error shows at once."""

    message = _lazy(
        "Tên đăng nhập chỉ gồm chữ cái, chữ số và các ký tự @ . + - _ "
        "(không có dấu cách), ví dụ: nguyen.van.a"
    )


validate_username = UsernameValidator()


def _check_username(username: str, exclude_pk=None) -> str:
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": _("Nhập tên đăng nhập.")})
    try:
        validate_username(username)
    except ValidationError as exc:
        raise ValidationError({"username": exc.messages}) from None
    clash = User.objects.filter(username__iexact=username)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"username": _("Tên đăng nhập này đã có người dùng.")})
    return username


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    roles: Iterable[str],
    actor,
    unit: Unit | None = None,
    email: str = "",
    full_name: str = "",
    position: str = "",
    now=None,
) -> User:
    username = _check_username(username)
    roles = _clean_roles(roles, unit)
    user = User(
        username=username,
        email=email.strip(),
        full_name=full_name.strip(),
        position=position.strip(),
        unit=unit,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    _write_roles(user, roles)
    sync_unit_group(user)
    after = user_snapshot(user)
    audit_record(
        actor=actor, action="user.create", obj=user, changes={k: [None, v] for k, v in after.items()}, now=now
    )
    return user


@transaction.atomic
def user_update(
    *,
    user: User,
    actor,
    roles: Iterable[str] | None = None,
    now=None,
    **fields,
) -> User:
    """Change profile fields and/or unit (and roles, when given) in one audited event."""
    allowed = {*PROFILE_FIELDS, "unit"}
    unexpected = set(fields) - allowed
    if unexpected:
        raise TypeError(f"user_update() got unexpected fields {sorted(unexpected)}")
    user = User.objects.select_for_update().get(pk=user.pk)
    before = user_snapshot(user)
    if "username" in fields:
        fields["username"] = _check_username(fields["username"], exclude_pk=user.pk)
    for name, value in fields.items():
        setattr(user, name, value.strip() if isinstance(value, str) else value)
    new_roles = _clean_roles(roles if roles is not None else before["roles"], user.unit)
    drops_own_secretariat = Role.SECRETARIAT in before["roles"] and Role.SECRETARIAT not in new_roles
    if user.pk == getattr(actor, "pk", None) and drops_own_secretariat:
        raise ValidationError({"roles": _("Bạn không thể tự bỏ vai trò Thường trực của mình.")})
    user.full_clean(exclude=["password"])
    user.save()
    _write_roles(user, new_roles)
    sync_unit_group(user)
    changes = diff(before, user_snapshot(user))
    if changes:
        audit_record(actor=actor, action="user.update", obj=user, changes=changes, now=now)
    return user


def user_set_roles(*, user: User, roles: Iterable[str], actor, now=None) -> User:
    return user_update(user=user, roles=roles, actor=actor, now=now)


@transaction.atomic
def user_deactivate(*, user: User, actor, now=None) -> User:
    """The account can no longer sign in and loses its unit's rights; its history stays."""
    if user.pk == getattr(actor, "pk", None):
        raise ValidationError(_("Bạn không thể tự khoá tài khoản của mình."))
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        return user
    user.is_active = False
    user.save(update_fields=["is_active"])
    sync_unit_group(user)
    audit_record(
        actor=actor, action="user.deactivate", obj=user, changes={"is_active": [True, False]}, now=now
    )
    return user


@transaction.atomic
def user_activate(*, user: User, actor, now=None) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        return user
    user.is_active = True
    user.save(update_fields=["is_active"])
    sync_unit_group(user)
    audit_record(actor=actor, action="user.activate", obj=user, changes={"is_active": [False, True]}, now=now)
    return user
