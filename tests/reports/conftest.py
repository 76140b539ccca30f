import pytest


@pytest.fixture(autouse=True)
def _jinja2_templates_report_their_context(monkeypatch):
    """The test client keeps the context of DTL templates only (Django instruments DTL's render in
    tests); the dashboard board is Jinja2, so its render reports its context the same way and
    `response.context["totals"]` still reads the board's figures."""
    from django.template.backends.jinja2 import Template
    from django.test.signals import template_rendered

    render = Template.render

    def instrumented_render(self, context=None, request=None):
        template_rendered.send(sender=self, template=self, context=context)
        return render(self, context, request)

    monkeypatch.setattr(Template, "render", instrumented_render)


@pytest.fixture
def at_now(clock):
    """The pages' clock at the day the dashboard data sets are built as of (dashboard_world.NOW)."""
    from tests.reports.dashboard_world import NOW

    clock.set(NOW)
    return NOW
