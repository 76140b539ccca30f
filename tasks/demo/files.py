"""Small but real evidence files for the demo: a one-page PDF and a PNG photo, made in code."""

import io
import unicodedata

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw


def _ascii(text: str) -> str:
    # The PDF's built-in Helvetica has no Vietnamese letters: the text is written without marks.
    plain = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    plain = "".join(c for c in plain if not unicodedata.combining(c) and ord(c) < 128)
    return plain.replace("\\", "/").replace("(", "[").replace(")", "]")


def pdf_bytes(lines: list[str]) -> bytes:
    """A valid one-page PDF 1.4 (A4) with a few lines of text and a correct xref table."""
    body = " ".join(f"({_ascii(line)[:90]}) Tj 0 -22 Td" for line in lines)
    stream = f"BT /F1 13 Tf 60 780 Td {body} ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def photo_bytes(caption: str, shade: int) -> bytes:
    """A 240×160 PNG: a coloured 'photo' with its caption."""
    image = Image.new("RGB", (240, 160), (40 + shade % 120, 90 + shade % 90, 140))
    draw = ImageDraw.Draw(image)
    draw.rectangle((12, 108, 228, 148), fill=(250, 250, 245))
    draw.text((18, 120), _ascii(caption)[:34], fill=(20, 20, 20))
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def claim_files(*, code: str, output: str, unit: str, day, shade: int, with_photo: bool) -> list:
    """The evidence a unit attaches to a completion claim: the signed document, maybe a photo."""
    document = pdf_bytes(
        [
            unit.upper(),
            f"Ngay {day:%d/%m/%Y}",
            f"San pham dau ra nhiem vu {code}:",
            output or "Bao cao ket qua thuc hien",
            "(Ban da ky, dong dau - du lieu mau)",
        ]
    )
    files = [
        SimpleUploadedFile(
            f"{code} - {output or 'Báo cáo kết quả'}"[:80] + ".pdf", document, "application/pdf"
        )
    ]
    if with_photo:
        files.append(
            SimpleUploadedFile(
                f"Ảnh hội nghị triển khai {code}.png", photo_bytes(f"{code} {unit}", shade), "image/png"
            )
        )
    return files
