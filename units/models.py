from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from .naming import name_key


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("Sở, ban, ngành")
    COMMUNE = "commune", _("UBND xã, phường")
    PARTY = "party", _("Cơ quan Đảng, đoàn thể")
    AGENCY = "agency", _("Cơ quan, đơn vị")
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    GROUP = "group", _("Nhóm đơn vị")


class Unit(models.Model):
    name = models.CharField(_("tên đơn vị"), max_length=255, unique=True)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    kind = models.CharField(_("loại"), max_length=20, choices=UnitKind.choices, default=UnitKind.AGENCY)
    key = models.CharField(max_length=255, unique=True, editable=False)
    is_demo = models.BooleanField(_("dữ liệu mẫu"), default=False)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    # Whether the unit's reports go to the committee only once its head has signed them off
    # ("Thủ trưởng duyệt"). Off by default: a commune with one officer has no one else to sign.
    head_signoff_required = models.BooleanField(
        _("báo cáo phải qua thủ trưởng duyệt"), default=False, db_default=False
    )
    members = models.ManyToManyField(
        "self",
        through="GroupMembership",
        symmetrical=False,
        related_name="groups",
        blank=True,
        verbose_name=_("đơn vị thành viên"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.key = name_key(self.name)
        super().save(*args, **kwargs)

    @property
    def is_group(self) -> bool:
        return self.kind == UnitKind.GROUP


class UnitAlias(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("tên gọi khác"), max_length=255)
    key = models.CharField(max_length=255, unique=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tên gọi khác")
        verbose_name_plural = _("tên gọi khác")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.key = name_key(self.name)
        super().save(*args, **kwargs)


class GroupMembership(models.Model):
    group = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="group_memberships")

    class Meta:
        verbose_name = _("thành viên nhóm")
        verbose_name_plural = _("thành viên nhóm")
        constraints = [
            models.UniqueConstraint(fields=["group", "member"], name="uniq_group_member"),
            models.CheckConstraint(condition=~models.Q(group=models.F("member")), name="group_not_self"),
        ]

    def __str__(self):
        return f"{self.group} ⊃ {self.member}"


class Role(models.TextChoices):
    STAFF = "staff", _("Cán bộ đơn vị")
    HEAD = "head", _("Thủ trưởng đơn vị")
    REVIEWER = "reviewer", _("Tổ giúp việc / thẩm định")
    LEADERSHIP = "leadership", _("Lãnh đạo")
    SECRETARIAT = "secretariat", _("Thường trực / quản trị")


class User(AbstractUser):
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="users", verbose_name=_("đơn vị")
    )
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    position = models.CharField(_("chức vụ"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self):
        return self.full_name or self.get_full_name() or self.username

    @property
    def role_set(self) -> frozenset:
        """The user's roles, read once per request (every page asks: the menu, the permissions).
        One statement written once rather than a queryset composed on each request."""
        if not hasattr(self, "_role_set"):
            with connection.cursor() as cursor:
                cursor.execute(_ROLES_SQL, [self.pk])
                self._role_set = frozenset(role for (role,) in cursor.fetchall())
        return self._role_set

    def has_role(self, *roles) -> bool:
        return bool(self.role_set.intersection(roles))

    @property
    def is_secretariat(self) -> bool:
        return self.is_superuser or self.has_role(Role.SECRETARIAT)

    @property
    def is_reviewer(self) -> bool:
        return self.has_role(Role.REVIEWER)

    @property
    def is_leadership(self) -> bool:
        return self.has_role(Role.LEADERSHIP)

    @property
    def is_unit_head(self) -> bool:
        return self.unit_id is not None and self.has_role(Role.HEAD)

    @property
    def is_unit_member(self) -> bool:
        return self.unit_id is not None and self.has_role(Role.STAFF, Role.HEAD)

    @property
    def reads_everything(self) -> bool:
        return self.is_secretariat or self.has_role(Role.REVIEWER, Role.LEADERSHIP)


class UserRole(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("vai trò")
        verbose_name_plural = _("vai trò")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="uniq_user_role")]

    def __str__(self):
        return self.get_role_display()


_ROLES_SQL = f"SELECT role FROM {UserRole._meta.db_table} WHERE user_id = %s"  # noqa: S608 - the model's table
