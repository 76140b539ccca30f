from decimal import Decimal as D

import pytest
from django.urls import reverse

from targets.models import Target, TargetValue, ValueStatus

from .test_importing import GOOD, workbook
from .world import NOW, World, evidence

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(clock):
    clock.set(NOW)
    w = World()
    w.share = w.share_target()
    return w


def test_a_responsible_unit_reports_a_share_and_a_reviewer_approves_it(client, world):
    client.force_login(world.staff_a)
    url = reverse("targets:detail", args=[world.share.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Báo cáo số liệu chỉ tiêu" in page.content.decode()
    posted = client.post(
        reverse("targets:report", args=[world.share.pk]),
        {
            "unit": world.unit_a.pk,
            "period": world.months[9].pk,
            "numerator": "1.290",
            "denominator": "2.060",
            "evidence": evidence(),
        },
    )
    assert posted.status_code == 302
    row = TargetValue.objects.get()
    assert row.value == D("62.6214") and row.status == ValueStatus.SUBMITTED
    client.force_login(world.reviewer)
    html = client.get(url).content.decode()
    assert "Công nhận" in html and "so-lieu.pdf" in html
    assert client.post(reverse("targets:approve", args=[row.pk]), {"version": "1"}).status_code == 302
    row.refresh_from_db()
    assert row.status == ValueStatus.APPROVED
    html = client.get(reverse("targets:plan", args=[world.plan.pk])).content.decode()
    assert "62,62%" in html and "Chậm so với lộ trình" in html


def test_a_bad_value_is_refused_and_what_was_typed_kept(client, world):
    client.force_login(world.staff_a)
    page = client.post(
        reverse("targets:report", args=[world.share.pk]),
        {
            "unit": world.unit_a.pk,
            "period": world.months[9].pk,
            "numerator": "3.000",
            "denominator": "2.060",
            "note": "Theo Cổng DVC",
            "evidence": evidence(),
        },
    )
    html = page.content.decode()
    assert page.status_code == 400
    assert "Tử số không được lớn hơn mẫu số." in html and "Theo Cổng DVC" in html and 'value="3.000"' in html
    assert not TargetValue.objects.exists()


def test_a_return_needs_a_reason(client, world):
    from targets.services import target_value_report

    row = target_value_report(
        target=world.share,
        unit=world.unit_a,
        period=world.months[9],
        numerator=D(1),
        denominator=D(2),
        uploads=[evidence()],
        actor=world.staff_a,
        now=NOW,
    )
    client.force_login(world.reviewer)
    page = client.post(
        reverse("targets:return", args=[row.pk]), {"version": "1", f"v{row.pk}-reason_code": "other"}
    )
    assert page.status_code == 400
    row.refresh_from_db()
    assert row.status == ValueStatus.SUBMITTED
    done = client.post(
        reverse("targets:return", args=[row.pk]),
        {"version": "1", f"v{row.pk}-reason_code": "other", f"v{row.pk}-reason_text": "Thiếu số liệu xã"},
    )
    assert done.status_code == 302
    row.refresh_from_db()
    assert row.status == ValueStatus.RETURNED


def test_the_secretariat_enters_and_imports_targets_and_others_cannot(client, world):
    client.force_login(world.staff_a)
    assert client.get(reverse("targets:new", args=[world.plan.pk])).status_code == 404
    assert client.post(reverse("targets:import", args=[world.plan.pk]), {}).status_code == 404
    client.force_login(world.secretariat)
    page = client.post(
        reverse("targets:new", args=[world.plan.pk]),
        {
            "code": "1.1.10",
            "text": "Có ≥ 60% người dân có tài khoản VNeID",
            "measure": "%",
            "direction": "at_least",
            "accumulation": "cumulative",
            "m1_value": "60",
            "m1_date": "01/01/2026",
            "units": [world.unit_b.pk],
        },
    )
    assert page.status_code == 302
    assert Target.objects.get(code="1.1.10").milestones.get().value == D(60)
    bad = client.post(reverse("targets:import", args=[world.plan.pk]), {"file": evidence("chi-tieu.xlsx")})
    assert (
        bad.status_code == 400 and "không đọc được" in bad.content.decode() or "Tệp" in bad.content.decode()
    )
    assert Target.objects.count() == 2
    from django.core.files.uploadedfile import SimpleUploadedFile

    good = SimpleUploadedFile("ke-hoach.xlsx", workbook(GOOD))
    assert client.post(reverse("targets:import", args=[world.plan.pk]), {"file": good}).status_code == 302
    assert Target.objects.count() == 3


def test_an_outsider_gets_what_a_missing_id_gets(client, world):
    client.force_login(world.outsider)
    assert client.post(reverse("targets:report", args=[world.share.pk]), {}).status_code == 404
    assert client.get(reverse("targets:edit", args=[world.share.pk])).status_code == 404
    assert client.post(reverse("targets:approve", args=[999]), {}).status_code == 404
    assert (
        client.get(reverse("targets:detail", args=[world.share.pk])).status_code == 200
    )  # the plan is public


def test_evidence_files_are_for_the_responsible_units_and_the_readers(client, world):
    from targets.models import TargetValueFile
    from targets.services import target_value_report

    target_value_report(
        target=world.share, unit=world.unit_a, period=world.months[9], numerator=D(1), denominator=D(2),
        uploads=[evidence()], actor=world.staff_a, now=NOW,
    )  # fmt: skip
    url = reverse("targets:download", args=[TargetValueFile.objects.get().pk])
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    for user in (world.staff_a, world.reviewer):
        client.force_login(user)
        assert client.get(url).status_code == 200


def test_the_dashboards_show_each_target_against_its_line(client, world):
    from targets.services import target_value_approve, target_value_report

    row = target_value_report(
        target=world.share, unit=world.unit_a, period=world.months[9], numerator=D(1290), denominator=D(2060),
        uploads=[evidence()], actor=world.staff_a, now=NOW,
    )  # fmt: skip
    target_value_approve(target_value=row, reviewer=world.reviewer, now=NOW)
    client.force_login(world.secretariat)
    html = client.get(
        reverse("reports:dashboard"), {"period": "2025-09", "plan": world.plan.pk}
    ).content.decode()
    assert "Chỉ tiêu chậm so với lộ trình" in html and "62,62%" in html and "≥ 80% · 01/01/2026" in html
    client.force_login(world.staff_a)
    html = client.get(
        reverse("reports:unit_dashboard", args=[world.unit_a.pk]), {"period": "2025-09"}
    ).content.decode()
    assert "62,62%" in html
    client.force_login(world.staff_b)
    html = client.get(
        reverse("reports:unit_dashboard", args=[world.unit_b.pk]), {"period": "2025-09"}
    ).content.decode()
    assert "Chỉ tiêu chậm so với lộ trình" not in html  # unit B answers for no target
