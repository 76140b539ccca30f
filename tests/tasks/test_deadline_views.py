"""The sub-task page's deadline changes: the lead unit's form (bad input kept, with a Vietnamese
message), the deciders' buttons, the history shown "cũ → mới theo văn bản …", ids of others → 404."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tasks.models import DeadlineChange, DeadlineChangeStatus

from .test_deadline_changes import DEADLINE, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def frozen(clock):
    clock.set(timezone.make_aware(datetime.datetime(2025, 11, 20, 9)))


def _post(client, world, **data):
    values = {
        "new_deadline": "31/03/2026",
        "reason": "Chờ hướng dẫn của Bộ",
        "document_number": "125/UBND-KSTT",
        "document_date": "18/11/2025",
    }
    values.update(data)
    return client.post(reverse("tasks:deadline_request", args=[world["lead"].pk]), values)


def test_the_lead_unit_requests_and_a_leader_approves(client, world, frozen):
    client.force_login(world["staff_a"])
    page = client.get(reverse("tasks:subtask_detail", args=[world["lone"].pk]))
    assert "Đề nghị điều chỉnh thời hạn" in page.content.decode()
    response = _post(client, world)
    assert response.status_code == 302
    change = DeadlineChange.objects.get()
    client.force_login(world["leader"])
    page = client.get(reverse("tasks:subtask_detail", args=[world["lone"].pk])).content.decode()
    assert "Chấp thuận" in page and "Chờ hướng dẫn của Bộ" in page
    response = client.post(reverse("tasks:deadline_decide", args=[change.pk]), {"decision": "approve"})
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.status == DeadlineChangeStatus.APPROVED
    page = client.get(reverse("tasks:subtask_detail", args=[world["lone"].pk])).content.decode()
    assert "30/11/2025 → <strong>31/03/2026</strong>" in page
    assert "theo văn bản số 125/UBND-KSTT ngày 18/11/2025" in page
    # The unit's report form shows the deadline in force beside the appendix's.
    client.force_login(world["staff_a"])
    form = client.get(reverse("kpis:report_form", args=[world["lead"].pk])).content.decode()
    assert "30/11/2025</span> → <time" in form and "31/03/2026" in form
    # and My tasks' download carries the deadline in force
    csv = b"".join(client.get(reverse("kpis:my_tasks") + "?export=csv").streaming_content).decode("utf-8-sig")
    assert "31/03/2026" in csv or "2026-03-31" in csv


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"new_deadline": "31/02/2026"}, "Ngày 31/02/2026 không tồn tại"),
        ({"new_deadline": "15/11/2025"}, "đã qua"),
        ({"new_deadline": "25/11/2025"}, "phải sau thời hạn hiện hành 30/11/2025"),
        ({"reason": ""}, "Vui lòng ghi lý do"),
        ({"document_date": "30/02/2025"}, "Ngày 30/02/2025 không tồn tại"),
    ],
)
def test_bad_input_is_refused_in_vietnamese_and_what_was_typed_is_kept(client, world, frozen, data, words):
    client.force_login(world["staff_a"])
    response = _post(client, world, **data)
    assert response.status_code == 400
    page = response.content.decode()
    assert words in page
    assert "125/UBND-KSTT" in page  # nothing typed is lost
    if data.get("reason", None) != "":
        assert "Chờ hướng dẫn của Bộ" in page
    assert not DeadlineChange.objects.exists()


def test_a_refusal_without_a_note_is_refused_and_nothing_changes(client, world, frozen):
    client.force_login(world["staff_a"])
    _post(client, world)
    change = DeadlineChange.objects.get()
    client.force_login(world["secretariat"])
    response = client.post(reverse("tasks:deadline_decide", args=[change.pk]), {"decision": "refuse"})
    assert response.status_code == 400
    assert "Vui lòng ghi lý do không chấp thuận" in response.content.decode()
    change.refresh_from_db()
    assert change.is_pending


def test_another_units_assignment_and_other_deciders_answer_404(client, world, frozen):
    client.force_login(world["head_b"])  # Sở Nội vụ does not lead 1.1
    assert _post(client, world).status_code == 404
    client.force_login(world["staff_a"])
    _post(client, world)
    change = DeadlineChange.objects.get()
    for role in ("staff_a", "head_b", "reviewer"):
        client.force_login(world[role])
        response = client.post(reverse("tasks:deadline_decide", args=[change.pk]), {"decision": "approve"})
        assert response.status_code == 404
    client.force_login(world["head_b"])
    page = client.get(reverse("tasks:subtask_detail", args=[world["lone"].pk])).content.decode()
    assert 'name="decision"' not in page and "deadline_request" not in page
    assert reverse("tasks:deadline_request", args=[world["lead"].pk]) not in page
    assert client.get(reverse("tasks:deadline_document", args=[change.pk])).status_code == 404
    assert datetime.date(2025, 11, 30) == DEADLINE


def test_the_document_is_served_to_the_unit_and_the_deciders_only(client, world, frozen):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world["staff_a"])
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    _post(client, world, document=SimpleUploadedFile("cong-van.pdf", pdf, content_type="application/pdf"))
    change = DeadlineChange.objects.get()
    url = reverse("tasks:deadline_document", args=[change.pk])
    assert client.get(url).status_code == 200
    client.force_login(world["leader"])
    assert client.get(url).status_code == 200
    client.force_login(world["head_b"])  # neither leads nor co-ordinates 1.1
    assert client.get(url).status_code == 404
    page = client.get(reverse("tasks:subtask_detail", args=[world["lone"].pk])).content.decode()
    assert "cong-van.pdf" in page and url not in page
