"""The upload endpoint of the report form: the bad-file corpus is refused with its message and
nothing is stored; good files are attached, listed and can be removed before sending."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evidence.models import Evidence
from evidence.services import review_return
from evidence.validation import UploadRejected, check_upload
from kpis.models import ProgressReport, ReportStatus
from tests.evidence.corpus import BAD, Bad
from tests.evidence.world import claim, client_for, pdf_upload, png_upload, stored_files

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json", "HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def upload(client, world, *files, as_json=True, **extra):
    return client.post(
        reverse("evidence:upload", args=[world.lead.pk]),
        {"period": world.period.pk, "file": list(files)},
        **(JSON if as_json else {}),
        **extra,
    )


def wire_name(name: str) -> str:
    """The file name as a browser sends it in multipart/form-data (HTML spec: CR, LF and the
    double quote are percent-encoded); a raw CR/LF cannot travel inside the part's header."""
    return name.replace("\r", "%0D").replace("\n", "%0A").replace('"', "%22")


def _expected_message(name: str, code: str, path) -> str:
    with pytest.raises(UploadRejected) as exc:
        check_upload(name=name, data_or_file=str(path), size=path.stat().st_size)
    assert exc.value.code == code
    return exc.value.message


def _refused_through_the_view(case: Bad, world, tmp_path, settings):
    for key, value in case.settings.items():
        setattr(settings, key, value)
    path = case.write(tmp_path)
    name = wire_name(case.name)
    expected = _expected_message(name, case.code, path)
    with open(path, "rb") as fh:
        response = upload(client_for(world.staff), world, SimpleUploadedFile(name, fh.read()))
    assert response.status_code == 422, case.id
    errors = response.json()["errors"]
    assert errors == [expected], case.id
    if name == case.name:
        assert f"“{case.display}”" in errors[0]
    # Nothing stored: no evidence row, no draft started for it, no file in the private folder.
    assert not Evidence.objects.exists() and not ProgressReport.objects.exists()
    assert stored_files() == []


@pytest.mark.parametrize("case", [c for c in BAD if not c.scanner], ids=lambda c: c.id)
def test_a_bad_file_is_refused_with_its_message_and_nothing_is_stored(case, world, tmp_path, settings):
    _refused_through_the_view(case, world, tmp_path, settings)


@pytest.mark.parametrize("case", [c for c in BAD if c.scanner], ids=lambda c: c.id)
def test_an_infected_file_is_refused_by_the_scanner_through_the_view(
    case, world, tmp_path, settings, with_scanner
):
    _refused_through_the_view(case, world, tmp_path, settings)


