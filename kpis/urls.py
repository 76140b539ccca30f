from django.urls import path

from . import views

app_name = "kpis"
urlpatterns = [
    path("", views.my_tasks, name="my_tasks"),
    path("assignments/<int:assignment_id>/report/", views.report_form, name="report_form"),
    path("assignments/<int:assignment_id>/comments/", views.comment_page, name="comment_page"),
    path("reports/<int:report_id>/correct/", views.report_correct_view, name="report_correct"),
    path("signoff/", views.signoff_queue_page, name="signoff_queue"),
    path("signoff/<int:report_id>/", views.signoff_report, name="signoff_report"),
    path("signoff/<int:report_id>/approve/", views.signoff_approve, name="signoff_approve"),
    path("signoff/<int:report_id>/send-back/", views.signoff_send_back, name="signoff_send_back"),
    path(
        "assignments/<int:assignment_id>/claims/<int:report_id>/answer/",
        views.coordination_answer_view,
        name="coordination_answer",
    ),
    path("periods/", views.period_list, name="period_list"),
    path("periods/generate/", views.period_generate, name="period_generate"),
    path("periods/<int:period_id>/lock/", views.period_lock_view, name="period_lock"),
    path("periods/<int:period_id>/reopen/", views.period_reopen_view, name="period_reopen"),
    path("periods/<int:period_id>/remove/", views.period_remove_view, name="period_remove"),
    path("not-reported/", views.not_reported_page, name="not_reported"),
    path("not-reported/remind/", views.not_reported_remind, name="not_reported_remind"),
    path("flags/", views.red_flags, name="flags"),
    path("flags/<int:flag_id>/acknowledge/", views.flag_acknowledge_view, name="flag_acknowledge"),
]
