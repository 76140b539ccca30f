"""Browsing plans: the list, a plan's appendix as a tree or a filtered list, one sub-task."""

import unicodedata
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.text import get_valid_filename
from django.views.decorators.http import require_GET

from kpis.flag_selectors import flag_list
from nq57portal.replicas import replica_reads

from .. import selectors
from ..filters import SubtaskFilterForm
from ..forms import DeadlineChangeForm
from ..permissions import access_plan_for_user, access_subtask_for_user

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _wants_fragment(request) -> bool:
    # A history restore after a cache miss asks for the whole page, though it comes from htmx.
    return bool(request.htmx) and not request.htmx.history_restore_request


def _render(request, template, fragment, context):
    name = f"{template}#{fragment}" if _wants_fragment(request) else template
    response = render(request, name, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def plan_list(request):
    plans = selectors.plans_for_user(user=request.user)
    page = Paginator(plans, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(request, "tasks/plan_list.html", "plans", {"page": page})


@login_required
@require_GET
def plan_detail(request, plan_id):
    plan = access_plan_for_user(request.user, plan_id)
    plan = selectors.plan_with_counts(plan=plan, user=request.user)
    sections = list(plan.sections.order_by("order", "pk"))
    units = selectors.filter_units_for_plan(plan=plan)
    form = SubtaskFilterForm(request.GET or None, units=units, sections=sections)
    filters = form.filters()
    # Unit staff mostly want their own unit's work: offer it as a one-click filter.
    my_unit = next((unit for unit in units if unit.pk == request.user.unit_id), None)
    context = {
        "plan": plan,
        "amendments": selectors.plan_amendments(plan=plan),
        "form": form,
        "filters": filters,
        "page": None,
        "sections": None,
        "my_unit": my_unit,
    }
    if filters.active:
        subtasks = selectors.subtasks_matching(plan=plan, filters=filters, user=request.user)
        page = Paginator(subtasks, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = list(page.object_list)
        selectors.attach_units(page.object_list)
        context["page"] = page
    else:
        # The largest plan has hundreds of sub-tasks: the tree comes a page at a time, the table of
        # contents leading to the page of each general task.
        tree = selectors.plan_tree_page(plan=plan, sections=sections, number=request.GET.get("page"))
        context.update(sections=tree.sections, toc=tree.toc, tree_page=tree.page)
    return _render(request, "tasks/plan_detail.html", "results", context)


@login_required
@require_GET
def subtask_detail(request, subtask_id):
    subtask = access_subtask_for_user(request.user, subtask_id)
    return render_subtask_page(request, subtask)


def render_subtask_page(request, subtask, *, extra=None, status=200):
    """The sub-task's page; `extra` carries a deadline-change form refused with its errors."""
    from ..deadlines import deadline_changes_for_page

    subtask = selectors.subtask_for_page(subtask)
    plan_url = reverse("tasks:plan_detail", args=[subtask.plan_id])
    section = subtask.general_task.section
    context = {
        "subtask": subtask,
        "plan": subtask.plan,
        "section": section,
        "general_task": subtask.general_task,
        "section_url": f"{plan_url}?{urlencode({'section': section.pk})}",
        "flags": flag_list(user=request.user, subtask_id=subtask.pk, include_resolved=True)[:50],
        "versions": selectors.subtask_versions(subtask=subtask),
        **deadline_changes_for_page(subtask=subtask, user=request.user),
    }
    context.update(extra or {})
    if context["deadline_assignment"] is not None and "deadline_form" not in context:
        context["deadline_form"] = DeadlineChangeForm(fan_out=context["deadline_fan_out"])
    return render(request, "tasks/subtask_detail.html", context, status=status)


@login_required
@require_GET
@replica_reads()
def plan_export_xlsx(request, plan_id):
    plan = access_plan_for_user(request.user, plan_id)
    # Imported here: the exporter pulls in openpyxl, which the browsing pages never need.
    from tasks import exporting

    response = HttpResponse(exporting.plan_to_xlsx_bytes(plan), content_type=XLSX)
    response["Content-Disposition"] = attachment_header(export_filename(plan))
    return response


def export_filename(plan) -> str:
    stem = (plan.code or plan.title or f"ke-hoach-{plan.pk}").replace("/", "-").replace("\\", "-")
    stem = " ".join(stem.split())[:80].strip(" .-")
    return f"{stem or 'ke-hoach'}.xlsx"


def attachment_header(filename: str) -> str:
    """RFC 6266: an ASCII fallback for old clients, the exact name in UTF-8 for the rest."""
    ascii_name = unicodedata.normalize("NFD", filename.replace("đ", "d").replace("Đ", "D"))
    ascii_name = ascii_name.encode("ascii", "ignore").decode()
    ascii_name = get_valid_filename(ascii_name) or "ke-hoach.xlsx"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
