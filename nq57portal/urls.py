from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("units.account_urls")),
    path("units/", include("units.urls")),
    path("plans/", include("tasks.urls")),
    path("kpis/", include("kpis.urls")),
    path("evidence/", include("evidence.urls")),
    path("reports/", include("reports.urls")),
    path("budget/", include("budget.urls")),
    path("targets/", include("targets.urls")),
    path("notifications/", include("notifications.urls")),
    path("audit/", include("audit.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = _("Cổng NQ57 — quản trị")
admin.site.site_title = _("Cổng NQ57")
