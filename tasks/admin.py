from django.contrib import admin

from kpis.models import Kpi

from .models import Assignment, GeneralTask, Plan, Section, SubTask


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "issuer", "issue_date", "status"]
    list_filter = ["status"]
    search_fields = ["code", "title"]
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "plan"]
    list_filter = ["plan"]


@admin.register(GeneralTask)
class GeneralTaskAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "section"]
    list_filter = ["section__plan"]
    search_fields = ["title"]


class KpiInline(admin.TabularInline):
    model = Kpi
    extra = 0


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    autocomplete_fields = ["unit", "via_group"]


@admin.register(SubTask)
class SubTaskAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "deadline", "ongoing", "plan"]
    list_filter = ["plan", "ongoing"]
    search_fields = ["code", "title", "search_text"]
    inlines = [KpiInline, AssignmentInline]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["subtask", "unit", "role", "via_group"]
    list_filter = ["role", "subtask__plan"]
    autocomplete_fields = ["unit", "via_group", "subtask"]
    list_select_related = ["subtask", "unit", "via_group"]
