"""Pages of the head's sign-off and of the co-ordinating units' answers: the head's queue and a
waiting version's page, the report form while a version waits, the reviewer's claim page, the
co-ordinating unit's page, the units page's setting. Three users each: the one who acts, a member
of the unit who may not, an outsider (404)."""

import pytest
from django.urls import reverse

from kpis.models import CoordinationAnswer, ProgressReport, ReportStatus
from kpis.services import coordination_answer, report_save_draft, report_sign_off, report_submit
from tasks.models import AssignmentRole
from tests.factories import AssignmentFactory, UnitFactory, UserFactory
from units.models import Role, Unit, UnitKind

from .conftest import at, data, pdf

pytestmark = pytest.mark.django_db
NOW = at(2025, 12, 12)


@pytest.fixture
def head(lead):
    lead.unit.head_signoff_required = True
    lead.unit.save()
    return UserFactory(unit=lead.unit, roles=[Role.HEAD], full_name="Trần Thủ Trưởng")


@pytest.fixture
def waiting(lead, staff, head, december, clock):
    clock.set(NOW)
    draft = report_save_draft(
        assignment=lead,
        period=december,
        actor=staff,
        data=data(100, results="Đã ban hành"),
        uploads=[pdf()],
        now=NOW,
    )
    return report_submit(report=draft, actor=staff, now=NOW)


def _client(client, user):
    client.force_login(user)
    return client


