from django.contrib import admin

from .models import Kpi, KpiTarget


class KpiTargetInline(admin.TabularInline):
    model = KpiTarget
    extra = 0


@admin.register(Kpi)
class KpiAdmin(admin.ModelAdmin):
    list_display = ["text", "subtask"]
    search_fields = ["text"]
    inlines = [KpiTargetInline]
