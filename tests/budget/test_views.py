import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from budget.models import Adjustment, Disbursement
from budget.services import allocation_adjust

from .world import NOW, TY, World, evidence

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(clock):
    clock.set(NOW)
    w = World()
    w.line = allocation_adjust(
        assignment=w.lead_a,
        year=2025,
        kind="development",
        level="province",
        decision_number="12/QĐ-UBND",
        decision_date=datetime.date(2025, 1, 10),
        amount=10 * TY,
        actor=w.secretariat,
        now=NOW,
    ).allocation
    return w


def test_the_lead_unit_reports_a_disbursement(client, world):
    client.force_login(world.staff_a)
    url = reverse("budget:assignment", args=[world.lead_a.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "10 tỷ đồng" in page.content.decode()
    assert "Báo cáo giải ngân" in page.content.decode()
    assert "Giao, điều chỉnh dự toán" not in page.content.decode()
    response = client.post(
        reverse("budget:disburse", args=[world.lead_a.pk]),
        {
            "allocation": world.line.pk,
            "period": world.months[9].pk,
            "amount": "2.500.000.000",
            "note": "Thanh toán đợt 1",
            "evidence": [evidence()],
        },
    )
    assert response.status_code == 302
    row = Disbursement.objects.get()
    assert row.amount == Decimal(2_500_000_000)
    page = client.get(url).content.decode()
    assert "25%" in page
    assert "uy-nhiem-chi.pdf" in page
    download = client.get(reverse("budget:download", args=[row.files.get().pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")


def test_an_amount_above_the_allocation_is_refused_and_what_was_typed_kept(client, world):
    client.force_login(world.staff_a)
    response = client.post(
        reverse("budget:disburse", args=[world.lead_a.pk]),
        {
            "allocation": world.line.pk,
            "period": world.months[9].pk,
            "amount": "12.000.000.000",
            "note": "Ghi chú dài",
            "evidence": [evidence()],
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "vượt dự toán được giao" in html
    assert 'value="12.000.000.000"' in html
    assert "Ghi chú dài" in html
    assert not Disbursement.objects.exists()


def test_the_secretariat_records_a_decision_and_a_unit_cannot(client, world):
    client.force_login(world.secretariat)
    response = client.post(
        reverse("budget:adjust", args=[world.lead_a.pk]),
        {
            "year": 2025,
            "kind": "development",
            "level": "province",
            "decision_number": "45/QĐ-UBND",
            "decision_date": "20/06/2025",
            "amount": "-2.000.000.000",
            "reason": "Điều chuyển",
        },
    )
    assert response.status_code == 302
    assert Adjustment.objects.count() == 2
    client.force_login(world.staff_a)
    response = client.post(
        reverse("budget:adjust", args=[world.lead_a.pk]),
        {
            "year": 2025,
            "kind": "development",
            "level": "province",
            "decision_number": "x",
            "decision_date": "20/06/2025",
            "amount": "1.000",
        },
    )
    assert response.status_code == 404
    assert Adjustment.objects.count() == 2


def test_an_outsider_gets_what_a_missing_id_gets(client, world):
    client.force_login(world.outsider)
    for name in ("budget:assignment", "budget:disburse", "budget:adjust"):
        method = client.get if name == "budget:assignment" else client.post
        assert method(reverse(name, args=[world.lead_a.pk])).status_code == 404
    # Unit B reads its own budget, not unit A's; the overview lists only what it may read.
    client.force_login(world.staff_b)
    assert client.get(reverse("budget:assignment", args=[world.lead_a.pk])).status_code == 404
    overview = client.get(reverse("budget:overview"))
    assert overview.status_code == 200
    assert "12/QĐ-UBND" not in overview.content.decode()
    assert world.sub_1.title[:30] not in overview.content.decode()


def test_the_overview_rolls_up_for_the_secretariat(client, world, django_assert_max_num_queries):
    client.force_login(world.secretariat)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("budget:overview"), {"plan": world.plan.pk, "year": 2025})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Chi đầu tư phát triển" in html
    assert "Sở Khoa học và Công nghệ" in html
    assert "10 tỷ đồng" in html


def test_the_dashboards_show_the_disbursement_rate_beside_completion(client, world):
    from budget.services import disbursement_report

    disbursement_report(
        allocation=world.line, period=world.months[9], amount=Decimal(3_650_000_000), uploads=[evidence()],
        actor=world.staff_a, now=NOW,
    )  # fmt: skip
    client.force_login(world.secretariat)
    html = client.get(reverse("reports:dashboard"), {"period": "2025-09"}).content.decode()
    assert "Giải ngân kinh phí năm 2025" in html
    assert "36,5%" in html and "3,7 tỷ đồng / 10 tỷ đồng" in html
    client.force_login(world.staff_a)
    html = client.get(
        reverse("reports:unit_dashboard", args=[world.unit_a.pk]), {"period": "2025-09"}
    ).content.decode()
    assert "36,5%" in html
    client.force_login(world.staff_b)
    html = client.get(
        reverse("reports:unit_dashboard", args=[world.unit_b.pk]), {"period": "2025-09"}
    ).content.decode()
    assert "Giải ngân kinh phí" not in html  # unit B has no budget
