"""Django's makemessages, reading the Jinja2 templates (templates/jinja2/) with Jinja2's own parser.

Django reads every template with the DTL lexer: it finds `{{ _("text") }}` in a Jinja2 template, but
not a message with values (`{{ _("Đang hiện %(shown)s/%(total)s đơn vị.", shown=…) }}`,
`{% trans %}`), which would then turn obsolete in the catalogue. A Jinja2 template's messages are
taken from its syntax tree instead and handed to xgettext as gettext calls on their own lines, so
the references in the .po still name the template and its lines. Same options, same command.
"""

from functools import cached_property
from pathlib import Path

from django.core.management.commands import makemessages
from django.template import engines
from django.template.backends.jinja2 import Jinja2


def _jinja_environment(path: str):
    """The Jinja2 environment whose template folders hold `path`, if any."""
    target = Path(path).resolve()
    for engine in engines.all():
        if isinstance(engine, Jinja2) and any(
            target.is_relative_to(Path(folder).resolve()) for folder in engine.template_dirs
        ):
            return engine.env
    return None


def jinja_templatize(source: str, env) -> str:
    """Python source with each message of a Jinja2 template as a call on the template's line."""
    lines = [""] * (source.count("\n") + 1)
    for lineno, function, message in env.extract_translations(source):
        args = message if isinstance(message, tuple) else (message,)
        lines[lineno - 1] += f"{function}({', '.join(repr(a) for a in args if a is not None)}); "
    return "\n".join(lines)


class JinjaBuildFile(makemessages.BuildFile):
    @cached_property
    def jinja_env(self):
        return _jinja_environment(self.path) if self.domain == "django" else None

    def preprocess(self):
        if not (self.is_templatized and self.jinja_env):
            return super().preprocess()
        with open(self.path, encoding="utf-8") as fp:
            content = jinja_templatize(fp.read(), self.jinja_env)
        with open(self.work_path, "w", encoding="utf-8") as fp:
            fp.write(content)


class Command(makemessages.Command):
    build_file_class = JinjaBuildFile
