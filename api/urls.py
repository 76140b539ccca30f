from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import client_views, views

app_name = "api"

router = SimpleRouter(trailing_slash=True, use_regex_path=False)
router.register("plans", views.PlanViewSet, basename="plan")
router.register("subtasks", views.SubTaskViewSet, basename="subtask")
router.register("assignments", views.AssignmentViewSet, basename="assignment")
router.register("progress-reports", views.ProgressReportViewSet, basename="progress-report")
router.register("red-flags", views.RedFlagViewSet, basename="red-flag")
router.register("periods", views.PeriodViewSet, basename="period")
router.register("units", views.UnitViewSet, basename="unit")
router.register("targets", views.TargetViewSet, basename="target")
router.register("target-values", views.TargetValueViewSet, basename="target-value")
router.register("budget/lines", views.BudgetLineViewSet, basename="budget-line")
router.register("budget/disbursements", views.DisbursementViewSet, basename="disbursement")

v1 = [
    *router.urls,
    path(
        "progress-reports/<int:pk>/texts/",
        views.ProgressReportTextsView.as_view(),
        name="progress-report-texts",
    ),
    path("figures/units/", views.UnitFiguresView.as_view(), name="unit-figures"),
    path("budget/rollups/", views.BudgetRollupView.as_view(), name="budget-rollups"),
    # Any other path, newlines included (<path:…> is `.+`, which stops at one).
    re_path(r"(?P<rest>(?s:.*))", views.NotFoundView.as_view(), name="not-found"),
]

urlpatterns = [
    path("v1/", include((v1, "v1"))),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("clients/", client_views.client_list, name="client_list"),
    path("clients/new/", client_views.client_create, name="client_create"),
    path("clients/<int:client_id>/", client_views.client_detail, name="client_detail"),
    path("clients/<int:client_id>/revoke/", client_views.client_revoke, name="client_revoke"),
    path("clients/<int:client_id>/webhook/", client_views.client_webhook, name="client_webhook"),
]
