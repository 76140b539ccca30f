from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect


@login_required
def home(request):
    """Each role lands where its daily work is: unit staff on their tasks, reviewers on the
    queue of claims, leadership and the secretariat on the province dashboard."""
    user = request.user
    if user.is_secretariat or user.is_leadership:
        return redirect("reports:dashboard")
    if user.is_reviewer:
        return redirect("evidence:queue")
    if user.is_unit_member:
        return redirect("kpis:my_tasks")
    return redirect("tasks:plan_list")


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
