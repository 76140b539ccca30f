from django.http import Http404


def plan_list(request):
    raise Http404


def plan_detail(request, plan_id):
    raise Http404


def plan_export_xlsx(request, plan_id):
    raise Http404


def subtask_detail(request, subtask_id):
    raise Http404
