from django.contrib import admin

from .models import AssignmentState, Kpi, KpiTarget, Period, ProgressReport


class KpiTargetInline(admin.TabularInline):
    model = KpiTarget
    extra = 0


@admin.register(Kpi)
class KpiAdmin(admin.ModelAdmin):
    list_display = ["text", "subtask"]
    search_fields = ["text"]
    inlines = [KpiTargetInline]


# Reporting rows are written only by the services (versions, audit); the admin reads them.
class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Period)
class PeriodAdmin(ReadOnlyAdmin):
    list_display = ["plan", "kind", "start", "end", "due_date", "locked"]
    list_filter = ["kind", "locked"]


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "period", "version", "status", "completion", "submitted_at"]
    list_filter = ["status", "is_claim"]
    list_select_related = ["assignment__subtask", "assignment__unit", "period__plan"]


@admin.register(AssignmentState)
class AssignmentStateAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "status", "latest_completion", "completed_on_time"]
    list_filter = ["status"]
    list_select_related = ["assignment__subtask", "assignment__unit"]
