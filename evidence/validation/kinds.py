"""The kinds of file the portal knows: what is allowed is a setting, what each kind is called is here."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    key: str
    label: str  # how the kind is named in messages
    mime: str
    extensions: tuple[str, ...] = ()


KINDS = {
    k.key: k
    for k in [
        Kind("pdf", "PDF", "application/pdf", ("pdf",)),
        Kind("jpeg", "JPEG", "image/jpeg", ("jpg", "jpeg")),
        Kind("png", "PNG", "image/png", ("png",)),
        Kind(
            "docx",
            "DOCX",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ("docx",),
        ),
        Kind("xlsx", "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)),
        Kind(
            "pptx",
            "PPTX",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ("pptx",),
        ),
        Kind("doc", "DOC", "application/msword", ("doc",)),
        Kind("xls", "XLS", "application/vnd.ms-excel", ("xls",)),
        Kind("odt", "ODT", "application/vnd.oasis.opendocument.text", ("odt",)),
        Kind("ods", "ODS", "application/vnd.oasis.opendocument.spreadsheet", ("ods",)),
        # Never allowed; named so a refusal says what the content really is.
        Kind("docm", _("tài liệu Word có macro (DOCM)"), "application/vnd.ms-word.document.macroEnabled.12"),
        Kind("xlsm", _("bảng tính Excel có macro (XLSM)"), "application/vnd.ms-excel.sheet.macroEnabled.12"),
        Kind(
            "pptm",
            _("bản trình chiếu có macro (PPTM)"),
            "application/vnd.ms-powerpoint.presentation.macroEnabled.12",
        ),
        Kind(
            "odp", _("bản trình chiếu OpenDocument (ODP)"), "application/vnd.oasis.opendocument.presentation"
        ),
        Kind("odf", _("tài liệu OpenDocument khác"), "application/vnd.oasis.opendocument"),
        Kind("ole2", _("tài liệu Office cũ (OLE2)"), "application/x-ole-storage"),
        Kind("zip", _("tệp nén ZIP"), "application/zip"),
        Kind("exe", _("tệp chương trình Windows (EXE)"), "application/vnd.microsoft.portable-executable"),
        Kind("elf", _("tệp chương trình Linux (ELF)"), "application/x-executable"),
        Kind("macho", _("tệp chương trình macOS"), "application/x-mach-binary"),
        Kind("script", _("tệp lệnh (script)"), "text/x-shellscript"),
        Kind("html", "trang web HTML", "text/html"),
        Kind("svg", _("ảnh SVG"), "image/svg+xml"),
        Kind("xml", _("tệp XML"), "application/xml"),
        Kind("unknown", _("dữ liệu không rõ loại"), "application/octet-stream"),
    ]
}

# Office Open XML and OpenDocument files are zip archives; their kind is decided by looking inside.
ZIP_KINDS = frozenset({"docx", "xlsx", "pptx", "odt", "ods"})
OLE2_KINDS = frozenset({"doc", "xls"})
IMAGE_KINDS = frozenset({"jpeg", "png"})
PREVIEWABLE_KINDS = frozenset({"pdf", "jpeg", "png"})


def kind_for_extension(ext: str) -> Kind | None:
    for kind in KINDS.values():
        if ext in kind.extensions:
            return kind
    return None


def allowed_extensions(allowed_types) -> list[str]:
    return [ext for key in allowed_types for ext in KINDS[key].extensions]
