"""Render an `OfficialReport` to PDF with WeasyPrint, in parallel parts joined with pypdf.

A plain WeasyPrint render of a report with a 2,000-row appendix spends most of its time
laying out the one long table. Here the body and slices of the appendix are separate
WeasyPrint documents rendered in forked worker processes (the stylesheets and the font
configuration are built once, before the fork); their pages are joined with pypdf, and the
page numbers — which a part cannot know — are stamped on afterwards from a small WeasyPrint
document of page numbers only. `render_report_pdf_single` is the plain render, kept for the
benchmark and as the reference layout.
"""

from .documents import (
    CSS_PATH,
    MIN_SLICE_ROWS,
    PAGE_NUMBER_CSS,
    SECTION_CUT_SLACK,
    UA_CSS_PATH,
    Part,
    PartResult,
    plan_parts,
    render_report_pdf_single,
)
from .page_numbers import DIGIT_ADVANCE_PT, DIGITS_CSS, PAGE_NUMBER_PT
from .parallel import default_workers, render_report_pdf

__all__ = [
    "CSS_PATH",
    "DIGITS_CSS",
    "DIGIT_ADVANCE_PT",
    "MIN_SLICE_ROWS",
    "PAGE_NUMBER_CSS",
    "PAGE_NUMBER_PT",
    "Part",
    "PartResult",
    "SECTION_CUT_SLACK",
    "UA_CSS_PATH",
    "default_workers",
    "plan_parts",
    "render_report_pdf",
    "render_report_pdf_single",
]
