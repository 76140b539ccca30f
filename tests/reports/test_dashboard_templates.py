"""The board's Jinja2 templates: their messages reach the catalogue, as makemessages reads them."""

from pathlib import Path

from django.conf import settings
from django.template import engines

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
