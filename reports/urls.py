from django.urls import path  # noqa: F401

app_name = "reports"
urlpatterns: list = []

# Official reports: builder, generation status, archive and downloads (issue 8).
from . import builder_views  # noqa: E402

urlpatterns += [
    path("builder/", builder_views.builder, name="builder"),
    path("builder/draft/", builder_views.builder_draft, name="builder_draft"),
    path("builder/export/", builder_views.raw_export, name="raw_export"),
    path("archive/", builder_views.archive_list, name="archive_list"),
    path("archive/<int:generatedreport_id>/", builder_views.archive_detail, name="archive_detail"),
    path(
        "archive/<int:generatedreport_id>/<str:fmt>/", builder_views.archive_download, name="archive_download"
    ),
]
