"""Why an upload was refused: a stable code for programs and tests, a Vietnamese sentence for people."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class Code:
    EXTENSION_NOT_ALLOWED = "extension_not_allowed"
    CONTENT_MISMATCH = "content_mismatch"
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    REPORT_TOO_LARGE = "report_too_large"
    TRUNCATED = "truncated"
    TRAILING_DATA = "trailing_data"
    IMAGE_TOO_LARGE = "image_too_large"
    IMAGE_INVALID = "image_invalid"
    ZIP_INVALID = "zip_invalid"
    ZIP_BOMB = "zip_bomb"
    ZIP_TOO_MANY_ENTRIES = "zip_too_many_entries"
    ZIP_SYMLINK = "zip_symlink"
    ZIP_UNSAFE_ENTRY = "zip_unsafe_entry"
    ZIP_ENCRYPTED = "zip_encrypted"
    INFECTED = "infected"
    SCANNER_UNAVAILABLE = "scanner_unavailable"
    UNREADABLE = "unreadable"


# Each sentence starts with the file's (cleaned) name so a list of refusals reads on its own.
_MESSAGES = {
    Code.EXTENSION_NOT_ALLOWED: _(
        "Tệp “%(name)s” bị từ chối: loại tệp %(ext)s không được phép. Chỉ nhận %(allowed)s."
    ),
    Code.CONTENT_MISMATCH: _(
        "Tệp “%(name)s” bị từ chối: tên tệp có đuôi %(ext)s nhưng nội dung là %(detected)s."
    ),
    Code.EMPTY: _("Tệp “%(name)s” bị từ chối: tệp rỗng (0 byte)."),
    Code.TOO_LARGE: _("Tệp “%(name)s” bị từ chối: dung lượng %(size)s vượt giới hạn %(limit)s cho mỗi tệp."),
    Code.REPORT_TOO_LARGE: _(
        "Tệp “%(name)s” bị từ chối: tổng dung lượng minh chứng của báo cáo sẽ là %(size)s, vượt giới hạn %(limit)s."
    ),
    Code.TRUNCATED: _("Tệp “%(name)s” bị từ chối: tệp %(kind)s bị cắt cụt hoặc không đầy đủ (%(detail)s)."),
    Code.TRAILING_DATA: _("Tệp “%(name)s” bị từ chối: có dữ liệu lạ nối sau phần kết thúc của tệp %(kind)s."),
    Code.IMAGE_TOO_LARGE: _(
        "Tệp “%(name)s” bị từ chối: ảnh %(width)s×%(height)s điểm ảnh vượt giới hạn %(limit)s triệu điểm ảnh."
    ),
    Code.IMAGE_INVALID: _("Tệp “%(name)s” bị từ chối: ảnh %(kind)s bị hỏng, không đọc được (%(detail)s)."),
    Code.ZIP_INVALID: _("Tệp “%(name)s” bị từ chối: cấu trúc tệp %(kind)s bị hỏng (%(detail)s)."),
    Code.ZIP_BOMB: _(
        "Tệp “%(name)s” bị từ chối: nội dung nén giải ra quá lớn (%(detail)s) — có dấu hiệu “bom nén”."
    ),
    Code.ZIP_TOO_MANY_ENTRIES: _(
        "Tệp “%(name)s” bị từ chối: chứa %(count)s mục nén, vượt giới hạn %(limit)s mục."
    ),
    Code.ZIP_SYMLINK: _("Tệp “%(name)s” bị từ chối: chứa liên kết (symlink) “%(entry)s”, không được phép."),
    Code.ZIP_UNSAFE_ENTRY: _(
        "Tệp “%(name)s” bị từ chối: chứa mục nén không hợp lệ “%(entry)s” (%(detail)s)."
    ),
    Code.ZIP_ENCRYPTED: _(
        "Tệp “%(name)s” bị từ chối: chứa nội dung bị mã hoá (đặt mật khẩu), không kiểm tra được."
    ),
    Code.INFECTED: _("Tệp “%(name)s” bị từ chối: phát hiện mã độc (%(signature)s)."),
    Code.SCANNER_UNAVAILABLE: _(
        "Tệp “%(name)s” chưa được nhận: máy quét virus đang không hoạt động nên chưa kiểm tra được tệp. Vui lòng thử lại sau hoặc báo quản trị hệ thống."
    ),
    Code.UNREADABLE: _("Tệp “%(name)s” bị từ chối: không đọc được nội dung tệp."),
}


class UploadRejected(ValidationError):
    """A refused upload. Being a ValidationError, a form can `add_error(field, exc)` it as is."""

    def __init__(self, code: str, message_vi: str, *, name: str = "", detail: str = ""):
        super().__init__(message_vi, code=code)
        self.name = name
        self.detail = detail  # technical detail for logs; the message is for people

    @property
    def message_vi(self) -> str:
        return self.message

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"UploadRejected({self.code!r}, {self.message!r})"


def reject(code: str, *, name: str, detail: str = "", **params) -> UploadRejected:
    params = {"name": name, "detail": detail, **params}
    return UploadRejected(code, str(_MESSAGES[code]) % params, name=name, detail=detail)


def human_size(n: int) -> str:
    """25 MB, 1,5 MB, 800 KB — Vietnamese decimal comma."""
    for unit, factor in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= factor:
            value = n / factor
            text = f"{value:.0f}" if value == int(value) else f"{value:.1f}".replace(".", ",")
            return f"{text} {unit}"
    return f"{n} byte"
