import hashlib
import io
import os
import unicodedata
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from evidence.filenames import display_name, extension_of
from evidence.validation import (
    CheckedFile,
    Code,
    UploadRejected,
    allowed_upload_extensions,
    check_report_size,
    check_upload,
)
from tests.evidence.corpus import (
    BAD,
    EICAR,
    GOOD,
    HTML_PAGE,
    MB,
    _zip,
    docx_entries,
    image_bytes,
    pdf_bytes,
    pdf_of_size,
)

NAME_HAZARDS = ("\x00", "\r", "\n", "\u202e")


def _check_path(path, name, settings=None):
    with open(path, "rb") as f:
        return check_upload(name=name, data_or_file=f, size=path.stat().st_size, settings=settings)


# ---------------------------------------------------------------- the bad corpus


def test_the_bad_corpus_is_big_enough():
    assert len(BAD) >= 30
    assert len({case.id for case in BAD}) == len(BAD)


@pytest.mark.parametrize("case", [c for c in BAD if not c.scanner], ids=lambda c: c.id)
def test_bad_file_is_refused_by_its_check(case, tmp_path, no_scanner):
    for key, value in case.settings.items():
        setattr(no_scanner, key, value)
    path = case.write(tmp_path)

    with pytest.raises(UploadRejected) as caught:
        _check_path(path, case.name)

    rejected = caught.value
    assert rejected.code == case.code, rejected.message
    # The message names the file by its cleaned name, in Vietnamese, and carries none of the hazards.
    assert f"“{case.display}”" in rejected.message
    assert "bị từ chối" in rejected.message
    assert not any(h in rejected.message for h in NAME_HAZARDS)
    if case.display != case.name:
        assert f"“{case.name}”" not in rejected.message
    assert rejected.message == unicodedata.normalize("NFC", rejected.message)


@pytest.mark.parametrize("case", [c for c in BAD if c.scanner], ids=lambda c: c.id)
def test_infected_file_passes_content_checks_but_the_scanner_refuses_it(case, tmp_path, no_scanner, clamd):
    path = case.write(tmp_path)
    # Without a scanner the content checks alone let it through: only the scanner catches viruses.
    assert _check_path(path, case.name).sha256 == hashlib.sha256(path.read_bytes()).hexdigest()

    no_scanner.EVIDENCE_CLAMD_SOCKET = clamd.socket_path
    with pytest.raises(UploadRejected) as caught:
        _check_path(path, case.name)
    assert caught.value.code == Code.INFECTED
    assert caught.value.message.startswith(
        f"Tệp “{case.display}” bị từ chối: phát hiện mã độc (NQ57.Test.EICAR"
    )


def test_eicar_is_refused_as_content_even_without_a_scanner(no_scanner):
    for name, code in (("eicar.pdf", Code.CONTENT_MISMATCH), ("eicar.com", Code.EXTENSION_NOT_ALLOWED)):
        with pytest.raises(UploadRejected) as caught:
            check_upload(name=name, data_or_file=EICAR, size=len(EICAR))
        assert caught.value.code == code


def test_messages_say_what_the_content_really_is(no_scanner):
    cases = {
        "a.pdf": (b"MZ" + bytes(100), "tệp chương trình Windows (EXE)"),
        "b.pdf": (HTML_PAGE, "trang web HTML"),
        "c.png": (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "ảnh SVG"),
        "d.docx": (_zip({"x.txt": b"1"}), "tệp nén ZIP"),
    }
    for name, (data, label) in cases.items():
        with pytest.raises(UploadRejected) as caught:
            check_upload(name=name, data_or_file=data, size=len(data))
        ext = name.rsplit(".", 1)[1]
        assert (
            caught.value.message
            == f"Tệp “{name}” bị từ chối: tên tệp có đuôi .{ext} nhưng nội dung là {label}."
        )


