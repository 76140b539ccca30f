"""The whole review cycle in a real browser: staff claims completion with two files, the reviewer
returns it with a reason, staff sees the reason and resubmits with new evidence, the reviewer
approves. Screenshots of every step land in test-artifacts/browser/<this test>/."""

import base64

import pytest
from django.urls import reverse

from evidence.models import Decision, Review
from kpis.models import AssignmentState, Status
from tests.evidence.corpus import image_bytes, pdf_bytes
from tests.evidence.world import make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mat-khau-thu-nghiem-1"
REASON = "Quyết định chưa có chữ ký và con dấu của Giám đốc Sở."


def _status(world) -> str:
    return AssignmentState.objects.get(assignment=world.lead).status


def _attach(j, paths, count):
    j.page.set_input_files("#id_evidence", [str(p) for p in paths])
    j.page.locator(".attached li").nth(count - 1).wait_for()
    j.page.locator(".upload-list li.done").nth(len(paths) - 1).wait_for()


def test_claim_return_resubmit_approve(journey, tmp_path, settings):
    settings.EVIDENCE_CLAMD_SOCKET = ""
    settings.EVIDENCE_CLAMD_HOST = ""
    world = make_world()
    decision = tmp_path / "Quyết định ban hành quy chế.pdf"
    decision.write_bytes(pdf_bytes("Quyet dinh so 12/QD-STP"))
    photo = tmp_path / "Ảnh hội nghị triển khai.png"
    photo.write_bytes(image_bytes("PNG", (640, 400)))
    signed = tmp_path / "Quyết định (bản đã ký, đóng dấu).pdf"
    signed.write_bytes(pdf_bytes("Quyet dinh so 12/QD-STP - da ky"))
    form_url = reverse("kpis:report_form", args=[world.lead.pk])

    # 1. Staff claims completion with two files, each uploaded with its own progress bar.
    staff = journey(name="1-staff")
    staff.login(world.staff.username, PASSWORD)
    staff.go(form_url)
    staff.page.fill("#id_completion", "100")
    staff.page.fill("#id_results", "Đã ban hành Quyết định số 12/QĐ-STP về quy chế số hoá hồ sơ.")
    _attach(staff, [decision, photo], 2)
    assert staff.page.locator(".attached").inner_text().count("Quyết định ban hành quy chế.pdf") == 1
    assert "Ảnh hội nghị triển khai.png" in staff.page.locator(".attached").inner_text()
    staff.shot("two-files-attached")
    staff.page.click("button[name=action][value=submit]")
    staff.page.get_by_text("đang chờ thẩm định").first.wait_for()
    assert _status(world) == Status.AWAITING_REVIEW
    staff.shot("claim-sent")

    # 2. The reviewer finds it in the queue, looks at the evidence, returns it with a reason.
    reviewer = journey(name="2-reviewer")
    reviewer.login(world.reviewer.username, PASSWORD)
    reviewer.page.click("nav >> text=Thẩm định")
    reviewer.page.wait_for_load_state("networkidle")
    assert "Sở Tư pháp" in reviewer.page.locator("#queue-results").inner_text()
    reviewer.shot("queue")
    reviewer.page.click("#queue-results a.button")
    reviewer.page.wait_for_load_state("networkidle")
    assert "Quyết định ban hành quy chế" in reviewer.page.locator(".claim-main").inner_text()
    reviewer.page.click("text=Ảnh hội nghị triển khai.png")
    reviewer.page.wait_for_function(
        "() => { const img = document.querySelector('#preview-pane img.preview-image');"
        " return img && img.complete && img.naturalWidth === 640; }"
    )
    reviewer.shot("claim-with-image-preview")
    reviewer.page.select_option("#id_reason_code", "unsigned")
    reviewer.page.fill("#id_reason_text", REASON)
    reviewer.page.click("button:has-text('Trả lại')")
    reviewer.page.wait_for_load_state("networkidle")
    assert "Đã trả lại đề nghị" in reviewer.page.locator(".messages").inner_text()
    assert _status(world) == Status.RETURNED
    reviewer.shot("returned")

    # 3. Staff sees the reason on My tasks and on the report form, and resubmits with new evidence.
    staff.go(reverse("kpis:my_tasks"))
    row = staff.page.locator(f"#task-{world.lead.pk}")
    assert "Chờ hoàn thiện" in row.inner_text() and REASON in row.inner_text()
    staff.shot("my-tasks-returned")
    staff.go(form_url)
    callout = staff.page.locator(".return-reason")
    assert REASON in callout.inner_text() and "Văn bản chưa được ký" in callout.inner_text()
    # A photo dropped by mistake (drag-and-drop), then removed before sending.
    staff.page.evaluate(
        """([name, b64]) => {
            const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
            const data = new DataTransfer();
            data.items.add(new File([bytes], name, {type: "image/png"}));
            const zone = document.querySelector("[data-dropzone]");
            zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: data, bubbles: true, cancelable: true}));
            zone.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true, cancelable: true}));
        }""",
        ["Ảnh nhầm.png", base64.b64encode(image_bytes("PNG", (80, 60))).decode()],
    )
    staff.page.locator(".attached li", has_text="Ảnh nhầm.png").wait_for()
    staff.shot("dropped-by-mistake")
    staff.page.click("button[data-evidence-remove]")
    staff.page.locator(".attached li", has_text="Ảnh nhầm.png").wait_for(state="detached")
    _attach(staff, [signed], 1)
    assert staff.page.locator(".attached li").count() == 1
    staff.page.fill("#id_completion", "100")
    staff.shot("resubmit-with-signed-file")
    staff.page.click("button[name=action][value=submit]")
    staff.page.get_by_text("đang chờ thẩm định").first.wait_for()
    assert _status(world) == Status.AWAITING_REVIEW
    staff.shot("resubmitted")

    # 4. The reviewer approves the resubmitted claim.
    reviewer.go(reverse("evidence:queue"))
    reviewer.page.click("#queue-results a.button")
    reviewer.page.wait_for_load_state("networkidle")
    assert "Quyết định (bản đã ký, đóng dấu).pdf" in reviewer.page.locator(".claim-main").inner_text()
    assert "Trả lại — chờ hoàn thiện" in reviewer.page.locator(".versions").inner_text()
    reviewer.shot("resubmitted-claim")
    reviewer.page.click("button:has-text('Công nhận hoàn thành')")
    reviewer.page.wait_for_load_state("networkidle")
    assert "Đã công nhận hoàn thành đúng hạn" in reviewer.page.locator(".messages").inner_text()
    reviewer.shot("approved")
    assert _status(world) == Status.COMPLETED
    assert list(Review.objects.order_by("decided_at").values_list("decision", flat=True)) == [
        Decision.RETURNED,
        Decision.APPROVED,
    ]

    staff.go(reverse("kpis:my_tasks"))
    assert "Hoàn thành" in staff.page.locator(f"#task-{world.lead.pk}").inner_text()
    staff.shot("my-tasks-completed")
    assert staff.csp_violations() == []
    assert reviewer.csp_violations() == []


