"""What a clerk reads before signing: a short title whose symbols are never split, the "Căn cứ"
opening, one percent format, the deadline as the plan writes it, and a unit's own header."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from reports.assembly.document import basis_words, plan_short_name
from reports.document import AppendixRow, format_percent
from reports.services import report_draft, unit_symbol
from reports.templatetags.report_text import keep_symbols_html
from tests.factories import UnitFactory, UserFactory
from units.models import Role, UnitKind

from .world import at, build_world

DEMO_TITLE = (
    "Triển khai Thông báo kết luận số 07-TB/CQTTBCĐ ngày 15 tháng 10 năm 2025 của Cơ quan thường trực "
    "của Ban chỉ đạo Trung ương về phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số"
)


def test_a_plan_without_number_is_named_short_never_by_its_whole_title():
    assert plan_short_name({"code": "", "title": DEMO_TITLE}) == (
        "kế hoạch triển khai Thông báo kết luận số 07-TB/CQTTBCĐ"
    )
    assert plan_short_name({"code": "9-KH/BCĐ", "title": DEMO_TITLE}) == "Kế hoạch số 9-KH/BCĐ"


def test_the_opening_names_the_plan_by_number_date_and_issuer():
    plan = {"code": "", "title": DEMO_TITLE, "issuer": "Ban Chỉ đạo tỉnh", "issue_date": "2025-11-01"}
    words = basis_words({"scope": {"plans": [plan]}})
    assert words.startswith("Kế hoạch ngày 01/11/2025 của Ban Chỉ đạo tỉnh về việc triển khai Thông báo")


def test_a_symbol_is_kept_on_one_line_and_the_text_escaped():
    html = keep_symbols_html("Thông báo số 07-TB/CQTTBCĐ <b> ký BC-BCĐ – xong, 60/95 xã")
    assert '<span class="nobr">07-TB/CQTTBCĐ</span>' in html
    assert '<span class="nobr">BC-BCĐ</span>' in html
    assert '<span class="nobr">60/95</span>' in html
    assert "&lt;b&gt;" in html and "– xong" in html  # a spaced dash is no symbol


def test_one_percent_format_as_seed_001_writes_it():
    assert [format_percent(v) for v in (100, Decimal("62.5"), Decimal("20.69"), 0)] == [
        "100%",
        "62,5%",
        "20,7%",
        "0%",
    ]


def test_the_appendix_prints_the_deadline_as_the_plan_writes_it():
    row = AppendixRow(
        code="5.4",
        subtask="x",
        output="",
        kpi="",
        lead_unit="Sở A",
        deadline=datetime.date(2025, 9, 30),
        deadline_text="30/9/2025 (đã thực hiện); CSDL Đảng: 31/12/2025",
        status="",
    )
    assert row.deadline_label == "30/9/2025 (đã thực hiện); CSDL Đảng: 31/12/2025"
    assert AppendixRow(**{**row.__dict__, "deadline_text": ""}).deadline_label == "30/09/2025"


def test_the_unit_symbol_is_made_from_its_name():
    assert unit_symbol(UnitFactory.build(name="Sở Khoa học và Công nghệ", short_name="")) == "SKHCN"
    assert unit_symbol(UnitFactory.build(name="UBND xã Nhơn Trạch", short_name="")) == "UBND"
    assert unit_symbol(UnitFactory.build(name="Sở Y tế", short_name="SYT")) == "SYT"


@pytest.mark.django_db
def test_the_province_draft_has_a_short_title_and_the_opening():
    world = build_world()
    actor = UserFactory(unit=None, roles=[Role.SECRETARIAT])
    draft = report_draft(kind="quarterly", period=world.quarter, plan=world.plan, unit=None, actor=actor,
                         now=at(2026, 1, 5))  # fmt: skip
    assert draft.header["title"] == "Tình hình thực hiện Kế hoạch số 9-KH/BCĐ quý IV năm 2025"
    assert draft.narrative["preamble"].startswith("Căn cứ Kế hoạch số 9-KH/BCĐ ngày 01/10/2025 của ")
    assert draft.narrative["preamble"].endswith(
        "Ban Chỉ đạo tỉnh báo cáo tình hình thực hiện quý IV năm 2025 như sau:"
    )


@pytest.mark.django_db
def test_a_units_report_is_issued_by_the_unit_to_the_committee_signed_by_its_head():
    world = build_world()
    unit = world.units["A"]
    UserFactory(unit=unit, roles=[Role.HEAD], full_name="Nguyễn Văn Trưởng", position="Giám đốc")
    actor = UserFactory(unit=None, roles=[Role.SECRETARIAT])
    draft = report_draft(kind="quarterly", period=world.quarter, plan=world.plan, unit=unit, actor=actor,
                         now=at(2026, 1, 5))  # fmt: skip
    h = draft.header
    assert (h["issuing_body"], h["symbol"]) == ("SỞ ALPHA", "BC-SA")
    assert h["recipients"] == ["Ban Chỉ đạo KHCN, ĐMST, CĐS và Đề án 06 tỉnh"]
    assert (h["authority"], h["signer_title"], h["signer_name"]) == ([], "GIÁM ĐỐC", "Nguyễn Văn Trưởng")
    assert "TM. BAN CHỈ ĐẠO" not in h["authority"] and "Sở Alpha" not in h["title"]
    assert "Sở Alpha báo cáo tình hình" in draft.narrative["preamble"]
    # its name is in the header, not repeated on each line of section II
    assert "Sở Alpha" not in draft.narrative["shortcomings"]
    commune = UnitFactory(name="UBND xã Ba", kind=UnitKind.COMMUNE, short_name="")
    from reports.services import _unit_header

    assert _unit_header(commune)["authority"] == ["TM. ỦY BAN NHÂN DÂN"]
    assert _unit_header(commune)["parent_body"] == ""


def _counts(**kw):
    base = dict.fromkeys(
        ("total", "completed_on_time", "completed_late", "awaiting_review", "in_progress", "not_started",
         "returned", "overdue"), 0)  # fmt: skip
    return {**base, **kw}


def test_table_two_is_by_kind_with_subtotals_in_the_body_and_complete_in_the_appendix():
    from reports.assembly.document import unit_tables

    rows = [{"label": f"Sở {n}", "kind": "department", **_counts(total=2, overdue=1)} for n in range(5)]
    rows += [
        {"label": f"UBND xã {n}", "kind": "commune", **_counts(total=1, not_started=1)} for n in range(20)
    ]
    inputs = {"by_unit": rows, "totals": _counts(total=30, overdue=5, not_started=20)}
    body, full = unit_tables(inputs)
    assert [r[0] for r in body.rows] == ["Sở, ban, ngành (5 đơn vị)", "UBND xã, phường (20 đơn vị)"]
    assert [r[1] for r in body.rows] == [10, 20] and body.total[1] == 30
    assert len(full.rows) == 27 and full.subtotals == (0, 6)
    assert full.rows[0][0] == "Sở, ban, ngành (5 đơn vị)" and full.rows[1][0] == "Sở 0"
    few, none = unit_tables({"by_unit": rows[:3], "totals": _counts(total=6)})
    assert none is None and [r[0] for r in few.rows] == ["Sở 0", "Sở 1", "Sở 2"]


def test_the_completion_column_shows_approved_completion_only():
    from reports.assembly.document import completion_words

    assert completion_words({"category": "completed_late", "completion": "90.0"}) == (Decimal(100), "")
    assert completion_words({"category": "awaiting_review", "completion": "100.0"}) == (
        None,
        "Chờ thẩm định (báo 100%)",
    )
    assert completion_words({"category": "returned", "completion": "100.0"})[1] == "Chưa công nhận (báo 100%)"
    assert completion_words({"category": "in_progress", "completion": "62.5"}) == (Decimal("62.5"), "")
    assert completion_words({"category": "group", "completion": "40.0", "unapproved": 3})[1] == (
        "40%; 3 chờ công nhận"
    )


def test_section_three_carries_the_overdue_work_over():
    from reports.assembly.document import carried_sentence

    late = [
        {"code": f"1.{n}", "days_late": d, "position": n}
        for n, d in enumerate((51, 0, 12, 300, 5, 7, 8, 9, 10, 11))
    ]
    text = carried_sentence({"late": late, "totals": {"overdue": 529}})
    assert text.startswith(
        "Chuyển sang kỳ tới 9 tiểu nhiệm vụ đã quá hạn chưa hoàn thành (529 lượt giao chủ trì)"
    )
    assert "trước hết: 1.3 (quá hạn 300 ngày), 1.0 (quá hạn 51 ngày)" in text
    assert text.endswith("và 1 tiểu nhiệm vụ khác.")
    assert carried_sentence({"late": [], "totals": {"overdue": 0}}) == ""


def test_the_targets_table_wraps_its_words_instead_of_running_past_the_margin():
    """A verdict "Chưa đạt chỉ tiêu (chậm so với lộ trình)" or a value with its fraction, kept on one
    line as a figure, pushed the demo's targets table 8 mm past the page's edge."""
    from reports.assembly.document import target_blocks

    row = {
        "code": "1.1.1", "text": "Có ≥ 80% dịch vụ công trực tuyến toàn trình", "goal": "≥ 80% trước ngày 01/09/2026",
        "value": "78,01% (1.607/2.060)", "as_of": "2026-10-31", "verdict": "chưa đạt chỉ tiêu", "behind": True,
    }  # fmt: skip
    *_, table = target_blocks({"targets": [row], "scope": {"unit": None}})
    (cells,) = [[c["cls"] for c in r["cells"]] for r in table.cells]
    assert cells == ["label", "label", "words", "figure", "words"]
    assert table.rows[0][4] == "Chưa đạt chỉ tiêu (chậm so với lộ trình)"
    css = (Path(__file__).resolve().parents[2] / "reports/static/reports/pdf.css").read_text()
    words = css.split("table.figures-table td.words {", 1)[1].split("}", 1)[0]
    assert "nowrap" not in words


def test_the_space_between_two_symbols_kept_whole_stays():
    """Two symbols a line may not break inside, one word space apart, printed as one word
    ("Nghị định số 118/2025/NĐ-CP:95/95 xã") once the template's whitespace was squeezed."""
    import dataclasses

    from reports.document import Paragraph, ReportSection
    from reports.pdf.render.documents import Part, _html
    from reports.sample import sample_report

    doc = sample_report(3)
    text = "- 6.1 Rà soát theo Nghị định số 118/2025/NĐ-CP: 95/95 xã, phường chưa hoàn thành."
    doc = dataclasses.replace(
        doc, sections=(ReportSection(numeral="II", title="X", blocks=(Paragraph(text),)),)
    )
    html = _html(doc, Part(body=True))
    assert '118/2025/NĐ-CP:</span> <span class="nobr">95/95</span> xã' in html
    assert "<td> " not in html and "</tr> <tr" not in html  # the indentation still goes