def test_too_large_is_told_before_reading_and_in_megabytes(no_scanner, tmp_path):
    with pytest.raises(UploadRejected) as caught:
        check_upload(name="lon.pdf", data_or_file=tmp_path / "missing", size=30 * MB + MB // 2)
    assert caught.value.code == Code.TOO_LARGE
    assert "dung lượng 30,5 MB vượt giới hạn 25 MB cho mỗi tệp" in caught.value.message
    # One byte over would round to the limit itself: then the exact counts are given.
    with pytest.raises(UploadRejected) as caught:
        check_upload(name="lon.pdf", data_or_file=tmp_path / "missing", size=25 * MB + 1)
    assert "dung lượng 26.214.401 byte vượt giới hạn 26.214.400 byte" in caught.value.message


def test_a_file_exactly_at_the_limit_is_accepted(no_scanner):
    data = pdf_of_size(4096)
    no_scanner.EVIDENCE_MAX_FILE_BYTES = 4096
    assert check_upload(name="vua.pdf", data_or_file=data, size=len(data)).size == 4096


def test_actual_size_counts_not_the_declared_one(no_scanner):
    data = pdf_of_size(5000)
    no_scanner.EVIDENCE_MAX_FILE_BYTES = 4096
    with pytest.raises(UploadRejected) as caught:
        check_upload(name="noi-doi.pdf", data_or_file=data, size=100)
    assert caught.value.code == Code.TOO_LARGE


def test_zip_limits_come_from_settings(no_scanner):
    data = _zip({**docx_entries(), "word/media/blob.bin": os.urandom(3 * MB)})
    assert check_upload(name="a.docx", data_or_file=data, size=len(data)).kind == "docx"
    no_scanner.EVIDENCE_ZIP_MAX_UNCOMPRESSED_BYTES = 2 * MB
    with pytest.raises(UploadRejected) as caught:
        check_upload(name="a.docx", data_or_file=data, size=len(data))
    assert caught.value.code == Code.ZIP_BOMB
    no_scanner.EVIDENCE_ZIP_MAX_UNCOMPRESSED_BYTES = 200 * MB
    no_scanner.EVIDENCE_ZIP_MAX_ENTRIES = 3
    with pytest.raises(UploadRejected) as caught:
        check_upload(name="a.docx", data_or_file=data, size=len(data))
    assert caught.value.code == Code.ZIP_TOO_MANY_ENTRIES
    assert "chứa 4 mục nén, vượt giới hạn 3 mục" in caught.value.message


def test_image_pixel_limit_comes_from_settings(no_scanner):
    data = image_bytes("PNG", (100, 100))
    no_scanner.EVIDENCE_IMAGE_MAX_PIXELS = 9_999
    with pytest.raises(UploadRejected) as caught:
        check_upload(name="anh.png", data_or_file=data, size=len(data))
    assert caught.value.code == Code.IMAGE_TOO_LARGE
    assert "ảnh 100×100 điểm ảnh" in caught.value.message


def test_allowed_types_are_a_setting(no_scanner):
    data = pdf_bytes()
    no_scanner.EVIDENCE_ALLOWED_TYPES = ["jpeg", "png"]
    with pytest.raises(UploadRejected) as caught:
        check_upload(name="a.pdf", data_or_file=data, size=len(data))
    assert caught.value.code == Code.EXTENSION_NOT_ALLOWED
    assert caught.value.message.endswith("Chỉ nhận JPEG, PNG.")
    assert allowed_upload_extensions() == [".jpg", ".jpeg", ".png"]


def test_settings_can_be_passed_explicitly():
    data = pdf_bytes()
    policy = SimpleNamespace(EVIDENCE_ALLOWED_TYPES=["png"], EVIDENCE_MAX_FILE_BYTES=10**6)
    with pytest.raises(UploadRejected) as caught:
        check_upload(name="a.pdf", data_or_file=data, size=len(data), settings=policy)
    assert caught.value.code == Code.EXTENSION_NOT_ALLOWED


def test_report_total_size(no_scanner):
    no_scanner.EVIDENCE_MAX_REPORT_BYTES = 100 * MB
    check_report_size(name="a.pdf", size=40 * MB, report_bytes=60 * MB)
    with pytest.raises(UploadRejected) as caught:
        check_report_size(name="b\u202e.pdf", size=40 * MB + 1, report_bytes=60 * MB)
    assert caught.value.code == Code.REPORT_TOO_LARGE
    assert caught.value.message.startswith("Tệp “b.pdf” bị từ chối: tổng dung lượng minh chứng")


def test_rejection_is_a_validation_error_a_form_can_show(no_scanner):
    with pytest.raises(ValidationError) as caught:
        check_upload(name="a.pdf", data_or_file=b"", size=0)
    assert caught.value.messages == ["Tệp “a.pdf” bị từ chối: tệp rỗng (0 byte)."]
    assert str(caught.value) == "Tệp “a.pdf” bị từ chối: tệp rỗng (0 byte)."


# ---------------------------------------------------------------- the good corpus


@pytest.mark.parametrize("name", list(GOOD))
def test_good_file_is_accepted_with_its_type_and_hash(name, tmp_path, no_scanner):
    build, kind, mime = GOOD[name]
    data = build()
    path = tmp_path / "upload.bin"
    path.write_bytes(data)

    checked = _check_path(path, name)

    assert checked == CheckedFile(
        display_name=unicodedata.normalize("NFC", name),
        kind=kind,
        mime=mime,
        extension=name.rsplit(".", 1)[1].lower(),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        scanned=False,
    )
    assert checked.previewable == (kind in {"pdf", "jpeg", "png"})


def test_good_files_pass_a_real_scanner(tmp_path, with_scanner):
    for name, (build, kind, _) in GOOD.items():
        data = build()
        checked = check_upload(name=name, data_or_file=data, size=len(data))
        assert (checked.kind, checked.scanned) == (kind, True)


def test_uploaded_file_is_left_rewound_for_storing(no_scanner):
    data = image_bytes("JPEG")
    upload = SimpleUploadedFile("Ảnh.jpg", data, content_type="application/octet-stream")
    checked = check_upload(name=upload.name, data_or_file=upload, size=upload.size)
    assert checked.kind == "jpeg"
    assert upload.tell() == 0
    assert upload.read() == data


def test_a_non_seekable_stream_is_checked_too(no_scanner):
    class Pipe(io.RawIOBase):
        def __init__(self, data):
            self._inner = io.BytesIO(data)

        def readable(self):
            return True

        def seekable(self):
            return False

        def readinto(self, b):
            chunk = self._inner.read(len(b))
            b[: len(chunk)] = chunk
            return len(chunk)

    data = pdf_bytes()
    assert (
        check_upload(name="a.pdf", data_or_file=Pipe(data), size=len(data)).sha256
        == hashlib.sha256(data).hexdigest()
    )


def test_extension_case_does_not_matter(no_scanner):
    data = pdf_bytes()
    checked = check_upload(name="BAO CAO.PDF", data_or_file=data, size=len(data))
    assert (checked.kind, checked.extension, checked.display_name) == ("pdf", "pdf", "BAO CAO.PDF")


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("../../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\cb\\Desktop\\Quyết định.pdf", "Quyết định.pdf"),
        ("bao\x00cao.pdf", "baocao.pdf"),
        ("bao\r\ncao.pdf", "bao cao.pdf"),
        ("Báo cáo\u202e.pdf", "Báo cáo.pdf"),
        ("\u2066Báo\u2069 \u200fcáo\u061c.pdf", "Báo cáo.pdf"),
        ("CON.pdf", "_CON.pdf"),
        ("lpt1.pdf", "_lpt1.pdf"),
        ("ba\u0301o ca\u0301o.pdf", "báo cáo.pdf"),
        ("\x00.pdf", "tệp.pdf"),
    ],
)
def test_hostile_names_with_good_content_are_kept_cleaned(raw, shown, no_scanner):
    data = pdf_bytes()
    checked = check_upload(name=raw, data_or_file=data, size=len(data))
    assert (checked.display_name, checked.kind) == (shown, "pdf")


