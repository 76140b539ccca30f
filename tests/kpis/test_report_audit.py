"""What the audit trail keeps of reports, evidence, comments and reviews: each changed field with its
value before and after, texts and KPI values included — and how the trail's page and CSV show it."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from audit.templatetags.audit_tags import audit_changes
from evidence.models import Evidence
from evidence.services import evidence_add, evidence_remove, review_approve, review_return
from kpis.models import KpiTarget
from kpis.services import comment_add, report_correct, report_save_draft, report_submit
from tasks.models import AssignmentRole
from tests.factories import AssignmentFactory, KpiFactory, UserFactory
from units.models import Role

from .conftest import at, data, pdf

pytestmark = pytest.mark.django_db

SIGNED = "kpi:100% hồ sơ được số hóa (≥ 100%)"
DRAFT_LAW = "kpi:01 dự thảo Nghị quyết"


@pytest.fixture
def kpis(subtask):
    signed = KpiTarget.objects.create(
        kpi=KpiFactory(subtask=subtask, text="100% hồ sơ   được\nsố hóa", order=1),
        value=Decimal(100),
        measure="percent",
        direction="at_least",
    )
    law = KpiFactory(subtask=subtask, text="01 dự thảo Nghị quyết", order=2)
    return signed, law


def event(action, **filters):
    return AuditEvent.objects.filter(action=action, **filters).latest("id")


def test_a_draft_records_its_texts_and_kpi_values_and_an_edit_says_what_each_was(lead, staff, november, kpis):
    signed, law = kpis
    report = report_save_draft(
        assignment=lead,
        period=november,
        actor=staff,
        data=data(
            "40",
            results="Đã số hóa 40% hồ sơ",
            difficulties="Thiếu máy quét",
            actuals={signed.pk: Decimal(40)},
            notes={law.pk: "Đang soạn dự thảo"},
        ),
        now=at(2025, 11, 10),
    )
    created = event("report.create_draft").changes
    assert created == {
        "period": "Tháng 11/2025",
        "version": 1,
        "status": [None, "draft"],
        "completion": [None, "40.00"],
        "is_claim": [None, False],
        "results": [None, "Đã số hóa 40% hồ sơ"],
        "difficulties": [None, "Thiếu máy quét"],
        SIGNED: [None, "40"],
        DRAFT_LAW: [None, "Đang soạn dự thảo"],
    }

    report_save_draft(
        assignment=lead,
        period=november,
        actor=staff,
        data=data(
            "60",
            results="Đã số hóa 60% hồ sơ",
            difficulties="Thiếu máy quét",
            proposals="Cấp thêm 02 máy quét",
            actuals={signed.pk: Decimal(60)},
        ),
        now=at(2025, 11, 11),
    )
    edited = event("report.update_draft", object_id=str(report.pk)).changes
    # Only what changed, each with its value before and after; the unchanged difficulty is not repeated.
    assert edited == {
        "period": "Tháng 11/2025",
        "version": 1,
        "completion": ["40.00", "60.00"],
        "results": ["Đã số hóa 40% hồ sơ", "Đã số hóa 60% hồ sơ"],
        "proposals": [None, "Cấp thêm 02 máy quét"],
        SIGNED: ["40", "60"],
        DRAFT_LAW: ["Đang soạn dự thảo", None],
    }


def test_a_submission_and_a_correction_record_the_status_before_and_after(lead, staff, november, kpis):
    report = report_save_draft(
        assignment=lead, period=november, actor=staff, data=data("30", results="Bước 1"), now=at(2025, 11, 5)
    )
    report_submit(report=report, actor=staff, now=at(2025, 11, 6))
    submitted = event("report.submit").changes
    assert submitted["status"] == ["draft", "submitted"]
    assert submitted["assignment_status"] == ["not_started", "in_progress"]
    assert (submitted["completion"], submitted["version"]) == ("30.00", 1)

    correction = report_correct(report=report, actor=staff, now=at(2025, 11, 7))
    corrected = event("report.correct").changes
    assert corrected == {
        "period": "Tháng 11/2025",
        "corrects": report.pk,
        "version": [1, 2],
        "status": ["submitted", "draft"],
    }
    report_save_draft(
        assignment=lead, period=november, actor=staff, data=data("35", results="Bước 2"), now=at(2025, 11, 8)
    )
    assert event("report.update_draft", object_id=str(correction.pk)).changes == {
        "period": "Tháng 11/2025",
        "version": 2,
        "completion": ["30.00", "35.00"],
        "results": ["Bước 1", "Bước 2"],
    }


def test_evidence_added_and_removed_records_the_file_and_the_report_s_files_before_and_after(
    lead, staff, november
):
    report = report_save_draft(
        assignment=lead, period=november, actor=staff, data=data("50"), now=at(2025, 11, 5)
    )
    first = evidence_add(report=report, upload=pdf("quyet-dinh.pdf"), actor=staff, now=at(2025, 11, 5))
    second = evidence_add(
        report=report,
        upload=pdf("bao-cao.pdf", b"%PDF-1.4\n2 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
        actor=staff,
        now=at(2025, 11, 5),
    )
    added = event("evidence.add", object_id=str(second.pk)).changes
    assert added["name"] == [None, "bao-cao.pdf"]
    assert added["sha256"] == [None, second.sha256]
    assert added["size"] == [None, second.size]
    assert added["evidence"] == [["quyet-dinh.pdf"], ["quyet-dinh.pdf", "bao-cao.pdf"]]
    assert added["report"] == report.pk

    evidence_remove(evidence=Evidence.objects.get(pk=first.pk), actor=staff, now=at(2025, 11, 6))
    removed = event("evidence.remove").changes
    assert removed["name"] == ["quyet-dinh.pdf", None]
    assert removed["sha256"] == [first.sha256, None]
    assert removed["evidence"] == [["quyet-dinh.pdf", "bao-cao.pdf"], ["bao-cao.pdf"]]


def test_a_comment_records_its_text(subtask):
    co = AssignmentFactory(subtask=subtask, role=AssignmentRole.CO)
    author = UserFactory(unit=co.unit, roles=[Role.STAFF])
    comment = comment_add(
        assignment=co, author=author, text="  Đề nghị bổ sung số liệu xã  ", now=at(2025, 11, 9)
    )
    assert event("comment.add", object_id=str(comment.pk)).changes == {
        "subtask": subtask.pk,
        "assignment": co.pk,
        "text": [None, "Đề nghị bổ sung số liệu xã"],
    }


def _claim(lead, staff, period, day):
    report = report_save_draft(
        assignment=lead, period=period, actor=staff, data=data("100"), uploads=[pdf()], now=at(2025, 11, day)
    )
    report_submit(report=report, actor=staff, now=at(2025, 11, day))
    return report


def test_a_review_records_its_decision_and_the_assignment_s_status_before_and_after(
    lead, staff, reviewer, november
):
    first = _claim(lead, staff, november, 10)
    review_return(
        assignment=lead,
        reviewer=reviewer,
        reason_code="unsigned",
        reason_text="Quyết định chưa có chữ ký",
        now=at(2025, 11, 11),
    )
    returned = event("review.return").changes
    assert returned == {
        "assignment": lead.pk,
        "report": first.pk,
        "decision": [None, "returned"],
        "reason_code": [None, "unsigned"],
        "reason": [None, "Quyết định chưa có chữ ký"],
        "assignment_status": ["awaiting_review", "returned"],
    }
    shown = audit_changes(returned)
    assert ("Loại lý do", None, "Văn bản chưa được ký") in shown
    assert ("Trạng thái phân công", "Chờ thẩm định", "Chờ hoàn thiện") in shown
    assert event("claim.return").changes["reason"] == [
        None,
        "Văn bản chưa được ký: Quyết định chưa có chữ ký",
    ]

    second = _claim(lead, staff, november, 12)
    review_approve(assignment=lead, reviewer=reviewer, note="Đã đủ chữ ký", now=at(2025, 11, 13))
    approved = event("review.approve").changes
    assert approved["decision"] == [None, "approved"]
    assert approved["reason"] == [None, "Đã đủ chữ ký"]
    assert approved["on_time"] == [None, True]
    assert approved["assignment_status"] == ["awaiting_review", "completed"]
    assert approved["report"] == second.pk
    assert event("claim.approve").changes["note"] == [None, "Đã đủ chữ ký"]


def test_the_trail_s_page_and_csv_show_each_field_before_and_after(client, lead, staff, november, kpis):
    signed, _ = kpis
    report_save_draft(
        assignment=lead,
        period=november,
        actor=staff,
        data=data("40", results="Kết quả <b>cũ</b>", actuals={signed.pk: Decimal(40)}),
        now=at(2025, 11, 10),
    )
    report_save_draft(
        assignment=lead,
        period=november,
        actor=staff,
        data=data("60", results="=1+1 kết quả mới", actuals={signed.pk: Decimal(60)}),
        now=at(2025, 11, 11),
    )
    client.force_login(UserFactory(unit=None, roles=[Role.SECRETARIAT]))
    body = client.get(reverse("audit:event_list"), {"action": "report.update_draft"}).content.decode()
    assert "Sửa bản nháp báo cáo" in body and "Kết quả đạt được" in body
    assert "<del>Kết quả &lt;b&gt;cũ&lt;/b&gt;</del>" in body and "<ins>=1+1 kết quả mới</ins>" in body
    assert "KPI “100% hồ sơ được số hóa (≥ 100%)”" in body
    assert "<del>40</del>" in body and "<ins>60</ins>" in body

    response = client.get(reverse("audit:event_export"), {"action": "report.update_draft"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    words = rows[1][rows[0].index("Thay đổi (trước → sau)")]
    assert "Kết quả đạt được: Kết quả <b>cũ</b> → =1+1 kết quả mới" in words
    changes = json.loads(rows[1][rows[0].index("Dữ liệu thay đổi (JSON)")])
    assert changes["results"] == ["Kết quả <b>cũ</b>", "=1+1 kết quả mới"]
    assert changes[SIGNED] == ["40", "60"]
