from django.urls import path

from . import views

app_name = "targets"
urlpatterns = [
    path("", views.index, name="index"),
    path("plans/<int:plan_id>/", views.plan_targets, name="plan"),
    path("plans/<int:plan_id>/new/", views.target_form, name="new"),
    path("plans/<int:plan_id>/import/", views.import_targets, name="import"),
    path("<int:target_id>/", views.detail, name="detail"),
    path("<int:target_id>/edit/", views.target_form, name="edit"),
    path("<int:target_id>/report/", views.report_value, name="report"),
    path("values/<int:value_id>/approve/", views.approve_value, name="approve"),
    path("values/<int:value_id>/return/", views.return_value, name="return"),
    path("files/<int:file_id>/", views.download, name="download"),
]