# ---------------------------------------------------------------- display names


def test_long_name_is_capped_keeping_the_extension():
    shown = display_name("Báo cáo " + "x" * 300 + ".docx")
    assert len(shown) == 200
    assert shown.endswith("x.docx")


def test_double_extension_is_judged_by_the_last():
    assert extension_of("báo cáo.pdf.exe") == "exe"
    assert display_name("báo cáo.pdf.exe") == "báo cáo.pdf.exe"
    assert extension_of("báo cáo.PDF") == "pdf"
    assert extension_of("README") == ""


def test_no_direction_or_control_character_survives():
    hostile = (
        "".join(chr(c) for c in range(0x20))
        + "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\ufeff"
    )
    shown = display_name(f"a{hostile}b.pdf")
    assert shown == "a b.pdf"
    assert display_name("") == "tệp"
    assert display_name("..") == "tệp"
    assert display_name('a<b>:"c"|?*.pdf') == "a_b___c____.pdf"


# ---------------------------------------------------------------- files from real producers


def test_the_appendix_workbook_an_office_keeps_is_accepted(appendix_xlsx, no_scanner):
    checked = _check_path(appendix_xlsx, "Phụ lục kế hoạch.xlsx")
    assert (checked.kind, checked.sha256) == ("xlsx", hashlib.sha256(appendix_xlsx.read_bytes()).hexdigest())