def test_the_head_finds_the_waiting_version_in_the_queue(client, waiting, head):
    page = _client(client, head).get(reverse("kpis:signoff_queue"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Chờ thủ trưởng duyệt" in html and reverse("kpis:signoff_report", args=[waiting.pk]) in html
    assert reverse("kpis:signoff_queue") in html  # the menu item


def test_the_queue_and_the_page_are_the_head_s_only(client, waiting, staff, subtask):
    other_head = UserFactory(unit=AssignmentFactory(subtask=subtask).unit, roles=[Role.HEAD])
    assert _client(client, staff).get(reverse("kpis:signoff_queue")).status_code == 404
    assert client.get(reverse("kpis:signoff_report", args=[waiting.pk])).status_code == 404
    assert client.post(reverse("kpis:signoff_approve", args=[waiting.pk])).status_code == 404
    client.force_login(other_head)
    assert client.get(reverse("kpis:signoff_report", args=[waiting.pk])).status_code == 404
    assert client.get(reverse("kpis:signoff_report", args=[999999])).status_code == 404
    html = client.get(reverse("kpis:signoff_queue")).content.decode()
    assert reverse("kpis:signoff_report", args=[waiting.pk]) not in html
    assert "Không có báo cáo nào chờ thủ trưởng duyệt." in html
    waiting.refresh_from_db()
    assert waiting.status == ReportStatus.SIGNOFF


def test_the_head_signs_off_from_the_page(client, waiting, head, staff):
    client = _client(client, head)
    page = client.get(reverse("kpis:signoff_report", args=[waiting.pk]))
    html = page.content.decode()
    assert "Duyệt và gửi Tổ thẩm định" in html and str(staff) in html and "quyet-dinh.pdf" in html
    response = client.post(reverse("kpis:signoff_approve", args=[waiting.pk]), follow=True)
    assert "Đã duyệt và gửi Tổ thẩm định" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == ReportStatus.SUBMITTED and waiting.signed_off_by == head


def test_sending_back_without_a_note_keeps_the_page(client, waiting, head):
    response = _client(client, head).post(reverse("kpis:signoff_send_back", args=[waiting.pk]), {"note": ""})
    assert response.status_code == 400
    assert "Vui lòng ghi ý kiến để cán bộ biết cần sửa gì." in response.content.decode()
    response = client.post(reverse("kpis:signoff_send_back", args=[waiting.pk]), {"note": "Thiếu bản ký"})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == ReportStatus.DRAFT and waiting.head_note == "Thiếu bản ký"


def test_the_report_form_says_the_version_waits_and_offers_no_sending(client, waiting, staff, lead, december):
    url = reverse("kpis:report_form", args=[lead.pk]) + f"?period={december.pk}"
    html = _client(client, staff).get(url).content.decode()
    assert "đang chờ thủ trưởng đơn vị duyệt" in html
    assert 'value="submit"' not in html
    assert "quyet-dinh.pdf" in html and "remove-file" not in html  # its files shown, not removable
    # A post anyway (an old tab) is refused with the reason, and nothing is written.
    response = client.post(url, {"period": december.pk, "completion": "50", "action": "submit"})
    assert "đang chờ thủ trưởng đơn vị duyệt" in response.content.decode()
    assert ProgressReport.objects.filter(assignment=lead).count() == 1


def test_the_send_button_says_it_goes_to_the_head(client, head, staff, lead, december, clock):
    clock.set(NOW)
    html = _client(client, staff).get(reverse("kpis:report_form", args=[lead.pk])).content.decode()
    assert "Gửi thủ trưởng duyệt" in html
    html = _client(client, head).get(reverse("kpis:report_form", args=[lead.pk])).content.decode()
    assert "Gửi thủ trưởng duyệt" not in html and "Gửi báo cáo" in html


def test_the_reviewer_sees_who_prepared_and_who_signed_off(
    client, waiting, head, staff, reviewer, lead, subtask
):
    co = AssignmentFactory(subtask=subtask, unit=UnitFactory(name="Sở Tài chính"), role=AssignmentRole.CO)
    co_staff = UserFactory(unit=co.unit, roles=[Role.STAFF])
    claim = report_sign_off(report=waiting, actor=head, now=NOW)
    coordination_answer(
        co_assignment=co, claim=claim, verdict="objected", reason="Thiếu văn bản", actor=co_staff, now=NOW
    )
    html = _client(client, reviewer).get(reverse("evidence:claim", args=[lead.pk])).content.decode()
    assert "Người lập" in html and str(staff) in html
    assert "Thủ trưởng duyệt" in html and "Trần Thủ Trưởng" in html
    assert "Ý kiến của đơn vị phối hợp" in html and "Sở Tài chính" in html and "Thiếu văn bản" in html


def test_a_co_ordinating_unit_answers_on_its_page(client, lead, staff, subtask, december, clock):
    clock.set(NOW)
    co = AssignmentFactory(subtask=subtask, unit=UnitFactory(name="Sở Tài chính"), role=AssignmentRole.CO)
    co_staff = UserFactory(unit=co.unit, roles=[Role.STAFF])
    draft = report_save_draft(
        assignment=lead, period=december, actor=staff, data=data(100), uploads=[pdf()], now=NOW
    )
    claim = report_submit(report=draft, actor=staff, now=NOW)
    client = _client(client, co_staff)
    html = client.get(reverse("kpis:comment_page", args=[co.pk])).content.decode()
    assert "Đề nghị hoàn thành chờ đơn vị phối hợp cho ý kiến" in html and "17/12/2025" in html
    url = reverse("kpis:coordination_answer", args=[co.pk, claim.pk])
    prefix = f"c{claim.pk}"
    response = client.post(url, {f"{prefix}-verdict": "objected", f"{prefix}-reason": ""})
    assert response.status_code == 400 and "Vui lòng ghi lý do phản đối." in response.content.decode()
    assert not CoordinationAnswer.objects.exists()
    response = client.post(
        url, {f"{prefix}-verdict": "objected", f"{prefix}-reason": "Chưa thống nhất số liệu"}
    )
    assert response.status_code == 302
    assert CoordinationAnswer.objects.get().reason == "Chưa thống nhất số liệu"
    # The lead unit's staff is no co-ordinating unit: the page is unknown to them.
    client.force_login(staff)
    assert client.post(url, {f"{prefix}-verdict": "confirmed"}).status_code == 404


def test_the_secretariat_sets_sign_off_per_unit_and_per_kind(client, secretariat, lead):
    client = _client(client, secretariat)
    unit = lead.unit
    response = client.post(
        reverse("units:unit_detail", args=[unit.pk]),
        {"name": unit.name, "short_name": "", "kind": unit.kind, "head_signoff_required": "on"},
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.head_signoff_required
    communes = [UnitFactory(name=f"UBND xã {n}", kind=UnitKind.COMMUNE) for n in ("A", "B")]
    response = client.post(reverse("units:unit_kind_signoff"), {"kind": UnitKind.COMMUNE, "required": "1"})
    assert response.status_code == 302
    assert all(Unit.objects.get(pk=c.pk).head_signoff_required for c in communes)
    assert "Thủ trưởng duyệt" in client.get(reverse("units:unit_list")).content.decode()
    response = client.post(reverse("units:unit_kind_signoff"), {"kind": "", "required": "1"})
    assert response.status_code == 400 and "Chọn loại đơn vị." in response.content.decode()
