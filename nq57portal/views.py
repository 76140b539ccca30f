from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect


@login_required
def home(request):
    """Each role lands where its daily work is."""
    user = request.user
    if user.is_unit_member and not user.reads_everything:
        return redirect("kpis:my_tasks") if _has_route("kpis:my_tasks") else redirect("tasks:plan_list")
    return redirect("tasks:plan_list")


def _has_route(name: str) -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
