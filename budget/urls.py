from django.urls import path

from . import views

app_name = "budget"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("assignments/<int:assignment_id>/", views.assignment_budget, name="assignment"),
    path("assignments/<int:assignment_id>/adjust/", views.adjust, name="adjust"),
    path("assignments/<int:assignment_id>/disburse/", views.disburse, name="disburse"),
    path("files/<int:disbursementfile_id>/", views.download, name="download"),
]
