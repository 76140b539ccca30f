"""Opening the uploaded file: size, signature and package checks before openpyxl sees it."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
from django.conf import settings
from django.utils.translation import gettext as _

from ..data import ImportFileError

OLE2_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_SIGNATURE = b"PK\x03\x04"
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024


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
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise ImportFileError(
            _("Tệp .xlsx bị hỏng (không giải nén được). Hãy lưu lại tệp trong Excel rồi thử lại.")
        ) from None
    if "xl/workbook.xml" not in names:
        raise ImportFileError(_("Tệp nén không phải là bảng tính Excel (.xlsx): không có trang tính nào."))
    if unzipped > MAX_UNZIPPED_BYTES:
        raise ImportFileError(_("Tệp quá lớn sau khi giải nén; một phụ lục không thể lớn như vậy."))


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
