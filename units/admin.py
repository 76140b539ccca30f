from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import GroupMembership, Unit, UnitAlias, User, UserRole


class UnitAliasInline(admin.TabularInline):
    model = UnitAlias
    extra = 1


class MembershipInline(admin.TabularInline):
    model = GroupMembership
    fk_name = "group"
    autocomplete_fields = ["member"]
    extra = 1
    verbose_name = _("Thành viên")
    verbose_name_plural = _("Thành viên (nếu là nhóm)")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "is_demo", "is_active"]
    list_filter = ["kind", "is_demo", "is_active"]
    search_fields = ["name", "short_name", "aliases__name"]
    inlines = [UnitAliasInline, MembershipInline]


class UserRoleInline(admin.TabularInline):
    model = UserRole
    extra = 1


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "unit", "is_active", "last_login"]
    list_filter = ["is_active", "roles__role", "unit__kind"]
    search_fields = ["username", "full_name", "email", "unit__name"]
    autocomplete_fields = ["unit"]
    inlines = [UserRoleInline]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Đơn vị"), {"fields": ("unit", "full_name", "position")}),
    )
