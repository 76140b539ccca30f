"""The official report PDF: Decree 30 format (measured by the shared checker), real text,
page numbers, the landscape appendix, the parallel render equal to the plain one."""

import dataclasses
import io
import re
import subprocess
from collections import Counter
from datetime import date

import pdfplumber
import pytest

from reports.document import (
    date_line,
    document_from_json,
    document_sha256,
    document_to_json,
    list_punctuated,
)
from reports.pdf import plan_parts, render_report_pdf, render_report_pdf_single
from reports.sample import sample_report

from .decree30 import appendix_from, assert_passes_decree30, page_numbers

MM = 72 / 25.4
CODE = re.compile(r"^\d+\.\d+$")


def _doc(rows):
    doc = sample_report(rows)
    return dataclasses.replace(doc, sha256=document_sha256(doc))


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """A report whose appendix is cut into three slices rendered by two worker processes."""
    doc = _doc(60)
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(render_report_pdf(doc, workers=2, slices=3, min_slice_rows=15))
    return doc, path


def _text(path, *args):
    return subprocess.run(
        ["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_it_passes_every_decree30_check(report, tmp_path):
    _, path = report
    assert_passes_decree30(path, tmp_path)


def test_the_appendix_pages_are_numbered_on_their_own(report):
    """pdftotext, page by page, reads in the top margin: nothing on page 1, 2 … to the body's end,
    nothing on the appendix's first page, then 2, 3 … again (Decree 30 numbers an appendix apart)."""
    _, path = report
    appendix = appendix_from(path)
    numbers = page_numbers(path)
    assert appendix is not None and len(numbers) - appendix >= 4
    assert numbers[:appendix] == ["", *(str(n) for n in range(2, appendix + 1))]
    assert numbers[appendix:] == ["", *(str(n) for n in range(2, len(numbers) - appendix + 1))]
    assert "PHỤ LỤC" in _text(path, "-f", str(appendix + 1), "-l", str(appendix + 1))


def test_the_plan_cuts_the_appendix_into_slices(report):
    doc, _ = report
    parts = plan_parts(doc, slices=3, min_slice_rows=15)
    assert [p.body for p in parts] == [True, False, False, False]
    rows = [i["row"] for p in parts[1:] for t in p.tables for i in t if "row" in i]
    assert rows == [r for s in doc.appendix.sections for r in s.rows]
    assert parts[1].appendix_head and not parts[2].appendix_head
    assert parts[-1].seal and not any(p.seal for p in parts[:-1])


def test_pdftotext_gives_back_the_vietnamese_exactly(report):
    doc, path = report
    first = _text(path, "-f", "1", "-l", "1", "-layout")
    for text in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Đồng Nai, ngày 05 tháng 01 năm 2026",
        "Số: 15/BC-BCĐ",
        "UBND TỈNH ĐỒNG NAI",
        "BÁO CÁO",
        "Tình hình thực hiện Kế hoạch số 1-KH/BCĐ",
        "Kính gửi: Ban Chỉ đạo Trung ương",
        "I. TÌNH HÌNH THỰC HIỆN, KẾT QUẢ ĐẠT ĐƯỢC",
        "Bảng 1. Kết quả thực hiện theo lĩnh vực",
    ):
        assert text in first, text
    everything = _text(path)
    for text in (
        "Nơi nhận:",
        "- Như kính gửi;",
        "- Lưu: VT, CĐS.",
        "TM. BAN CHỈ ĐẠO",
        "KT. TRƯỞNG BAN",
        "PHÓ TRƯỞNG BAN",
        "Lê Trường Sơn",
        "PHỤ LỤC",
        "Quá hạn",
    ):
        assert text in everything, text
    # the lead units' names, tone marks and all, out of the appendix cells (wrapped or not)
    units = {r.lead_unit for s in doc.appendix.sections for r in s.rows}
    assert "Sở Văn hóa, Thể thao và Du lịch" in units or "UBND phường Trấn Biên" in units
    flat = re.sub(r"\s+", " ", everything)
    assert [u for u in units if u not in flat] == []


def test_the_figures_printed_are_the_figures_given(report):
    doc, path = report
    (table,) = [b for b in doc.sections[0].blocks if b.kind == "table"]
    with pdfplumber.open(path) as pdf:
        printed = [row for t in pdf.pages[0].extract_tables() for row in t]
    printed = [[re.sub(r"\s+", " ", c or "").strip() for c in row] for row in printed]
    assert printed[0] == list(table.columns)
    expected = [[str(c) for c in row] for row in (*table.rows, table.total)]
    assert printed[1:] == expected
    total = table.total
    assert total[1] == len([r for s in doc.appendix.sections for r in s.rows])


def test_page_numbers_are_centred_at_the_top_from_page_2(report):
    _, path = report
    appendix = appendix_from(path)
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) > 4
        for n, page in enumerate(pdf.pages, start=1):
            top = [w for w in page.extract_words(extra_attrs=["size"]) if w["bottom"] < 20 * MM]
            numbers = [w for w in top if w["text"].isdigit()]
            own = n - appendix if n > appendix else n  # the appendix counts from 1 again
            if own == 1:
                assert numbers == []
                continue
            assert [w["text"] for w in numbers] == [str(own)]
            (w,) = numbers
            assert abs((w["x0"] + w["x1"]) / 2 - page.width / 2) < 25
            assert round(w["size"]) == 13


