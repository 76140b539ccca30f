"""A kind of red flag is one entry in kpis.flags.RULES: registered there, the sweep raises and
resolves it, the flag page lists and filters it, the notice tells it, most severe first."""

import pytest
from django.urls import reverse

from kpis.flags import RULES, FlagKind, FlagRule, RedFlag, flag_kinds, message_for, register
from kpis.models import Status
from kpis.sweep import sweep
from notifications.models import Notification
from notifications.services.events import notify_raised_flags
from tests.factories import UserFactory
from units.models import Role

from .conftest import day_n, set_state

pytestmark = pytest.mark.django_db


def _stalled_condition(today, ids=None):
    from kpis.flag_conditions import lead_assignments

    return lead_assignments(today, ids).filter(flag_status=Status.IN_PROGRESS, actual=0)


@pytest.fixture
def stalled():
    rule = register(
        FlagRule(
            kind="stalled",
            label="Đình trệ",
            severity=0,
            condition=_stalled_condition,
            fields=("actual",),
            numbers=lambda row, today, period: {"actual": float(row["actual"]), "as_of": today.isoformat()},
            message=lambda n: f"Đình trệ: báo cáo {n['actual']:g} %.",
        )
    )
    yield rule
    del RULES[rule.kind]


def test_the_built_in_kinds_in_order_of_severity():
    assert flag_kinds() == [
        FlagKind.OVERDUE,
        FlagKind.QUALITY,
        FlagKind.LAGGING,
        FlagKind.NO_REPORT,
        FlagKind.TARGET_BEHIND,
    ]


def test_a_registered_kind_is_swept_listed_and_announced(stalled, make_lead, client):
    lead = make_lead()
    set_state(lead, completion=0)
    staff = UserFactory(unit=lead.unit, roles=[Role.STAFF])

    sweep(now=day_n(10))
    flag = RedFlag.objects.get(kind="stalled", resolved_at__isnull=True)
    assert flag.assignment == lead
    assert flag.message_vi == "Đình trệ: báo cáo 0 %." == message_for("stalled", flag.numbers)
    assert flag.get_kind_display() == "Đình trệ"

    notify_raised_flags(now=day_n(10))
    notice = Notification.objects.get(recipient=staff)
    assert "Đình trệ" in notice.subject and "Đình trệ: báo cáo 0 %." in notice.body

    client.force_login(staff)
    page = client.get(reverse("kpis:flags"), {"kind": "stalled"})
    assert [f.kind for f in page.context["flags"]] == ["stalled"]
    assert page.context["totals"]["stalled"] == 1
    assert "Đình trệ" in page.content.decode()

    set_state(lead, completion=5)
    sweep(now=day_n(11))
    flag.refresh_from_db()
    assert flag.resolved_at is not None


def test_the_old_address_of_the_flag_page_leads_to_it(client):
    client.force_login(UserFactory(roles=[Role.LEADERSHIP]))
    response = client.get("/notifications/flags/?unit=3&kind=overdue")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('kpis:flags')}?unit=3&kind=overdue"


def test_a_registered_kind_is_acknowledged_and_told_in_the_official_report(stalled, make_lead, plan):
    """Whether the unit head answers it with a remediation plan is the rule's own entry too; the
    official report tells it under its severity, as the sweep left it."""
    import dataclasses
    import datetime

    from kpis.flags import acknowledged_kinds
    from kpis.models import Period, PeriodKind
    from kpis.services import periods_ensure
    from kpis.services.remediation import can_acknowledge, flag_acknowledge
    from reports.assembly import assemble, resolve_scope

    register(dataclasses.replace(stalled, acknowledged=True))
    assert acknowledged_kinds() == ["stalled", FlagKind.OVERDUE, FlagKind.LAGGING]
    lead = make_lead()
    set_state(lead, completion=0)
    periods_ensure(now=day_n(40), plan=plan)
    sweep(now=day_n(10))
    flag = RedFlag.objects.get(kind="stalled", resolved_at__isnull=True)
    head = UserFactory(unit=lead.unit, roles=[Role.HEAD])
    assert can_acknowledge(head, flag)
    ack = flag_acknowledge(
        flag=flag,
        actor=head,
        remedy="Họp triển khai lại",
        expected_finish=datetime.date(2025, 2, 28),
        now=day_n(11),
    )
    assert ack.flag == flag

    january = Period.objects.get(plan=plan, kind=PeriodKind.MONTHLY, start__month=1)
    figures = assemble(resolve_scope(kind=PeriodKind.MONTHLY, period=january))["flags"]
    assert figures["by_kind"]["stalled"] == 1 == figures["assignments"]
    assert [item["kinds"] for item in figures["items"]] == [["stalled"]]
