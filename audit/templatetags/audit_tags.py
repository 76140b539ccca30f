from django import template

from ..labels import action_label, choice_labels, field_label, role_labels, value_words
from ..selectors import history_for

register = template.Library()


@register.inclusion_tag("audit/_history.html", takes_context=True)
def audit_history(context, obj, limit=50):
    """`{% audit_history obj %}`: the object's history, for a page that has already checked access."""
    user = context.get("user")
    return {
        "events": history_for(obj, limit=limit),
        "show_ip": bool(user and user.is_authenticated and user.is_secretariat),
        "limit": limit,
    }


@register.filter
def audit_action(action: str) -> str:
    return action_label(action)


@register.filter
def audit_changes(changes, object_type="") -> list:
    """[(field, before, after)] for display; non-diff payloads come back as (key, None, value)."""
    rows = []
    if not isinstance(changes, dict):
        return rows
    for key, value in changes.items():
        if isinstance(value, list) and len(value) == 2:
            before, after = value
        else:
            before, after = None, value
        if key == "roles":
            before, after = role_labels(before), role_labels(after)
        else:
            before, after = choice_labels(key, before, object_type), choice_labels(key, after, object_type)
        rows.append((field_label(key), before, after))
    return rows


@register.filter
def audit_value(value) -> str:
    return value_words(value)