def test_the_appendix_is_on_landscape_pages_with_its_header_on_each(report):
    doc, path = report
    with pdfplumber.open(path) as pdf:
        shapes = ["landscape" if p.width > p.height else "portrait" for p in pdf.pages]
        first_wide = shapes.index("landscape")
        assert first_wide >= 1
        assert set(shapes[:first_wide]) == {"portrait"} and set(shapes[first_wide:]) == {"landscape"}
        codes = []
        for number, page in enumerate(pdf.pages[first_wide:], start=first_wide + 1):
            text = page.extract_text()
            assert "Sản phẩm đầu ra" in text and "Đơn vị chủ trì" in text, f"no header row on page {number}"
            codes += [w["text"] for w in page.extract_words() if CODE.match(w["text"]) and w["x0"] < 35 * MM]
    # every row once, in order, across the slices
    assert codes == [r.code for s in doc.appendix.sections for r in s.rows]


def test_the_last_page_footer_carries_the_checksum_and_cut_off(report):
    doc, path = report
    with pdfplumber.open(path) as pdf:
        last = pdf.pages[-1]
        footer = last.crop((0, last.height - 20 * MM, last.width, last.height)).extract_text()
        earlier = pdf.pages[-2].extract_text()
    assert len(doc.sha256) == 64
    assert doc.sha256 in footer
    assert "Số liệu tính đến 23:59 ngày 31/12/2025" in footer
    assert doc.sha256 not in earlier


def test_fonts_are_embedded_tinos(report):
    _, path = report
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [ln.split() for ln in out.splitlines()[2:]]
    assert rows
    for row in rows:
        assert "Tinos" in row[0] or "LiberationSerif" in row[0]
        assert row[-5] == "yes"  # emb


