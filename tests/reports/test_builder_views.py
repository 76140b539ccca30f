"""The builder, the status page and the downloads: secretariat and leadership; 404 for others."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from reports.archive import GeneratedReport, GeneratedReportStatus
from reports.assembly.figures import COUNT_KEYS
from tests.factories import UserFactory
from units.models import Role

from .world import at, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def secretariat(db):
    return UserFactory(unit=None, roles=[Role.SECRETARIAT])


@pytest.fixture
def leader(db):
    return UserFactory(unit=None, roles=[Role.LEADERSHIP])


def draft_url(world, **extra):
    query = {
        "kind": "quarterly",
        "period": world.quarter.end.isoformat(),
        "plan": world.plan.pk,
        "unit": "",
        **extra,
    }
    return reverse("reports:builder_draft") + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def form_data(response) -> dict:
    form = response.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        data[name] = value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else (value or "")
    return {**data, "signer_name": data.get("signer_name") or "Nguyễn Văn A"}  # the draft leaves it blank


def test_it_shows_the_builder_and_a_prefilled_draft(client, world, secretariat):
    client.force_login(secretariat)
    page = client.get(reverse("reports:builder"))
    assert page.status_code == 200 and "Quý IV/2025" in page.content.decode()
    draft = client.get(draft_url(world))
    html = draft.content.decode()
    assert draft.status_code == 200
    assert "UBND TỈNH ĐỒNG NAI" in html and "BC-BCĐ" in html and "Kính gửi" in html
    assert "Tình hình thực hiện Kế hoạch số 9-KH/BCĐ quý IV năm 2025" in html
    assert "Thiếu kinh phí thực hiện (Sở Gamma; 1.2)" in html  # a unit's difficulty prefilled
    assert 'name="total"' not in html  # no figure is a form field


def test_errors_stay_beside_their_fields_and_nothing_typed_is_lost(client, world, secretariat):
    client.force_login(secretariat)
    data = form_data(client.get(draft_url(world)))
    data.update(title="", date="31/02/2026", results="Nội dung tôi vừa gõ, rất dài", number="12/ab")
    response = client.post(draft_url(world), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Vui lòng nhập trích yếu." in html
    assert "Ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy." in html
    assert "Số văn bản chỉ gồm chữ và số" in html
    assert "Nội dung tôi vừa gõ, rất dài" in html and "31/02/2026" in html
    assert not GeneratedReport.objects.exists()


def test_a_signer_name_is_required_before_generating(client, world, secretariat):
    client.force_login(secretariat)
    data = {**form_data(client.get(draft_url(world))), "signer_name": "  "}
    response = client.post(draft_url(world), data)
    assert response.status_code == 400
    assert "Vui lòng nhập người ký." in response.content.decode()
    assert not GeneratedReport.objects.exists()


def test_a_bad_choice_is_shown_on_the_choice_form(client, world, secretariat):
    client.force_login(secretariat)
    response = client.get(draft_url(world, period="2024-03-31"))
    assert response.status_code == 400
    assert "Không có kỳ báo cáo này; hãy chọn lại." in response.content.decode()


def test_generate_then_poll_then_download(client, world, leader, django_capture_on_commit_callbacks):
    client.force_login(leader)
    data = form_data(client.get(draft_url(world)))
    data["results"] = "Kết quả nổi bật của quý"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(draft_url(world), data)
    report = GeneratedReport.objects.get()
    assert response.status_code == 302 and response.url == reverse("reports:archive_detail", args=[report.pk])
    assert report.status == GeneratedReportStatus.DONE and report.created_by == leader
    assert report.narrative["results"] == "Kết quả nổi bật của quý"
    partial = client.get(response.url, headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert "<html" not in html and 'hx-trigger="every 2s"' not in html  # done: polling stops
    assert report.inputs_sha256 in html
    pdf = client.get(reverse("reports:archive_download", args=[report.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf["X-Content-Type-Options"] == "nosniff"
    assert pdf["Content-Disposition"].startswith('attachment; filename="Bao cao Quy IV-2025')
    assert "filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20Qu%C3%BD%20IV-2025" in pdf["Content-Disposition"]
    xlsx = client.get(reverse("reports:archive_download", args=[report.pk, "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    inputs = client.get(reverse("reports:archive_download", args=[report.pk, "json"]))
    assert inputs.json()["totals"]["total"] == 9


def test_a_queued_report_polls_every_two_seconds(client, world, secretariat):
    client.force_login(secretariat)
    report = GeneratedReport.objects.create(
        kind="quarterly", period=world.quarter, plan=world.plan, header={"title": "x"}, narrative={},
        cutoff=at(2025, 12, 20, 23), created_by=secretariat, created_at=at(2026, 1, 5), progress=40,
        status=GeneratedReportStatus.RUNNING,
    )  # fmt: skip
    html = client.get(
        reverse("reports:archive_detail", args=[report.pk]), headers={"HX-Request": "true"}
    ).content
    assert b'hx-trigger="every 2s"' in html and b'value="40"' in html
    assert client.get(reverse("reports:archive_download", args=[report.pk, "pdf"])).status_code == 404


@pytest.mark.parametrize("roles", [[Role.STAFF], [Role.HEAD], [Role.REVIEWER]])
def test_everyone_else_gets_404(client, world, secretariat, roles, django_capture_on_commit_callbacks):
    client.force_login(secretariat)
    data = form_data(client.get(draft_url(world)))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(draft_url(world), data)
    report = GeneratedReport.objects.get()
    client.force_login(UserFactory(unit=world.units["A"], roles=roles))
    urls = [
        reverse("reports:builder"),
        draft_url(world),
        reverse("reports:archive_list"),
        reverse("reports:archive_detail", args=[report.pk]),
        reverse("reports:archive_download", args=[report.pk, "pdf"]),
        reverse("reports:archive_download", args=[report.pk, "xlsx"]),
        reverse("reports:archive_download", args=[report.pk, "json"]),
        reverse("reports:raw_export") + f"?period={world.month.pk}",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(draft_url(world), data).status_code == 404
    assert GeneratedReport.objects.count() == 1
    assert "reports/builder/" not in client.get(reverse("tasks:plan_list")).content.decode()


def test_the_raw_export_downloads(client, world, secretariat):
    client.force_login(secretariat)
    response = client.get(reverse("reports:raw_export") + f"?period={world.month.pk}")
    assert response.status_code == 200 and response.content.startswith(b"PK")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment;" in response["Content-Disposition"]


def test_the_draft_calls_the_count_of_lead_assignments_what_the_pdf_calls_it(client, world, secretariat):
    client.force_login(secretariat)
    html = client.get(draft_url(world)).content.decode()
    header = re.search(r"<thead>(.*?)</thead>", html, re.S).group(1)
    assert "Lượt giao" in header  # the PDF's Bảng 1 column, not "Số nhiệm vụ" under "5 tiểu nhiệm vụ"
    assert "Số nhiệm vụ" not in html
    facts = " ".join(re.search(r'<dl class="facts card">(.*?)</dl>', html, re.S).group(1).split())
    assert "5 tiểu nhiệm vụ" in facts and "<dt>Lượt giao chủ trì</dt> <dd> 9 </dd>" in facts


@pytest.mark.parametrize(("language", "grouped"), [("vi", ("1.013", "1.034")), ("en", ("1,013", "1,034"))])
def test_the_draft_figures_group_thousands_like_the_rest_of_the_portal(language, grouped):
    row = {**dict.fromkeys(COUNT_KEYS, 0), "label": "I. Về chuyển đổi số", "total": 1013, "not_started": 1013}
    totals = {**dict.fromkeys(COUNT_KEYS, 0), "total": 1034, "not_started": 1034, "overdue": 923}
    with translation.override(language):
        html = render_to_string("reports/_figures.html", {"rows": [row], "totals": totals, "label": "Mục"})
    cells = re.findall(r'<t[dh] class="num">([^<]*)</t[dh]>', html.split("<tbody>")[1])
    row_cells, total_cells = cells[:8], cells[8:]
    assert row_cells == [grouped[0], "0", "0", "0", "0", grouped[0], "0", "0"]
    assert total_cells == [grouped[1], "0", "0", "0", "0", grouped[1], "0", "923"]


def test_in_english_periods_read_as_elsewhere_in_the_ui_and_the_document_stays_vietnamese(
    client, world, secretariat
):
    client.force_login(secretariat)
    client.cookies["django_language"] = "en"
    builder = client.get(reverse("reports:builder")).content.decode()
    assert ">QIV/2025</option>" in builder and "Quý IV/2025" not in builder
    monthly = client.get(reverse("reports:builder") + "?kind=monthly").content.decode()
    assert ">Month 12/2025</option>" in monthly and "Tháng 12/2025" not in monthly
    draft = client.get(draft_url(world)).content.decode()
    assert "<h1>Draft report QIV/2025</h1>" in draft and "Quý IV/2025" not in draft
    assert "Tình hình thực hiện Kế hoạch số 9-KH/BCĐ quý IV năm 2025" in draft  # the document's own words
    month = client.get(draft_url(world, kind="monthly", period=world.month.end.isoformat())).content.decode()
    assert "<h1>Draft report Month 12/2025</h1>" in month


def test_the_builder_warns_before_generating_when_fonts_are_missing(client, world, secretariat, monkeypatch):
    monkeypatch.setattr("reports.builder_views.missing_fonts", lambda: ["Tinos-Regular.ttf"])
    client.force_login(secretariat)
    html = client.get(draft_url(world)).content.decode()
    assert "Máy chủ thiếu phông chữ tiếng Việt cho bản PDF" in html and "Tinos-Regular.ttf" in html
    monkeypatch.setattr("reports.builder_views.missing_fonts", lambda: [])
    assert "Máy chủ thiếu phông chữ" not in client.get(draft_url(world)).content.decode()
