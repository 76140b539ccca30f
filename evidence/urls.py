from django.urls import path

from . import views

app_name = "evidence"
urlpatterns = [
    path("assignments/<int:assignment_id>/upload/", views.upload, name="upload"),
    path("<int:evidence_id>/remove/", views.remove, name="remove"),
    path("<int:evidence_id>/download/", views.download, name="download"),
    path("<int:evidence_id>/preview/", views.preview, name="preview"),
    path("review/", views.queue, name="queue"),
    path("review/approve-many/", views.approve_many, name="approve_many"),
    path("review/<int:assignment_id>/", views.claim, name="claim"),
    path("review/<int:assignment_id>/approve/", views.approve, name="approve"),
    path("review/<int:assignment_id>/return/", views.return_claim, name="return"),
]
