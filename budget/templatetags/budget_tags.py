from django import template

from budget import money as m

register = template.Library()


@register.filter
def money(amount):
    return m.money(amount)


@register.filter
def dong(amount):
    return m.dong(amount)


@register.filter
def percent(value):
    return m.percent(value)
