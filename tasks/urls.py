from django.urls import path

from .views import browse, deadlines, imports, settings

app_name = "tasks"
urlpatterns = [
    path("", browse.plan_list, name="plan_list"),
    path("<int:plan_id>/", browse.plan_detail, name="plan_detail"),
    path("<int:plan_id>/settings/", settings.plan_settings, name="plan_settings"),
    path("<int:plan_id>/export.xlsx", browse.plan_export_xlsx, name="plan_export_xlsx"),
    path("subtasks/<int:subtask_id>/", browse.subtask_detail, name="subtask_detail"),
    path("assignments/<int:assignment_id>/deadline/", deadlines.deadline_request, name="deadline_request"),
    path("deadline-changes/<int:change_id>/decide/", deadlines.deadline_decide, name="deadline_decide"),
    path("deadline-changes/<int:change_id>/document/", deadlines.deadline_document, name="deadline_document"),
    path("import/", imports.import_upload, name="import_plan"),
    path("import/<str:token>/", imports.import_preview, name="import_preview"),
    path("import/<str:token>/apply/", imports.import_apply, name="import_apply"),
    path("import/<str:token>/retarget/", imports.import_retarget, name="import_retarget"),
]
