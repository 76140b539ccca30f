"""Good and bad evidence files, built in code as real bytes.

Each bad case says which check must refuse it (`code`). Big files are made sparse or from a
compressed stream computed once, so the whole corpus stays fast.
"""

import functools
import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from PIL import Image

from evidence.validation import Code

# The EICAR test string (68 bytes): harmless, detected by every scanner as a test virus.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
MB = 1024 * 1024

# ---------------------------------------------------------------- good files


def pdf_bytes(text: str = "Minh chung NQ57", extra_comment: bytes = b"") -> bytes:
    """A minimal but valid PDF 1.4 (one page, one line of text) with a correct xref table."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    if extra_comment:
        out += b"% " + extra_comment + b"\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def image_bytes(fmt: str, size=(120, 80)) -> bytes:
    image = Image.new("RGB", size)
    # A gradient, so the compressed data is not trivially small and a cut lands inside it.
    image.putdata(
        [((x * 7) % 256, (y * 5) % 256, (x * y) % 256) for y in range(size[1]) for x in range(size[0])]
    )
    buf = io.BytesIO()
    image.save(buf, fmt, quality=90) if fmt == "JPEG" else image.save(buf, fmt)
    return buf.getvalue()


def _zip(entries: dict[str, bytes], *, first_stored: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        if first_stored:
            z.writestr(zipfile.ZipInfo(first_stored), entries[first_stored], compress_type=zipfile.ZIP_STORED)
        for name, data in entries.items():
            if name != first_stored:
                z.writestr(name, data)
    return buf.getvalue()


_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"'
    b' Target="%s"/></Relationships>'
)


def _content_types(part: str, content_type: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>'
    ).encode()


def docx_entries(*, macro: bool = False) -> dict[str, bytes]:
    ct = (
        "application/vnd.ms-word.document.macroEnabled.main+xml"
        if macro
        else "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    )
    entries = {
        "[Content_Types].xml": _content_types("word/document.xml", ct),
        "_rels/.rels": _RELS % b"word/document.xml",
        "word/document.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>Báo cáo kết quả thực hiện nhiệm vụ</w:t></w:r></w:p></w:body></w:document>"
        ).encode(),
    }
    if macro:
        entries["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 fake vba"
    return entries


def docx_bytes(**kw) -> bytes:
    return _zip(docx_entries(**kw))


def pptx_bytes() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": _content_types(
                "ppt/presentation.xml",
                "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
            ),
            "_rels/.rels": _RELS % b"ppt/presentation.xml",
            "ppt/presentation.xml": (
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                b'<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>'
            ),
        }
    )


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "KPI"
    sheet.append(["Mã", "Tiểu nhiệm vụ", "Tỷ lệ"])
    sheet.append(["5.4", "Số hoá hồ sơ", 0.75])
    buf = io.BytesIO()
    workbook.save(buf)
    return buf.getvalue()


def odf_bytes(mimetype: str) -> bytes:
    return _zip(
        {
            "mimetype": mimetype.encode(),
            "META-INF/manifest.xml": (
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
                'manifest:version="1.2">'
                f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>"
            ).encode(),
            "content.xml": (
                b'<?xml version="1.0" encoding="UTF-8"?>\n'
                b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                b'office:version="1.2"><office:body/></office:document-content>'
            ),
        },
        first_stored="mimetype",
    )


def ole2_bytes() -> bytes:
    """An OLE2 compound file header (what .doc and .xls files are) plus one empty sector."""
    header = bytearray(512)
    header[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", header, 24, 0x003E, 0x0003, 0xFFFE, 9, 6)
    struct.pack_into("<IIII", header, 44, 1, 0xFFFFFFFE, 0, 4096)
    struct.pack_into("<IIII", header, 60, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    header[76:512] = b"\xff" * 436
    struct.pack_into("<I", header, 76, 0)
    fat = bytearray(b"\xff" * 512)
    struct.pack_into("<I", fat, 0, 0xFFFFFFFD)
    return bytes(header) + bytes(fat)


GOOD = {
    # name: (builder, kind, mime)
    "Quyết định giao nhiệm vụ.pdf": (pdf_bytes, "pdf", "application/pdf"),
    "Ảnh hiện trường.jpg": (lambda: image_bytes("JPEG"), "jpeg", "image/jpeg"),
    "anh-chup.jpeg": (lambda: image_bytes("JPEG"), "jpeg", "image/jpeg"),
    "Sơ đồ.png": (lambda: image_bytes("PNG"), "png", "image/png"),
    "Báo cáo.docx": (
        docx_bytes,
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "Số liệu KPI.xlsx": (
        xlsx_bytes,
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "Trình bày.pptx": (
        pptx_bytes,
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "Công văn cũ.doc": (ole2_bytes, "doc", "application/msword"),
    "Bảng cũ.xls": (ole2_bytes, "xls", "application/vnd.ms-excel"),
    "Văn bản.odt": (
        lambda: odf_bytes("application/vnd.oasis.opendocument.text"),
        "odt",
        "application/vnd.oasis.opendocument.text",
    ),
    "Bảng tính.ods": (
        lambda: odf_bytes("application/vnd.oasis.opendocument.spreadsheet"),
        "ods",
        "application/vnd.oasis.opendocument.spreadsheet",
    ),
}

# ---------------------------------------------------------------- raw zips for hostile archives


@dataclass
class RawEntry:
    name: str
    data: bytes = b""  # what the entry holds, uncompressed (ignored when `stream` is given)
    deflate: bool = True
    stream: tuple[bytes, int, int] | None = None  # (compressed bytes, crc, real size) precomputed
    declared_size: int | None = None  # a lie about the uncompressed size, in both headers
    external_attr: int = 0
    flag_bits: int = 0
    same_data_as: int | None = None  # central record pointing at an earlier entry's local header


def raw_zip(entries: list[RawEntry]) -> bytes:
    """A zip written byte by byte, so headers can say what a hostile archive would."""
    out = bytearray()
    central = bytearray()
    offsets: list[int] = []
    records: list[tuple] = []
    for entry in entries:
        name = entry.name.encode()
        if entry.same_data_as is not None:
            offset, method, crc, csize, usize = records[entry.same_data_as]
        else:
            if entry.stream is not None:
                payload, crc, real = entry.stream
                method = 8
            elif entry.deflate:
                c = zlib.compressobj(9, zlib.DEFLATED, -15)
                payload = c.compress(entry.data) + c.flush()
                crc, real, method = zlib.crc32(entry.data), len(entry.data), 8
            else:
                payload, crc, real, method = entry.data, zlib.crc32(entry.data), len(entry.data), 0
            usize = entry.declared_size if entry.declared_size is not None else real
            csize = len(payload)
            offset = len(out)
            out += struct.pack(
                "<4sHHHHHIIIHH",
                b"PK\x03\x04",
                20,
                entry.flag_bits,
                method,
                0,
                0x21,
                crc,
                csize,
                usize,
                len(name),
                0,
            )
            out += name + payload
        records.append((offset, method, crc, csize, usize))
        offsets.append(offset)
        central += struct.pack(
            "<4sHHHHHHIIIHHHHHII",
            b"PK\x01\x02",
            0x031E,  # made by Unix, so external_attr carries a file mode
            20,
            entry.flag_bits,
            method,
            0,
            0x21,
            crc,
            csize,
            usize,
            len(name),
            0,
            0,
            0,
            0,
            entry.external_attr,
            offset,
        )
        central += name
    cd_offset = len(out)
    out += central
    out += struct.pack(
        "<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), cd_offset, 0
    )
    return bytes(out)


@functools.cache
def zeros_stream(size: int) -> tuple[bytes, int, int]:
    """Deflated zeros: (compressed, crc32, size), size a multiple of 1 MB. After a full flush a
    deflate stream starts afresh, so one compressed megabyte repeated is a valid stream: 256 MB
    cost about 256 KB and no time."""
    assert size % MB == 0
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    c.compress(b"")
    block = c.compress(bytes(MB)) + c.flush(zlib.Z_FULL_FLUSH)
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # an empty last block
    crc, chunk = 0, bytes(MB)
    for _ in range(size // MB):
        crc = zlib.crc32(chunk, crc)
    return block * (size // MB) + final, crc, size


def _docx_raw(*extra: RawEntry) -> bytes:
    return raw_zip([RawEntry(n, d) for n, d in docx_entries().items()] + list(extra))


def many_entries_docx(count: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, data in docx_entries().items():
            z.writestr(name, data)
        for i in range(count - 3):
            z.writestr(f"word/media/p{i}.xml", b"")
    return buf.getvalue()


def lying_count_docx(count: int) -> bytes:
    """20,000 entries in the central directory, an end record that says 3."""
    data = bytearray(many_entries_docx(count))
    eocd = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, eocd + 8, 3, 3)
    return bytes(data)


def overlapping_docx() -> bytes:
    """Many central records sharing one local entry (the "non-recursive zip bomb" trick)."""
    entries = [RawEntry(n, d) for n, d in docx_entries().items()]
    entries += [RawEntry(f"word/copy{i}.xml", same_data_as=2) for i in range(200)]
    return raw_zip(entries)


# ---------------------------------------------------------------- images gone wrong


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def pixel_flood_png(width=100_000, height=100_000) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" + b"\x00" * 3 * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def pixel_flood_jpeg(width=60_000, height=60_000) -> bytes:
    data = bytearray(image_bytes("JPEG", (16, 16)))
    i = 2
    while i < len(data):
        marker, length = data[i + 1], struct.unpack(">H", data[i + 2 : i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            struct.pack_into(">HH", data, i + 5, height, width)
            return bytes(data)
        i += 2 + length
    raise AssertionError("no SOF marker")


def png_bad_crc() -> bytes:
    data = bytearray(image_bytes("PNG"))
    idat = data.find(b"IDAT")
    data[idat + 10] ^= 0xFF  # a flipped byte inside the compressed pixels; the CRC no longer matches
    return bytes(data)


def jpeg_broken_data() -> bytes:
    """Well-formed markers, garbage where the compressed pixels are: only decoding shows it."""
    data = bytearray(image_bytes("JPEG", (320, 240)))
    scan = data.find(b"\xff\xda")
    data[scan + 20 : scan + 400] = b"\xff" * 380
    return bytes(data)


def pdf_of_size(size: int) -> bytes:
    """A valid PDF padded (inside a comment) to exactly `size` bytes."""
    padding = 1
    for _ in range(10):
        data = pdf_bytes(extra_comment=b"x" * padding)
        if len(data) == size:
            return data
        padding = max(1, padding + size - len(data))
    raise AssertionError(f"no PDF of exactly {size} bytes")


def gif_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("P", (8, 8)).save(buf, "GIF")
    return buf.getvalue()


HTML_PAGE = b"<!DOCTYPE html><html><head><title>x</title></head><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script></svg>"
)
ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00" + bytes(200)
PE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + bytes(44)
    + b"\x80\x00\x00\x00"
    + bytes(64)
    + b"PE\x00\x00"
    + bytes(200)
)


# ---------------------------------------------------------------- the bad corpus


@dataclass
class Bad:
    id: str
    name: str  # the name as uploaded (may be hostile)
    build: Callable[[], bytes] | None
    code: str
    shown: str = ""  # the cleaned display name the message must carry (default: name)
    settings: dict = field(default_factory=dict)
    scanner: bool = False  # refused only when a virus scanner is configured
    sparse_size: int = 0  # build a sparse file of this size instead of calling build()

    @property
    def display(self) -> str:
        return self.shown or self.name

    def write(self, folder: Path) -> Path:
        path = folder / f"{self.id}.bin"
        if self.sparse_size:
            with open(path, "wb") as f:
                f.write(b"%PDF-1.4\n")
                f.truncate(self.sparse_size)
        else:
            path.write_bytes(self.build())
        return path


LONG = "Báo cáo " + "rất dài " * 40 + ".pdf"  # 300+ characters

BAD = [
    # --- content that is not what the name says
    Bad("exe-as-pdf", "hoa-don.pdf", lambda: PE, Code.CONTENT_MISMATCH),
    Bad("elf-as-pdf", "bien-ban.pdf", lambda: ELF, Code.CONTENT_MISMATCH),
    Bad("script-as-docx", "ke-hoach.docx", lambda: b"#!/bin/sh\nrm -rf /\n", Code.CONTENT_MISMATCH),
    Bad("html-as-pdf", "quyet-dinh.pdf", lambda: HTML_PAGE, Code.CONTENT_MISMATCH),
    Bad(
        "pdf-starting-with-html",
        "polyglot.pdf",
        lambda: HTML_PAGE + b"\n" + pdf_bytes(),
        Code.CONTENT_MISMATCH,
    ),
    Bad("svg-as-png", "so-do.png", lambda: SVG, Code.CONTENT_MISMATCH),
    Bad("gif-as-png", "anh.png", gif_bytes, Code.CONTENT_MISMATCH),
    Bad("png-as-jpg", "anh.jpg", lambda: image_bytes("PNG"), Code.CONTENT_MISMATCH),
    Bad("zip-as-docx", "tai-lieu.docx", lambda: _zip({"a.txt": b"hello"}), Code.CONTENT_MISMATCH),
    Bad("xlsx-as-docx", "so-lieu.docx", xlsx_bytes, Code.CONTENT_MISMATCH),
    Bad("docm-as-docx", "macro.docx", lambda: docx_bytes(macro=True), Code.CONTENT_MISMATCH),
    Bad(
        "odp-as-odt",
        "trinh-chieu.odt",
        lambda: odf_bytes("application/vnd.oasis.opendocument.presentation"),
        Code.CONTENT_MISMATCH,
    ),
    Bad("ole2-as-pdf", "cong-van.pdf", ole2_bytes, Code.CONTENT_MISMATCH),
    Bad("ole2-as-docx", "cong-van.docx", ole2_bytes, Code.CONTENT_MISMATCH),
    Bad("docx-as-pdf", "bao-cao.pdf", docx_bytes, Code.CONTENT_MISMATCH),
    Bad("eicar-as-pdf", "eicar.pdf", lambda: EICAR, Code.CONTENT_MISMATCH),
    # --- types never allowed
    Bad("svg", "so-do.svg", lambda: SVG, Code.EXTENSION_NOT_ALLOWED),
    Bad("eicar-plain", "eicar.com", lambda: EICAR, Code.EXTENSION_NOT_ALLOWED),
    Bad("double-extension", "báo cáo.pdf.exe", lambda: PE, Code.EXTENSION_NOT_ALLOWED),
    Bad("rtlo-exe", "hoa-don\u202efdp.exe", lambda: PE, Code.EXTENSION_NOT_ALLOWED, shown="hoa-donfdp.exe"),
    Bad("no-extension", "README", lambda: b"hello", Code.EXTENSION_NOT_ALLOWED),
    # --- sizes
    Bad("empty", "rong.pdf", lambda: b"", Code.EMPTY),
    Bad(
        "one-byte-over",
        "vua-qua.pdf",
        lambda: pdf_of_size(4097),
        Code.TOO_LARGE,
        settings={"EVIDENCE_MAX_FILE_BYTES": 4096},
    ),
    Bad("over-default-limit", "lon.pdf", None, Code.TOO_LARGE, sparse_size=25 * MB + 1),
    # --- PDF structure
    Bad("pdf-no-eof", "cut.pdf", lambda: pdf_bytes()[:-40], Code.TRUNCATED),
    Bad("pdf-html-appended", "phu-them.pdf", lambda: pdf_bytes() + HTML_PAGE, Code.TRAILING_DATA),
    # --- images
    Bad("png-html-appended", "anh-html.png", lambda: image_bytes("PNG") + HTML_PAGE, Code.TRAILING_DATA),
    Bad("jpeg-html-appended", "anh-html.jpg", lambda: image_bytes("JPEG") + HTML_PAGE, Code.TRAILING_DATA),
    Bad("png-pixel-flood", "lu-diem-anh.png", pixel_flood_png, Code.IMAGE_TOO_LARGE),
    Bad("jpeg-pixel-flood", "lu-diem-anh.jpg", pixel_flood_jpeg, Code.IMAGE_TOO_LARGE),
    Bad("jpeg-truncated", "cat-cut.jpg", lambda: image_bytes("JPEG", (320, 240))[:3000], Code.TRUNCATED),
    Bad("jpeg-broken-data", "hong.jpg", jpeg_broken_data, Code.IMAGE_INVALID),
    Bad("png-truncated", "cat-cut.png", lambda: image_bytes("PNG")[:-30], Code.TRUNCATED),
    Bad("png-bad-crc", "hong.png", png_bad_crc, Code.IMAGE_INVALID),
    # --- zip archives (Office / OpenDocument)
    Bad("docx-html-appended", "phu-them.docx", lambda: docx_bytes() + HTML_PAGE, Code.TRAILING_DATA),
    Bad("docx-corrupt", "hong.docx", lambda: b"PK\x03\x04" + bytes(200), Code.ZIP_INVALID),
    Bad(
        "docx-bomb-declared",
        "bom.docx",
        lambda: _docx_raw(RawEntry("word/media/big.bin", stream=zeros_stream(256 * MB))),
        Code.ZIP_BOMB,
    ),
    Bad(
        "docx-bomb-lying",
        "bom-gia.docx",
        lambda: _docx_raw(RawEntry("word/media/big.bin", stream=zeros_stream(256 * MB), declared_size=1000)),
        Code.ZIP_BOMB,
    ),
    Bad(
        "docx-bomb-ratio",
        "ty-le.docx",
        lambda: _docx_raw(RawEntry("word/media/big.bin", stream=zeros_stream(50 * MB))),
        Code.ZIP_BOMB,
    ),
    Bad("docx-overlapping", "chong-lan.docx", overlapping_docx, Code.ZIP_BOMB),
    Bad("docx-20000-entries", "nhieu-muc.docx", lambda: many_entries_docx(20_000), Code.ZIP_TOO_MANY_ENTRIES),
    Bad(
        "docx-20000-entries-lying-count",
        "dem-sai.docx",
        lambda: lying_count_docx(20_000),
        Code.ZIP_TOO_MANY_ENTRIES,
    ),
    Bad(
        "docx-symlink",
        "lien-ket.docx",
        lambda: _docx_raw(
            RawEntry("word/media/passwd", b"/etc/passwd", deflate=False, external_attr=0o120777 << 16)
        ),
        Code.ZIP_SYMLINK,
    ),
    Bad(
        "docx-traversal",
        "duong-dan.docx",
        lambda: _docx_raw(RawEntry("../../evil.sh", b"#!/bin/sh")),
        Code.ZIP_UNSAFE_ENTRY,
    ),
    Bad(
        "docx-duplicate-entry",
        "trung.docx",
        lambda: _docx_raw(RawEntry("word/document.xml", b"<other/>")),
        Code.ZIP_UNSAFE_ENTRY,
    ),
    Bad(
        "docx-encrypted-entry",
        "mat-khau.docx",
        lambda: _docx_raw(RawEntry("word/secret.xml", b"x", flag_bits=1)),
        Code.ZIP_ENCRYPTED,
    ),
    # --- hostile names: cleaned for display, the file still judged by its content (HTML here)
    Bad(
        "name-traversal",
        "../../../etc/passwd.pdf",
        lambda: HTML_PAGE,
        Code.CONTENT_MISMATCH,
        shown="passwd.pdf",
    ),
    Bad("name-nul", "bao\x00cao.pdf", lambda: HTML_PAGE, Code.CONTENT_MISMATCH, shown="baocao.pdf"),
    Bad("name-crlf", "bao\r\ncao.pdf", lambda: HTML_PAGE, Code.CONTENT_MISMATCH, shown="bao cao.pdf"),
    Bad(
        "name-rtlo", "bao-cao\u202efdp.pdf", lambda: HTML_PAGE, Code.CONTENT_MISMATCH, shown="bao-caofdp.pdf"
    ),
    Bad("name-300-chars", LONG, lambda: HTML_PAGE, Code.CONTENT_MISMATCH, shown=LONG[:196].rstrip() + ".pdf"),
    Bad("name-con", "CON.pdf", lambda: HTML_PAGE, Code.CONTENT_MISMATCH, shown="_CON.pdf"),
    # --- viruses: the content checks pass, only the scanner refuses
    Bad(
        "eicar-in-pdf", "nhiem-virus.pdf", lambda: pdf_bytes(extra_comment=EICAR), Code.INFECTED, scanner=True
    ),
    Bad(
        "eicar-zipped-docx",
        "nhiem-virus.docx",
        lambda: _zip({**docx_entries(), "word/media/eicar.com": EICAR}),
        Code.INFECTED,
        scanner=True,
    ),
]
