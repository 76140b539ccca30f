"""The Jinja2 environment of the templates under templates/jinja2/ (the dashboard board).

Jinja2 compiles a template to Python: the board, some 1,900 variable lookups, renders 2 to 2.5
times faster than in the Django template language. What it prints must not change with the
language it is written in, so values are printed as DTL prints them (numbers in the active
language's format, aware times in local time) and the filters are Django's own functions. As in
DTL, a translation of a string written in a template is trusted (not escaped); the values put into
it are escaped.
"""

import unicodedata

import jinja2
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma as django_intcomma
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import truncatechars as django_truncatechars
from django.utils.formats import get_format, localize
from django.utils.html import json_script
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext, ngettext, npgettext, pgettext
from markupsafe import Markup


def printed(value):
    """A value as DTL prints it: 25.9 is "25,9" in Vietnamese, an aware time is local time.

    (DTL's `{% localize off %}` prints numbers unlocalised; integers print the same either way while
    USE_THOUSAND_SEPARATOR is off, and the board's tables print percentages as ready-made text.)
    """
    cls = value.__class__
    if cls is str or (cls is int and not settings.USE_THOUSAND_SEPARATOR):
        return value
    return localize(template_localtime(value))


# Formats of |date made of numbers only: the same in every language, so strftime prints them exactly
# as Django's date format does, some ten times faster (the board prints dozens of dates and months).
_NUMERIC_DATES = {"d/m/Y": "%d/%m/%Y", "m/Y": "%m/%Y", "Y-m": "%Y-%m", "H:i d/m/Y": "%H:%M %d/%m/%Y"}


def date(value, arg=None):
    """DTL's |date, which receives aware times already in local time."""
    numeric = _NUMERIC_DATES.get(arg)
    if numeric is not None and hasattr(value, "strftime"):
        return template_localtime(value).strftime(numeric)
    return date_filter(template_localtime(value), arg)


# Language → its thousand separator when it groups by threes, else None (humanize decides then).
_GROUPING: dict = {}


def intcomma(value):
    """humanize's |intcomma; an int is grouped by threes with the language's separator directly."""
    language = get_language()
    if language not in _GROUPING:
        grouping = get_format("NUMBER_GROUPING")
        _GROUPING[language] = get_format("THOUSAND_SEPARATOR") if grouping == 3 else None
    separator = _GROUPING[language]
    if value.__class__ is int and separator is not None:
        return f"{value:,}".replace(",", separator)
    return django_intcomma(value)


def truncatechars(value, length):
    """DTL's |truncatechars; a short text in NFC (what Django's Truncator returns) comes back as it is."""
    if isinstance(value, str) and len(value) <= int(length) and unicodedata.is_normalized("NFC", value):
        return value
    return django_truncatechars(value, length)


# Translations of the templates' own strings, per language: a board asks for some seventy, and each
# asked of Django walks its thread-local active translation. A message is the same for the life of
# the process (a new catalogue means a new process); a lazy label (Status.label…) is a Promise and
# goes to Django each time.
_TRANSLATED: dict = {}


@jinja2.pass_context
def translate(context, message, **variables):
    """`_("…")` of jinja2.ext.i18n (newstyle: the result is a format string, `%%` prints `%`)."""
    key = (get_language(), message)
    found = _TRANSLATED.get(key)
    if found is None:
        text = gettext(message)
        # Trusted as DTL trusts a translation written in a template; the values put into it are escaped.
        found = _TRANSLATED[key] = Markup(text) if context.eval_ctx.autoescape else text  # noqa: S704
    return found % variables


def environment(**options):
    # HTML throughout: autoescape on whatever OPTIONS say.
    options["autoescape"] = True
    env = jinja2.Environment(**options, finalize=printed, extensions=["jinja2.ext.i18n"])  # noqa: S701 - just above
    env.install_gettext_callables(gettext, ngettext, newstyle=True, pgettext=pgettext, npgettext=npgettext)
    env.globals["_"] = translate
    env.filters.update(
        {
            "date": date,
            "intcomma": intcomma,
            "json_script": json_script,
            "truncatechars": truncatechars,
        }
    )
    return env