def test_without_javascript_the_refusal_is_shown_on_the_report_form(world):
    response = upload(
        client_for(world.staff),
        world,
        SimpleUploadedFile("bao\u202efdp.pdf", b"<html><script>alert(1)</script></html>"),
        as_json=False,
        follow=True,
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(reverse("kpis:report_form", args=[world.lead.pk]))
    assert "Tệp “baofdp.pdf” bị từ chối: tên tệp có đuôi .pdf nhưng nội dung là trang web HTML." in page
    assert "<script>alert(1)" not in page
    assert not Evidence.objects.exists() and stored_files() == []


def test_good_files_are_attached_to_a_new_draft_and_listed(world):
    client = client_for(world.staff)
    first = upload(client, world, pdf_upload("Quyết định đã ký.pdf"))
    assert first.status_code == 200 and first.json()["added"] == ["Quyết định đã ký.pdf"]
    second = upload(client, world, png_upload("Ảnh sản phẩm.png"))
    html = second.json()["html"]
    assert "Quyết định đã ký.pdf" in html and "Ảnh sản phẩm.png" in html and "data-evidence-remove" in html
    draft = ProgressReport.objects.get()
    assert draft.status == ReportStatus.DRAFT and draft.evidence.count() == 2
    # The same content again is kept once.
    again = upload(client, world, pdf_upload("ban-sao.pdf"))
    assert again.status_code == 200 and draft.evidence.count() == 2 and len(stored_files()) == 2


def test_several_files_in_one_post_without_javascript(world):
    response = upload(
        client_for(world.staff),
        world,
        pdf_upload("a.pdf", text="a"),
        png_upload("b.png"),
        as_json=False,
        follow=True,
    )
    assert "Đã đính kèm minh chứng: a.pdf, b.png." in response.content.decode()
    assert Evidence.objects.count() == 2


def test_a_file_is_removed_before_sending(world):
    client = client_for(world.staff)
    upload(client, world, pdf_upload("a.pdf"))
    evidence = Evidence.objects.get()
    response = client.post(reverse("evidence:remove", args=[evidence.pk]), **JSON)
    assert response.status_code == 200 and "a.pdf" not in response.json()["html"]
    assert not Evidence.objects.exists()


def test_files_cannot_be_added_to_or_removed_from_a_completed_claim(world):
    report = claim(world, files=[pdf_upload()])
    from evidence.services import review_approve

    review_approve(assignment=world.lead, reviewer=world.reviewer)
    client = client_for(world.staff)
    response = upload(client, world, png_upload())
    assert response.status_code == 422 and "công nhận hoàn thành" in response.json()["errors"][0]
    response = client.post(reverse("evidence:remove", args=[report.evidence.get().pk]), **JSON)
    assert response.status_code == 422 and "đã gửi" in response.json()["errors"][0]


def test_after_a_return_a_new_file_starts_the_next_version(world):
    first = claim(world, files=[pdf_upload()])
    review_return(
        assignment=world.lead, reviewer=world.reviewer, reason_code="unsigned", reason_text="Chưa ký"
    )
    response = upload(client_for(world.staff), world, pdf_upload("Quyết định (bản ký).pdf", text="ky"))
    assert response.status_code == 200
    draft = ProgressReport.objects.get(status=ReportStatus.DRAFT)
    assert draft.version == first.version + 1 and draft.completion == first.completion
    assert [e.original_name for e in draft.evidence.all()] == ["Quyết định (bản ký).pdf"]
    assert first.evidence.count() == 1  # the returned version keeps its files


def test_another_units_staff_and_readers_cannot_upload(world):
    for user in (world.outsider, world.reviewer, world.leadership):
        assert upload(client_for(user), world, pdf_upload()).status_code == 404
    assert not Evidence.objects.exists() and stored_files() == []


def test_a_period_is_required(world):
    response = client_for(world.staff).post(
        reverse("evidence:upload", args=[world.lead.pk]), {"file": [pdf_upload()]}, **JSON
    )
    assert response.status_code == 422 and "kỳ báo cáo" in json.loads(response.content)["errors"][0]


def test_the_report_form_offers_the_upload_with_its_rules(world):
    upload(client_for(world.staff), world, pdf_upload("Quyết định đã ký.pdf"))
    page = client_for(world.staff).get(reverse("kpis:report_form", args=[world.lead.pk])).content.decode()
    assert f'data-upload-url="{reverse("evidence:upload", args=[world.lead.pk])}"' in page
    assert 'data-accept=".pdf,.jpg,.jpeg,.png,.docx' in page
    assert "evidence/upload.js" in page and 'type="file"' in page and "multiple" in page
    assert "Quyết định đã ký.pdf" in page and "tối đa 25 MB mỗi tệp, 100 MB cho cả báo cáo" in page


def test_the_queue_reads_dates_day_first_and_reports_a_date_that_does_not_exist(client):
    from evidence.forms import queue_filters

    filters = queue_filters({"deadline_from": "05/03/2026", "deadline_to": "31/02/2026"})
    assert filters.deadline_from == datetime.date(2026, 3, 5)
    assert filters.deadline_to is None
    assert "31/02/2026" in filters.errors["deadline_to"]
    assert filters.typed["deadline_to"] == "31/02/2026"
