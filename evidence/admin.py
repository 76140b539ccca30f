from django.contrib import admin

from .models import Evidence, Review


# Evidence and decisions are written only by the services (checks, storage, audit); the admin reads.
class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "kind", "size", "report", "uploaded_by", "uploaded_at", "scanned"]
    list_filter = ["kind", "scanned"]
    search_fields = ["original_name", "sha256"]
    list_select_related = [
        "report__period",
        "report__assignment__unit",
        "report__assignment__subtask",
        "uploaded_by",
    ]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "decision", "reason_code", "reviewer", "decided_at"]
    list_filter = ["decision", "reason_code"]
    list_select_related = ["assignment__unit", "assignment__subtask", "reviewer"]
