from django import template

from budget.money import vn_number

from ..selectors import SIGNS
from ..selectors import figure as figure_text

register = template.Library()


@register.filter
def figure(value, measure):
    """62.5000 and "%" → "62,5%"; 3 and "cơ chế chính sách" → "3 cơ chế chính sách"."""
    if value is None or value == "":
        return "—"
    return figure_text(value, measure or "")


@register.filter
def vn(value, places=0):
    return "—" if value is None else vn_number(value, int(places))


@register.filter
def sign(target):
    return SIGNS.get(target.direction, "")
