"""Render an `OfficialReport` to PDF with WeasyPrint, in parallel parts joined with pypdf.

A plain WeasyPrint render of a report with a 2,000-row appendix spends most of its time
laying out the one long table. Here the body and slices of the appendix are separate
WeasyPrint documents rendered in forked worker processes (the stylesheets and the font
configuration are built once, before the fork); their pages are joined with pypdf, and the
page numbers — which a part cannot know — are stamped on afterwards from a small WeasyPrint
document of page numbers only. `render_report_pdf_single` is the plain render, kept for the
benchmark and as the reference layout.
"""

from __future__ import annotations

import io
import logging
import multiprocessing
import os
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import NamedTuple

from django.template.loader import render_to_string

from reports.document import OfficialReport
from reports.pdf.fonts import font_face_css

logger = logging.getLogger(__name__)

CSS_PATH = Path(__file__).resolve().parent.parent / "static" / "reports" / "pdf.css"
UA_CSS_PATH = CSS_PATH.with_name("pdf_ua.css")

# Page numbers: Arabic, 13 pt upright, centred in the top margin, none on the first page.
PAGE_NUMBER_CSS = """
@page { @top-center { content: counter(page); font-family: "Tinos", "Liberation Serif", serif;
        font-size: 13pt; font-weight: normal; font-style: normal; vertical-align: middle; } }
@page appendix { @top-center { content: counter(page); font-family: "Tinos", "Liberation Serif", serif;
        font-size: 13pt; vertical-align: middle; } }
@page :first { @top-center { content: none; } }
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


def _slices(items: list[dict], count: int, min_rows: int = MIN_SLICE_ROWS) -> list[list[dict]]:
    """Cut the appendix into `count` slices of about equal rows, at section boundaries where one
    is near, never leaving a section heading alone at the end of a slice."""
    total = sum("row" in i for i in items)
    count = max(1, min(count, total // max(1, min_rows)))
    if count == 1:
        return [items] if items else []
    before = []  # rows before each item
    seen = 0
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
        if not cuts or cut > cuts[-1]:
            cuts.append(cut)
    bounds = [0, *cuts, len(items)]
    return [items[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if a < b]


def plan_parts(doc: OfficialReport, *, slices: int = 1, min_slice_rows: int = MIN_SLICE_ROWS) -> list[Part]:
    """The body, then the appendix in `slices` slices; the seal goes with the last part."""
    parts = [Part(body=True)]
    if doc.appendix is not None:
        items = _appendix_items(doc)
        slices = _slices(items, slices, min_slice_rows) or [[]]
        for n, rows in enumerate(slices):
            parts.append(Part(appendix=True, appendix_head=n == 0, tables=[rows] if rows else []))
    parts[-1].seal = True
    return parts


# Whitespace between two tags: the templates are indented for people, but every such run is a
# text node that WeasyPrint parses, boxes and throws away (thousands in a long appendix).
_BETWEEN_TAGS = re.compile(r">\s+<")


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


# Worker side: with the fork start method the job is inherited, not pickled. One render at a
# time per process (it takes every core anyway), so a second thread cannot swap the job.
_JOB: tuple[OfficialReport, list[Part]] | None = None
_JOB_LOCK = threading.Lock()


class PartResult(NamedTuple):
    pdf: bytes
    landscape: list[bool]
    pid: int
    cpu: float
    wall: float


def _render_part(index: int) -> PartResult:
    assert _JOB is not None
    doc, parts = _JOB
    wall, cpu = time.perf_counter(), time.process_time()
    pdf, landscape = _write(_html(doc, parts[index]), numbered=False)
    result = PartResult(pdf, landscape, os.getpid(), time.process_time() - cpu, time.perf_counter() - wall)
    logger.debug(
        "part %d (pid %d): %d pages, cpu %.2f s, wall %.2f s",
        index,
        result.pid,
        len(landscape),
        result.cpu,
        result.wall,
    )
    return result


def _can_fork() -> bool:
    # Daemonic processes (a Celery prefork child) may not start children of their own.
    return "fork" in multiprocessing.get_all_start_methods() and not multiprocessing.current_process().daemon


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def render_report_pdf(
    doc: OfficialReport,
    *,
    workers: int | None = None,
    slices: int | None = None,
    min_slice_rows: int = MIN_SLICE_ROWS,
    on_progress: Callable[[int, int], None] | None = None,
    stats: dict | None = None,
) -> bytes:
    """The report as PDF bytes: the body and slices of the appendix rendered in parallel
    processes and joined. Two slices per worker let the pool even out their differences.

    `on_progress(done, total)` is called in this process as parts finish (for a job's progress
    bar); the join counts as the last step. `stats`, when given, is filled with where the time
    went: each part's process, pages, CPU and wall seconds, and the join's.
    """
    started = time.perf_counter()
    workers = workers or default_workers()
    if not _can_fork():
        workers = 1
    parts = plan_parts(
        doc, slices=slices or (2 * workers if workers > 1 else 1), min_slice_rows=min_slice_rows
    )
    workers = min(workers, len(parts))
    _styles()  # built once, before forking
    _lean_html_class()
    progress = on_progress or (lambda done, total: None)
    with _JOB_LOCK:
        results = _render_parts(doc, parts, workers, progress)
    rendered, join_cpu = time.perf_counter(), time.process_time()
    pdf = _join(doc, results)
    progress(len(parts) + 1, len(parts) + 1)
    if stats is not None:
        stats.update(
            workers=workers,
            parts=[(r.pid, len(r.landscape), r.cpu, r.wall) for r in results],
            render_wall=rendered - started,
            join_wall=time.perf_counter() - rendered,
            join_cpu=time.process_time() - join_cpu,
        )
    logger.debug(
        "%d parts on %d worker(s): rendered in %.2f s, joined in %.2f s",
        len(parts),
        workers,
        rendered - started,
        time.perf_counter() - rendered,
    )
    return pdf


def _render_parts(doc: OfficialReport, parts: list[Part], workers: int, progress) -> list[PartResult]:
    global _JOB
    _JOB = (doc, parts)
    try:
        results = None
        if workers > 1:
            try:
                results = _render_in_pool(parts, workers, progress)
            except (AssertionError, OSError, BrokenProcessPool) as exc:
                # no children here (a daemonic process) or one died: do the work ourselves
                logger.warning("rendering the report's parts in this process: %r", exc)
        if results is None:
            results = []
            for i in range(len(parts)):
                results.append(_render_part(i))
                progress(i + 1, len(parts) + 1)
    finally:
        _JOB = None
    return results


def _render_in_pool(parts: list[Part], workers: int, progress) -> list[PartResult]:
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        # the largest parts first, so no worker is left with a long one at the end
        order = sorted(range(len(parts)), key=lambda i: -_weight(parts[i]))
        futures = {pool.submit(_render_part, i): i for i in order}
        _digits_pdf()  # while the workers render
        results: dict[int, PartResult] = {}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            progress(len(results), len(parts) + 1)
        return [results[i] for i in range(len(parts))]


def _weight(part: Part) -> int:
    return (60 if part.body else 0) + sum(len(t) for t in part.tables)


# Page numbers are stamped on the joined pages from ten digits drawn once by WeasyPrint, each
# on a page of its own at the place the top-centre margin box puts a one-digit number (centred
# over the text block, in the middle of the top margin: portrait 30 + 165 mm, landscape
# 20 + 257 mm). A number of k digits is those digits side by side, centred on the same point:
# Times-compatible faces have tabular figures, each half an em wide.
PAGE_NUMBER_PT = 13
DIGIT_ADVANCE_PT = PAGE_NUMBER_PT / 2
DIGITS_CSS = """
@page { size: A4 portrait; margin: 0; }
@page wide { size: A4 landscape; margin: 0; }
html { font-family: "Tinos", "Liberation Serif", serif; font-size: 13pt; }
body { margin: 0; }
.pg { break-before: page; margin-left: 30mm; width: 165mm; height: 20mm; line-height: 20mm; text-align: center; }
.pg.first { break-before: auto; }
.pg.wide { page: wide; margin-left: 20mm; width: 257mm; height: 25mm; line-height: 25mm; }
"""


@cache
def _digits_pdf() -> bytes:
    """Twenty pages: the digits 0–9 on portrait pages, then on landscape pages."""
    from weasyprint import CSS, HTML

    font_config, _, _ = _styles()
    pages = [
        f'<div class="pg{" wide" if wide else ""}{" first" if not wide and d == 0 else ""}">{d}</div>'
        for wide in (False, True)
        for d in range(10)
    ]
    html = '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"></head><body>' + "".join(pages)
    css = CSS(string=font_face_css() + DIGITS_CSS, font_config=font_config)
    return HTML(string=html + "</body></html>").write_pdf(stylesheets=[css], font_config=font_config)


def _join(doc: OfficialReport, results: list[PartResult]) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for result in results:
        writer.append(PdfReader(io.BytesIO(result.pdf)))
    _stamp_page_numbers(writer)
    writer.add_metadata(
        {
            "/Title": f"{doc.document_type} {doc.title}",
            "/Author": doc.issuing_body,
            "/Subject": doc.number_line,
            "/Creator": "NQ57 portal",
        }
    )
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _stamp_page_numbers(writer) -> None:
    """Number every page but the first, drawing the digits as shared form XObjects.

    pypdf's merge_page would rewrite every page's content stream and copy a font into each
    page; here each page's own stream stays as it is, wrapped in q … Q, and one more short
    stream places the digits.
    """
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    digits = PdfReader(io.BytesIO(_digits_pdf()))
    forms: dict[tuple[bool, str], object] = {}

    def stream(data: bytes):
        obj = DecodedStreamObject()
        obj.set_data(data)
        return writer._add_object(obj)

    def form(wide: bool, digit: str):
        if (wide, digit) not in forms:
            source = digits.pages[(10 if wide else 0) + int(digit)]
            obj = DecodedStreamObject()
            obj.set_data(source.get_contents().get_data())
            obj[NameObject("/Type")] = NameObject("/XObject")
            obj[NameObject("/Subtype")] = NameObject("/Form")
            obj[NameObject("/BBox")] = ArrayObject(source.mediabox)
            obj[NameObject("/Resources")] = source["/Resources"].clone(writer)
            forms[wide, digit] = writer._add_object(obj)
        return forms[wide, digit]

    for index, page in enumerate(writer.pages):
        if index == 0:
            continue  # the first page carries no number
        wide = page.mediabox.width > page.mediabox.height
        label = str(index + 1)
        resources = page["/Resources"].get_object()
        if "/XObject" not in resources:
            resources[NameObject("/XObject")] = DictionaryObject()
        xobjects = resources["/XObject"].get_object()
        ops = []
        for position, digit in enumerate(label):
            name = f"/NQ57Digit{'L' if wide else 'P'}{digit}"
            xobjects[NameObject(name)] = form(wide, digit)
            shift = (position - (len(label) - 1) / 2) * DIGIT_ADVANCE_PT
            ops.append(f"q 1 0 0 1 {shift:.3f} 0 cm {name} Do Q")
        contents = page["/Contents"].get_object()
        own = list(contents) if isinstance(contents, ArrayObject) else [page.raw_get("/Contents")]
        # the page's own stream may leave its coordinate system changed: isolate it
        stamp = stream(("\nQ " + " ".join(ops) + "\n").encode())
        page[NameObject("/Contents")] = ArrayObject([stream(b"q\n"), *own, stamp])


__all__ = ["Part", "plan_parts", "render_report_pdf", "render_report_pdf_single"]
