from django.urls import path

from .dashboard import views as dashboard

app_name = "reports"
urlpatterns = [
    path("dashboard/", dashboard.province_dashboard, name="dashboard"),
    path("dashboard/unit/", dashboard.my_unit_dashboard, name="my_unit_dashboard"),
    path("dashboard/units/<int:unit_id>/", dashboard.unit_dashboard, name="unit_dashboard"),
    path("dashboard/list/", dashboard.dashboard_list, name="dashboard_list"),
]

# Official reports: builder, generation status, archive and downloads (issue 8).
from . import builder_views  # noqa: E402

urlpatterns += [
    path("builder/", builder_views.builder, name="builder"),
    path("builder/draft/", builder_views.builder_draft, name="builder_draft"),
    path("builder/export/", builder_views.raw_export, name="raw_export"),
    path("archive/", builder_views.archive_list, name="archive_list"),
    path("archive/<int:generatedreport_id>/", builder_views.archive_detail, name="archive_detail"),
    path(
        "archive/<int:generatedreport_id>/signed/upload/",
        builder_views.archive_signed_upload,
        name="archive_signed_upload",
    ),
    path(
        "archive/<int:generatedreport_id>/<str:fmt>/", builder_views.archive_download, name="archive_download"
    ),
]

# Reminder letters ("công văn đôn đốc") about escalated red flags.
from . import letter_views  # noqa: E402

urlpatterns += [
    path("letters/new/<int:flag_id>/", letter_views.letter_new, name="letter_new"),
    path("letters/<int:letter_id>/", letter_views.letter_detail, name="letter_detail"),
    path("letters/<int:letter_id>/pdf/", letter_views.letter_download, name="letter_download"),
]