def test_the_next_period_sentence_reads_as_a_clerk_writes_it():
    from reports.assembly.document import next_sentence

    scope = {"next_label": "Tháng 12/2026", "next_start": "2026-12-01", "next_end": "2026-12-31"}
    none = next_sentence({"scope": scope, "next_period": {"count": 0}})
    assert (
        none
        == "Trong kỳ tới (tháng 12/2026, từ 01/12/2026 đến 31/12/2026) không có tiểu nhiệm vụ nào đến hạn hoàn thành."
    )
    some = next_sentence({"scope": scope, "next_period": {"count": 3}})
    assert some.endswith("có 3 tiểu nhiệm vụ đến hạn hoàn thành chưa được công nhận hoàn thành.")


def test_a_long_issuing_body_breaks_where_a_clerk_breaks_it():
    from reports.templatetags.report_text import masthead, masthead_lines

    assert masthead_lines("SỞ KHOA HỌC VÀ CÔNG NGHỆ") == ["SỞ KHOA HỌC", "VÀ CÔNG NGHỆ"]
    assert masthead_lines("SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH") == ["SỞ VĂN HÓA,", "THỂ THAO VÀ DU LỊCH"]
    assert masthead_lines("BAN CHỈ ĐẠO KHCN, ĐMST, CĐS VÀ ĐỀ ÁN 06") == [
        "BAN CHỈ ĐẠO KHCN, ĐMST,",
        "CĐS VÀ ĐỀ ÁN 06",
    ]
    assert masthead_lines("BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP TỈNH") == [
        "BAN QUẢN LÝ CÁC KHU",
        "CÔNG NGHIỆP TỈNH",
    ]
    assert masthead_lines("SỞ TÀI CHÍNH") == ["SỞ TÀI CHÍNH"]
    assert masthead_lines("SỞ A\nVÀ B") == ["SỞ A", "VÀ B"]  # the user's own lines
    assert masthead("SỞ <B> VÀ CÔNG NGHỆ THÔNG TIN") == "SỞ &lt;B&gt;<br>VÀ CÔNG NGHỆ THÔNG TIN"