def _embedded_subsets(path) -> dict[str, set[str]]:
    """Each subset font name in the file → the digests of the font programs stored under it."""
    import hashlib

    from pypdf import PdfReader

    named: dict[str, set[str]] = {}

    def visit(resources):
        resources = resources.get_object() if resources is not None else {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            for face in [d.get_object() for d in font.get("/DescendantFonts") or ()] or [font]:
                descriptor = face["/FontDescriptor"].get_object()
                data = descriptor["/FontFile2"].get_object().get_data()
                assert face["/BaseFont"] == descriptor["/FontName"]
                named.setdefault(str(descriptor["/FontName"]), set()).add(hashlib.sha256(data).hexdigest())
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                visit(xobject.get("/Resources"))

    for page in PdfReader(path).pages:
        visit(page.get("/Resources"))
    return named


def test_each_font_subset_of_the_joined_parts_has_a_name_of_its_own(report):
    """Four parts each embed their own subset of Tinos: one name per subset (ISO 32000-1, 9.6.4)."""
    _, path = report
    named = _embedded_subsets(path)
    assert {name: len(programs) for name, programs in named.items() if len(programs) > 1} == {}
    regular = [name for name in named if re.fullmatch(r"/[A-Z]{6}\+Tinos", name)]
    assert len(regular) >= 4  # the body, three slices of the appendix, the page numbers' digits
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    listed = [ln.split()[0] for ln in out.splitlines()[2:]]
    assert len(listed) == len(set(listed))


def test_the_parallel_render_lays_out_like_the_plain_one():
    doc = _doc(70)  # past page 10: two-digit page numbers too
    plain = render_report_pdf_single(doc)
    ours = render_report_pdf(doc, workers=2)  # body and appendix in two processes, stamped numbers
    with (
        pdfplumber.open(io.BytesIO(plain)) as a,
        pdfplumber.open(io.BytesIO(ours)) as b,
    ):
        assert len(a.pages) == len(b.pages) >= 10
        for pa, pb in zip(a.pages, b.pages, strict=True):
            wa = [(w["text"], round(w["x0"], 1), round(w["top"], 1)) for w in pa.extract_words()]
            wb = [(w["text"], round(w["x0"], 1), round(w["top"], 1)) for w in pb.extract_words()]
            assert wa == wb
            assert Counter(c["fontname"].split("+")[-1] for c in pa.chars) == Counter(
                c["fontname"].split("+")[-1] for c in pb.chars
            )


def test_it_reports_progress_part_by_part():
    seen = []
    render_report_pdf(
        _doc(40), workers=2, slices=2, min_slice_rows=10, on_progress=lambda d, t: seen.append((d, t))
    )
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_a_report_without_appendix_keeps_the_seal_inside_the_margins(tmp_path):
    doc = dataclasses.replace(_doc(0), appendix=None)
    path = tmp_path / "short.pdf"
    path.write_bytes(render_report_pdf(doc, workers=2))
    assert_passes_decree30(path, tmp_path)
    assert doc.sha256 in re.sub(r"\s+", "", _text(path))


def test_the_date_line_pads_days_and_the_months_january_and_february():
    checker_rule = re.compile(r"^.+, ngày (0[1-9]|[12]\d|3[01]) tháng (01|02|[3-9]|1[0-2]) năm \d{4}$")
    assert date_line("Đồng Nai", date(2026, 1, 5)) == "Đồng Nai, ngày 05 tháng 01 năm 2026"
    assert date_line("Đồng Nai", date(2026, 2, 28)) == "Đồng Nai, ngày 28 tháng 02 năm 2026"
    assert date_line("Đồng Nai", date(2026, 3, 9)) == "Đồng Nai, ngày 09 tháng 3 năm 2026"
    assert date_line("Đồng Nai", date(2025, 12, 31)) == "Đồng Nai, ngày 31 tháng 12 năm 2025"
    for month in range(1, 13):
        assert checker_rule.match(date_line("Đồng Nai", date(2026, month, 1)))


def test_the_number_line_pads_numbers_below_ten_and_leaves_room_when_blank():
    doc = _doc(0)
    assert dataclasses.replace(doc, number="5").number_line == "Số: 05/BC-BCĐ"
    assert dataclasses.replace(doc, number="123").number_line == "Số: 123/BC-BCĐ"
    blank = dataclasses.replace(doc, number="").number_line
    assert blank.startswith("Số: \u00a0") and blank.endswith("/BC-BCĐ")


def test_the_recipient_list_is_punctuated_as_the_decree_says():
    assert list_punctuated(["- Như kính gửi;", "UBND tỉnh (b/c)", "Lưu: VT, CĐS."]) == (
        "Như kính gửi;",
        "UBND tỉnh (b/c);",
        "Lưu: VT, CĐS.",
    )


def test_the_document_round_trips_through_json_with_a_stable_checksum():
    doc = _doc(12)
    text = document_to_json(doc)
    again = document_from_json(text)
    assert again == doc
    assert document_sha256(again) == document_sha256(doc) == doc.sha256
    changed = dataclasses.replace(doc, number="16")
    assert document_sha256(changed) != doc.sha256


def _render_in_a_daemon(path):
    path.write_bytes(render_report_pdf(_doc(20), workers=2))


def test_a_daemonic_process_renders_the_parts_itself(tmp_path):
    """A Celery prefork child is daemonic and may not start processes of its own."""
    import multiprocessing

    path = tmp_path / "daemon.pdf"
    child = multiprocessing.get_context("fork").Process(target=_render_in_a_daemon, args=(path,), daemon=True)
    child.start()
    child.join(120)
    assert child.exitcode == 0
    assert_passes_decree30(path, tmp_path)


def test_a_draft_with_long_names_and_several_recipients_keeps_the_format(tmp_path):
    doc = dataclasses.replace(
        _doc(0),
        number="",
        parent_body="Ủy ban nhân dân\ntỉnh Đồng Nai",  # the line break where the drafter put it
        issuing_body="Ban Chỉ đạo về phát triển khoa học, công nghệ, đổi mới sáng tạo, chuyển đổi số và Đề án 06",
        recipients=("Bộ Khoa học và Công nghệ", "Văn phòng Chính phủ", "Thường trực Tỉnh ủy Đồng Nai"),
        date=date(2026, 3, 2),
        appendix=None,
    )
    path = tmp_path / "draft.pdf"
    path.write_bytes(render_report_pdf(doc))
    assert_passes_decree30(path, tmp_path)
    first = _text(path, "-f", "1", "-l", "1", "-layout").replace("\u00a0", " ")
    assert "Đồng Nai, ngày 02 tháng 3 năm 2026" in first
    assert re.search(
        r"ỦY BAN NHÂN DÂN +CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n +TỈNH ĐỒNG NAI +Độc lập", first
    ), first[:400]
    for name in ("- Bộ Khoa học và Công nghệ;", "- Văn phòng Chính phủ;", "- Thường trực Tỉnh ủy Đồng Nai."):
        assert name in first


def test_the_first_slice_takes_fewer_rows_by_the_weight_of_the_appendixs_head():
    """The appendix's lists and full tables print before the first slice's rows: its share of rows
    is smaller by their weight, so that no worker waits on it (on the province-scale data the first
    slice took 8.6 s of CPU beside 4.7–5.1 s for the others)."""
    from reports.document import AppendixList
    from reports.pdf.render.documents import HEAD_LINE_ROWS, head_weight

    doc = _doc(600)
    plain = plan_parts(doc, slices=4, min_slice_rows=15)
    lines = tuple(f"- dòng {n}" for n in range(300))
    headed = dataclasses.replace(
        doc, appendix=dataclasses.replace(doc.appendix, lists=(AppendixList("A. X", lines),))
    )
    assert head_weight(headed) == pytest.approx(HEAD_LINE_ROWS * 301)
    parts = plan_parts(headed, slices=4, min_slice_rows=15)

    def counts(parts):
        return [sum("row" in i for t in p.tables for i in t) for p in parts[1:]]

    assert sum(counts(parts)) == sum(counts(plain)) == 600
    first, *rest = counts(parts)
    # 600 rows + 120 rows' worth of head in four: the first slice about 60 rows lighter than the rest
    assert first + head_weight(headed) == pytest.approx(sum(rest) / len(rest), rel=0.15)
    assert max(counts(plain)) - min(counts(plain)) <= 0.15 * 150
    # a head heavier than a slice leaves the first slice as small as a section allows, never empty
    heavy = dataclasses.replace(headed.appendix, lists=(AppendixList("A. X", lines * 10),))
    parts = plan_parts(dataclasses.replace(doc, appendix=heavy), slices=4, min_slice_rows=15)
    assert all(p.tables for p in parts[1:]) and sum(counts(parts)) == 600
