"""Joining the rendered parts and stamping their page numbers."""

from __future__ import annotations

import hashlib
import io
import re
from functools import cache

from reports.document import OfficialReport
from reports.pdf.fonts import font_face_css

from .documents import PartResult, _styles

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


def _join(doc: OfficialReport, results: list[PartResult], *, appendix_from: int | None = None) -> bytes:
    """The parts' pages in order, numbered; `appendix_from` is the index of the appendix's first
    page (its pages are numbered on their own, see PAGE_NUMBER_CSS)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for result in results:
        writer.append(PdfReader(io.BytesIO(result.pdf)))
    _stamp_page_numbers(writer, appendix_from=appendix_from)
    distinct_subset_names(writer)
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


def page_label(index: int, appendix_from: int | None = None) -> str:
    """The number printed on the page at `index` (from 0): none on the document's first page nor
    on the appendix's, whose pages count from 1 again."""
    if appendix_from is not None and index >= appendix_from:
        index -= appendix_from
    return "" if index == 0 else str(index + 1)


def _stamp_page_numbers(writer, *, appendix_from: int | None = None) -> None:
    """Number every page but the first (and the appendix's first), drawing the digits as shared
    form XObjects.

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
        label = page_label(index, appendix_from)
        if not label:
            continue
        wide = page.mediabox.width > page.mediabox.height
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


# A subset font's name begins with a tag of six capital letters ("WVSVWR+Tinos"). Each WeasyPrint
# part draws its tag from the face alone, so the parts' different subsets of one face came out under
# one name, which the PDF standard forbids (ISO 32000-1, 9.6.4: a tag names one subset) and which
# lets a viewer or a PDF/A check take one subset for another.
_SUBSET_TAG = re.compile(r"^/?[A-Z]{6}\+")
_FONT_FILES = ("/FontFile2", "/FontFile", "/FontFile3")


def _subset_tag(data: bytes) -> str:
    """Six capital letters drawn from the subset's own bytes: one subset, one tag (so identical
    subsets of two parts keep one name and may still be stored once)."""
    number = int.from_bytes(hashlib.sha256(data).digest()[:8], "big")
    letters = []
    for _ in range(6):
        number, k = divmod(number, 26)
        letters.append(chr(ord("A") + k))
    return "".join(letters)


def _fonts_of(resources, seen: set[int]):
    """The font dictionaries of `resources` and of the form XObjects it uses, each once."""
    from pypdf.generic import IndirectObject

    if resources is None:
        return
    resources = resources.get_object()
    for font in (resources.get("/Font") or {}).values():
        key = font.idnum if isinstance(font, IndirectObject) else id(font)
        if key not in seen:
            seen.add(key)
            yield font.get_object()
    for xobject in (resources.get("/XObject") or {}).values():
        key = xobject.idnum if isinstance(xobject, IndirectObject) else id(xobject)
        if key in seen:
            continue
        seen.add(key)
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form":
            yield from _fonts_of(xobject.get("/Resources"), seen)


def distinct_subset_names(writer) -> None:
    """Rename every embedded subset after its own bytes (see _SUBSET_TAG)."""
    from pypdf.generic import NameObject

    seen: set[int] = set()
    for page in writer.pages:
        for font in _fonts_of(page.get("/Resources"), seen):
            descendants = [d.get_object() for d in font.get("/DescendantFonts") or ()]
            for face in descendants or [font]:
                descriptor = face.get("/FontDescriptor")
                if descriptor is None:
                    continue
                descriptor = descriptor.get_object()
                stream = next((descriptor[k] for k in _FONT_FILES if k in descriptor), None)
                name = str(descriptor.get("/FontName", ""))
                if stream is None or not _SUBSET_TAG.match(name):
                    continue
                tag = _subset_tag(stream.get_object().get_data())
                renamed = NameObject("/" + tag + "+" + _SUBSET_TAG.sub("", name))
                descriptor[NameObject("/FontName")] = renamed
                face[NameObject("/BaseFont")] = renamed
                if descendants:
                    font[NameObject("/BaseFont")] = renamed
