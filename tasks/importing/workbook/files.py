"""Opening the uploaded file: size, signature and package checks before openpyxl sees it."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.parsers import expat

import openpyxl
from django.conf import settings
from django.utils.translation import gettext as _

from ..data import ImportFileError

OLE2_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_SIGNATURE = b"PK\x03\x04"
XML_CHUNK = 64 * 1024
# A shared string (`si`) and a cell (`c`, inline strings and formulas included) count as one cell
# however many text runs they hold; any other text counts node by node.
CELL_ELEMENTS = {"si", "c"}


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


class _CellTooLong(Exception):
    def __init__(self, ref: str):
        self.ref = ref


class _CellMeter:
    """Counts the characters of each cell while expat streams a part, and stops at the first cell
    past the limit: the text is never held, only its length."""

    def __init__(self, limit: int):
        self.limit = limit
        self.depth_in_cell = 0
        self.count = 0
        self.ref = ""

    def start(self, name, attrs):
        local = name.rpartition(" ")[2]
        if self.depth_in_cell:
            self.depth_in_cell += 1
        elif local in CELL_ELEMENTS:
            self.depth_in_cell, self.count = 1, 0
            self.ref = attrs.get("r", "") if local == "c" else ""
        else:
            self.count = 0

    def end(self, name):
        if self.depth_in_cell:
            self.depth_in_cell -= 1
        if not self.depth_in_cell:
            self.count = 0

    def text(self, data):
        self.count += len(data)
        if self.count > self.limit:
            raise _CellTooLong(self.ref)


def _refuse_dtd(*args):
    raise ValueError("DTD")


def _check_cells(archive: zipfile.ZipFile) -> None:
    """Refuse a cell longer than IMPORT_MAX_CELL_CHARS before openpyxl loads the workbook (it keeps
    every shared string in memory: one 100 MB cell cost the web process 430 MB)."""
    limit = settings.IMPORT_MAX_CELL_CHARS
    for info in archive.infolist():
        if not info.filename.lower().endswith(".xml"):
            continue
        meter = _CellMeter(limit)
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = meter.start
        parser.EndElementHandler = meter.end
        parser.CharacterDataHandler = meter.text
        parser.StartDoctypeDeclHandler = _refuse_dtd  # no entities, so no expansion bombs
        parser.EntityDeclHandler = _refuse_dtd
        try:
            with archive.open(info) as part:
                while chunk := part.read(XML_CHUNK):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except _CellTooLong as exc:
            values = {"limit": _number(limit), "cell": exc.ref}
            if exc.ref:
                message = _(
                    "Ô %(cell)s chứa hơn %(limit)s ký tự, vượt giới hạn cho một ô (Excel cũng chỉ cho "
                    "tối đa 32.767 ký tự trong một ô). Hãy rút gọn nội dung ô đó, lưu lại rồi tải lên lại."
                )
            else:
                message = _(
                    "Tệp có một ô chứa hơn %(limit)s ký tự, vượt giới hạn cho một ô (Excel cũng chỉ cho "
                    "tối đa 32.767 ký tự trong một ô). Hãy rút gọn nội dung ô đó, lưu lại rồi tải lên lại."
                )
            raise ImportFileError(message % values) from None
        except (expat.ExpatError, ValueError, zipfile.BadZipFile, EOFError, OSError):
            raise ImportFileError(_("Tệp .xlsx bị hỏng hoặc không đúng cấu trúc, không đọc được.")) from None


def _sniff(data: bytes) -> None:
    if data.startswith(OLE2_SIGNATURE):
        if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
            raise ImportFileError(
                _(
                    "Tệp được bảo vệ bằng mật khẩu (đã mã hoá) nên không đọc được. "
                    "Hãy mở tệp trong Excel, gỡ mật khẩu, lưu lại dưới dạng .xlsx rồi tải lên lại."
                )
            )
        raise ImportFileError(
            _(
                "Tệp là định dạng Excel cũ (.xls) hoặc tài liệu Office khác. "
                "Hãy mở tệp trong Excel và lưu lại dưới dạng “Excel Workbook (.xlsx)”."
            )
        )
    if not data.startswith(ZIP_SIGNATURE):
        raise ImportFileError(
            _("Tệp không phải là bảng tính Excel (.xlsx). Hãy chọn tệp phụ lục dạng .xlsx.")
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise ImportFileError(
            _("Tệp .xlsx bị hỏng (không giải nén được). Hãy lưu lại tệp trong Excel rồi thử lại.")
        ) from None
    with archive:
        names = set(archive.namelist())
        # zipfile never inflates an entry past its declared size, so the sum is a real bound.
        unzipped = sum(info.file_size for info in archive.infolist())
        if "xl/workbook.xml" not in names:
            raise ImportFileError(
                _("Tệp nén không phải là bảng tính Excel (.xlsx): không có trang tính nào.")
            )
        limit = settings.IMPORT_MAX_UNZIPPED_BYTES
        if unzipped > limit:
            raise ImportFileError(
                _(
                    "Tệp giải nén ra %(size)s MB, vượt giới hạn %(limit)s MB cho một phụ lục. "
                    "Hãy xoá các trang tính, hình ảnh hoặc dòng thừa, lưu lại rồi tải lên lại."
                )
                % {"size": _number(-(-unzipped // (1024 * 1024))), "limit": _number(limit // (1024 * 1024))}
            )
        _check_cells(archive)


def _read_bytes(source) -> bytes:
    if isinstance(source, (str, Path)):
        with open(source, "rb") as handle:
            return handle.read(settings.IMPORT_MAX_FILE_BYTES + 1)
    if isinstance(source, bytes):
        return source
    if hasattr(source, "seek"):
        source.seek(0)
    return source.read(settings.IMPORT_MAX_FILE_BYTES + 1)


def open_workbook(source):
    """Open an .xlsx given as a path, bytes or a file object; ImportFileError when it can't be."""
    data = _read_bytes(source)
    if not data:
        raise ImportFileError(_("Tệp rỗng."))
    if len(data) > settings.IMPORT_MAX_FILE_BYTES:
        limit = settings.IMPORT_MAX_FILE_BYTES // (1024 * 1024)
        raise ImportFileError(
            _("Tệp lớn hơn %(limit)s MB, vượt quá giới hạn cho một phụ lục.") % {"limit": limit}
        )
    _sniff(data)
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a damaged package
        raise ImportFileError(_("Tệp .xlsx bị hỏng hoặc không đúng cấu trúc, không đọc được.")) from None
