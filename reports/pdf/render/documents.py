"""The parts of a report and one WeasyPrint document per part (stylesheets built once per process)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import NamedTuple

from django.template.loader import render_to_string

from reports.document import OfficialReport
from reports.pdf.fonts import font_face_css

CSS_PATH = Path(__file__).resolve().parents[2] / "static" / "reports" / "pdf.css"
UA_CSS_PATH = CSS_PATH.with_name("pdf_ua.css")

# Page numbers: Arabic, 13 pt upright, centred in the top margin, none on the first page. The
# appendix's pages are numbered on their own (Decree 30/2020/NĐ-CP, Appendix I: "Số trang của phụ
# lục được đánh riêng theo từng phụ lục"), from 1 on its first page, which, as the document's own
# first page, shows none.
PAGE_NUMBER_CSS = """
@page { @top-center { content: counter(page); font-family: "Tinos", "Liberation Serif", serif;
        font-size: 13pt; font-weight: normal; font-style: normal; vertical-align: middle; } }
@page appendix { @top-center { content: counter(page); font-family: "Tinos", "Liberation Serif", serif;
        font-size: 13pt; vertical-align: middle; } }
@page :first { @top-center { content: none; } }
@page appendix:nth(1 of appendix) { counter-reset: page 1; @top-center { content: none; } }
"""

# Below this many rows a slice of the appendix costs more in forking and joining than it saves.
MIN_SLICE_ROWS = 150
# A slice may end at a section's end instead of mid-section when that moves the cut by at most
# this share of a slice: a section then starts on a fresh page, as it would by choice.
SECTION_CUT_SLACK = 0.25


@dataclass
class Part:
    """What one WeasyPrint document of the report holds."""

    body: bool = False
    appendix: bool = False
    appendix_head: bool = False
    tables: list[list[dict]] = field(default_factory=list)
    seal: bool = False


@cache
def _styles() -> tuple:
    """The stylesheets and font configuration, built once per process (and inherited by forks)."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    base = CSS(string=font_face_css() + "\n" + CSS_PATH.read_text(encoding="utf-8"), font_config=font_config)
    numbers = CSS(string=PAGE_NUMBER_CSS, font_config=font_config)
    return font_config, base, numbers


@cache
def _lean_html_class():
    """WeasyPrint's HTML with the lean user-agent stylesheet (see pdf_ua.css)."""
    from weasyprint import CSS, HTML

    ua = CSS(string=UA_CSS_PATH.read_text(encoding="utf-8"))

    class LeanHTML(HTML):
        def _ua_stylesheets(self, forms=False):
            return [ua]

        def _ph_stylesheets(self):
            return []

    return LeanHTML


def _appendix_items(doc: OfficialReport) -> list[dict]:
    items: list[dict] = []
    if doc.appendix is None:
        return items
    for section in doc.appendix.sections:
        items.append({"section": section.heading})
        items.extend({"row": row} for row in section.rows)
    return items


# What the appendix's head (its lists and full tables, printed before the first slice's rows) costs to
# lay out, in table rows: a list line or a row of the full Bảng 2 is one line across the page, about
# 0.4 of an appendix row (on the province-scale data the head was 36 pages: the first slice's part
# took 8.6 s of CPU beside 4.7–5.1 s for the others, and the busiest worker waited on it).
HEAD_LINE_ROWS = 0.4


def head_weight(doc: OfficialReport) -> float:
    """The appendix's head in appendix rows (see HEAD_LINE_ROWS)."""
    appendix = doc.appendix
    if appendix is None:
        return 0.0
    lines = sum(len(listed.lines) + 1 for listed in appendix.lists)
    lines += sum(len(table.rows) + 2 for table in appendix.tables)
    return HEAD_LINE_ROWS * lines


def _slices(
    items: list[dict], count: int, min_rows: int = MIN_SLICE_ROWS, *, head: float = 0.0
) -> list[list[dict]]:
    """Cut the appendix into `count` slices of about equal work, at section boundaries where one
    is near, never leaving a section heading alone at the end of a slice. `head` is the work of
    what the first slice prints before its rows, in rows (its share of rows is that much smaller)."""
    rows = sum("row" in i for i in items)
    count = max(1, min(count, rows // max(1, min_rows)))
    if count == 1:
        return [items] if items else []
    total = rows + head
    before = []  # work before each item: the head, then the rows
    seen = head
    for item in items:
        before.append(seen)
        seen += "row" in item
    section_starts = [n for n, item in enumerate(items) if "section" in item and n > 0]
    size = total / count
    cuts = []
    for k in range(1, count):
        ideal = k * size
        near = [n for n in section_starts if abs(before[n] - ideal) <= SECTION_CUT_SLACK * size]
        if near:
            cut = min(near, key=lambda n: abs(before[n] - ideal))
        else:
            cut = next(n for n, item in enumerate(items) if "row" in item and before[n] >= ideal)
            if "section" in items[cut - 1]:
                cut -= 1
        if cut > (cuts[-1] if cuts else 0):
            cuts.append(cut)
    bounds = [0, *cuts, len(items)]
    return [items[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if a < b]


def plan_parts(doc: OfficialReport, *, slices: int = 1, min_slice_rows: int = MIN_SLICE_ROWS) -> list[Part]:
    """The body, then the appendix in `slices` slices; the seal goes with the last part."""
    parts = [Part(body=True)]
    if doc.appendix is not None:
        items = _appendix_items(doc)
        slices = _slices(items, slices, min_slice_rows, head=head_weight(doc)) or [[]]
        for n, rows in enumerate(slices):
            parts.append(Part(appendix=True, appendix_head=n == 0, tables=[rows] if rows else []))
    parts[-1].seal = True
    return parts


# Whitespace between two tags: the templates are indented for people, but every such run is a
# text node that WeasyPrint parses, boxes and throws away (thousands in a long appendix). Not after a
# span nor before one: between two symbols kept whole (report_text.keep_symbols) the space is a word
# space ("Nghị định số 118/2025/NĐ-CP: 95/95 xã" had printed "NĐ-CP:95/95").
_BETWEEN_TAGS = re.compile(r"(?<!</span)>\s+<(?!span[\s>])")


def _html(doc: OfficialReport, part: Part) -> str:
    html = render_to_string("reports/pdf/report.html", {"doc": doc, "part": part})
    return _BETWEEN_TAGS.sub("><", html)


def _write(html: str, *, numbered: bool, lean: bool = True) -> tuple[bytes, list[bool]]:
    """One WeasyPrint document → (PDF bytes, landscape flag of each page)."""
    from weasyprint import HTML

    font_config, base, numbers = _styles()
    stylesheets = [base, numbers] if numbered else [base]
    html_class = _lean_html_class() if lean else HTML
    document = html_class(string=html, base_url=str(CSS_PATH.parent)).render(
        stylesheets=stylesheets, font_config=font_config
    )
    landscape = [page.width > page.height for page in document.pages]
    return document.write_pdf(), landscape


def render_report_pdf_single(doc: OfficialReport, *, lean: bool = False) -> bytes:
    """The whole report as one plain WeasyPrint document (page numbers by CSS counters):
    the reference layout, and the benchmark's baseline."""
    items = _appendix_items(doc)
    part = Part(body=True, appendix=doc.appendix is not None, appendix_head=True, seal=True)
    part.tables = [items] if items else []
    pdf, _ = _write(_html(doc, part), numbered=True, lean=lean)
    return pdf


class PartResult(NamedTuple):
    pdf: bytes
    landscape: list[bool]
    pid: int
    cpu: float
    wall: float
