from django import template

from ..models import Status

register = template.Library()

STATUS_BADGES = {
    Status.NOT_STARTED: "muted",
    Status.IN_PROGRESS: "info",
    Status.AWAITING_REVIEW: "warn",
    Status.COMPLETED: "ok",
    Status.RETURNED: "bad",
}


@register.filter
def status_badge(status) -> str:
    return STATUS_BADGES.get(status, "muted")


@register.filter
def status_label(status) -> str:
    return Status(status).label if status in Status.values else ""


@register.inclusion_tag("kpis/_subtask_progress_body.html", takes_context=True)
def subtask_progress(context, subtask):
    """Progress of a sub-task for its page: roll-up, report versions, co-ordinating units' comments."""
    from ..selectors import subtask_progress as select

    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    data = select(subtask=subtask, user=user)
    return {**data, "request": request, "user": user}