def test_a_file_goes_to_the_report_on_screen_not_to_a_period_only_picked(journey, tmp_path, settings):
    """Picking another period in the selector without opening it ("Mở kỳ này") and then adding a
    file attaches the file to the report the form shows."""
    from evidence.models import Evidence
    from kpis.models import ProgressReport

    settings.EVIDENCE_CLAMD_SOCKET = ""
    settings.EVIDENCE_CLAMD_HOST = ""
    world = make_world()
    minutes = tmp_path / "Biên bản họp.pdf"
    minutes.write_bytes(pdf_bytes("Bien ban hop"))
    staff = journey(name="staff")
    staff.login(world.staff.username, PASSWORD)
    staff.go(reverse("kpis:report_form", args=[world.lead.pk]))
    shown = staff.page.input_value("input[name=loaded_period]")
    others = [
        v
        for v in staff.page.locator("#id_period option").evaluate_all("os => os.map(o => o.value)")
        if v and v != shown
    ]
    assert others, "the test needs a second period to pick"
    staff.page.select_option("#id_period", others[0])
    _attach(staff, [minutes], 1)
    evidence = Evidence.objects.get(original_name="Biên bản họp.pdf")
    report = ProgressReport.objects.get(pk=evidence.report_id)
    assert str(report.period_id) == shown
