"""The board's Jinja2 templates: their messages reach the catalogue, as makemessages reads them."""

import datetime
import unicodedata
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.utils import timezone, translation

from reports.management.commands.makemessages import jinja_templatize
from tests.test_i18n import LOCALE, parse_po

JINJA2 = Path(settings.BASE_DIR) / "templates" / "jinja2"


def test_every_message_of_the_jinja2_templates_is_translated():
    env = engines["jinja2"].env
    translated = {e["msgid"] for e in parse_po(LOCALE / "django.po") if not e["obsolete"] and e["msgstr"][0]}
    found = {
        message[0] if isinstance(message, tuple) else message  # (text, None, …) when it takes values
        for path in JINJA2.rglob("*.html")
        for _, _, message in env.extract_translations(path.read_text(encoding="utf-8"))
    }
    assert "Đang hiện %(shown)s/%(total)s đơn vị." in found  # a message with values, which DTL's lexer misses
    assert "%% phân công" in found
    assert found - translated == set()


def test_makemessages_sees_each_message_on_its_line():
    source = '<p>\n  {{ _("Xem tất cả") }}\n  {{ _("Đang hiện %(shown)s/%(total)s đơn vị.", shown=1, total=2) }}\n</p>\n'
    lines = jinja_templatize(source, engines["jinja2"].env).split("\n")
    assert len(lines) == source.count("\n") + 1
    assert lines[1] == "_('Xem tất cả'); "
    assert lines[2] == "_('Đang hiện %(shown)s/%(total)s đơn vị.'); "


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_fast_filters_print_what_django_prints(language):
    """The board's |intcomma, |truncatechars and numeric |date skip Django for the common cases;
    what they print must not differ from Django's own filters in either language."""
    from django.contrib.humanize.templatetags.humanize import intcomma
    from django.template.defaultfilters import date, truncatechars

    from nq57portal import jinja2 as board

    with translation.override(language):
        for value in [0, 7, 999, 1000, -1234, 20898, 1234567, 10**9, 2.5, "12"]:
            assert board.intcomma(value) == intcomma(value), value
        decomposed = unicodedata.normalize("NFD", "Hoàn thiện thể chế, chính sách")
        for text in ["", "abc", "Phát triển hạ tầng và dữ liệu " * 4, decomposed]:
            for length in [5, 30, 70, 200]:
                assert board.truncatechars(text, length) == truncatechars(text, length), (text, length)
        now = timezone.now()
        for value, formats in [
            (datetime.date(2026, 1, 5), ["d/m/Y", "m/Y", "Y-m"]),
            (now, ["d/m/Y", "m/Y", "Y-m", "H:i d/m/Y"]),
        ]:
            for fmt in formats:
                assert board.date(value, fmt) == date(timezone.template_localtime(value), fmt), fmt


def test_a_translated_message_is_the_same_through_the_cache():
    """`_()` keeps each language's translation once; switching language switches the text."""
    env = engines["jinja2"].env
    template = env.from_string(
        '{{ _("Quá hạn") }}|{{ _("Đang hiện %(shown)s/%(total)s đơn vị.", shown=3, total="<b>") }}'
    )
    with translation.override("en"):
        first = template.render()
        assert template.render() == first
    with translation.override("vi"):
        assert template.render() == "Quá hạn|Đang hiện 3/&lt;b&gt; đơn vị."
    with translation.override("en"):
        english = translation.gettext("Quá hạn")
    assert english != "Quá hạn" and first.startswith(f"{english}|") and "&lt;b&gt;" in first