def test_a_weasyprint_pdf_is_accepted(no_scanner):
    from weasyprint import HTML

    data = HTML(string="<h1>Báo cáo kết quả</h1><p>Minh chứng hoàn thành nhiệm vụ 5.4</p>").write_pdf()
    assert check_upload(name="Báo cáo.pdf", data_or_file=data, size=len(data)).kind == "pdf"


def test_a_broken_jpeg_is_refused_even_after_weasyprint_was_imported(tmp_path, no_scanner):
    """WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES when imported (the report builder imports it)."""
    import weasyprint  # noqa: F401
    from PIL import ImageFile

    from tests.evidence.corpus import jpeg_broken_data

    ImageFile.LOAD_TRUNCATED_IMAGES = True
    with pytest.raises(UploadRejected) as caught:
        check_upload(name="hong.jpg", data_or_file=jpeg_broken_data(), size=len(jpeg_broken_data()))
    assert caught.value.code == "image_invalid"


# ---------------------------------------------------------------- padding after %%EOF


def _padded_to(data: bytes, size: int, padding: bytes) -> bytes:
    return data + (padding * size)[: size - len(data)]


@pytest.mark.parametrize("padding", [b"\x00", b"\r\n", b" \t\x0c"], ids=["nul", "crlf", "spaces"])
def test_a_pdf_padded_after_its_end_up_to_the_limit_is_accepted(padding, no_scanner):
    data = _padded_to(pdf_bytes(), 25 * MB, padding)
    assert len(data) == 25 * MB

    checked = check_upload(name="Quyết định có đệm.pdf", data_or_file=data, size=len(data))

    assert (checked.kind, checked.size) == ("pdf", 25 * MB)


def test_a_cut_pdf_is_refused_however_much_padding_follows(no_scanner):
    for size in (len(pdf_bytes()) + 100, 3 * MB + 5):
        data = _padded_to(pdf_bytes()[:-40], size, b"\x00")
        with pytest.raises(UploadRejected) as caught:
            check_upload(name="cut.pdf", data_or_file=data, size=len(data))
        assert caught.value.code == Code.TRUNCATED
        assert "thiếu dấu kết thúc %%EOF" in caught.value.message


def test_a_pdf_of_nothing_but_padding_after_its_header_is_refused(no_scanner):
    data = _padded_to(b"%PDF-1.7\n", 2 * MB, b"\x00")
    with pytest.raises(UploadRejected) as caught:
        check_upload(name="rong.pdf", data_or_file=data, size=len(data))
    assert caught.value.code == Code.TRUNCATED


def test_data_hidden_behind_padding_is_still_refused(no_scanner):
    data = pdf_bytes() + b"\x00" * 300 + HTML_PAGE + b"\x00" * (2 * MB)
    with pytest.raises(UploadRejected) as caught:
        check_upload(name="phu-them.pdf", data_or_file=data, size=len(data))
    assert caught.value.code == Code.TRAILING_DATA
