from django.contrib import admin

from .models import Adjustment, Allocation, Disbursement, DisbursementFile


class AdjustmentInline(admin.TabularInline):
    model = Adjustment
    extra = 0
    readonly_fields = ["decision_number", "decision_date", "amount", "reason", "created_by", "created_at"]
    can_delete = False


@admin.register(Allocation)
class AllocationAdmin(admin.ModelAdmin):
    """Read-only: decisions and disbursements are recorded through the portal's pages (audited)."""

    list_display = ["assignment", "year", "kind", "level"]
    list_filter = ["year", "kind", "level"]
    list_select_related = ["assignment__subtask", "assignment__unit"]
    raw_id_fields = ["assignment"]
    inlines = [AdjustmentInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Disbursement)
class DisbursementAdmin(admin.ModelAdmin):
    list_display = ["allocation", "period", "amount", "reported_by", "reported_at"]
    list_select_related = ["allocation", "period__plan", "reported_by"]
    raw_id_fields = ["allocation", "period"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DisbursementFile)
class DisbursementFileAdmin(admin.ModelAdmin):
    list_display = ["original_name", "disbursement", "size", "uploaded_at"]
    raw_id_fields = ["disbursement"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
