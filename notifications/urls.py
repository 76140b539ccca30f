from django.contrib.auth.decorators import login_required
from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("bell/", views.bell, name="bell"),
    path("<int:notification_id>/read/", views.mark_read, name="mark_read"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("preferences/", views.preferences, name="preferences"),
    # The red flags live with the flags (kpis); old links and bookmarks still arrive there.
    path(
        "flags/",
        login_required(RedirectView.as_view(pattern_name="kpis:flags", query_string=True)),
        name="flags",
    ),
]
