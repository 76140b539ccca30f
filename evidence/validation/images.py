"""Images are decoded once, fully, before they are kept: a truncated or corrupt image is refused,
and so is one whose header claims more pixels than a viewer should ever allocate (pixel flood)."""

import struct

from PIL import Image, ImageFile, UnidentifiedImageError

from .errors import Code, reject
from .sniff import PNG_MAGIC, looks_like_markup

MAX_PNG_CHUNKS = 200_000
_PIL_FORMATS = {"png": "PNG", "jpeg": "JPEG"}


def _too_large(width: int, height: int, *, policy, name: str):
    if width * height > policy.image_max_pixels:
        raise reject(
            Code.IMAGE_TOO_LARGE,
            name=name,
            width=f"{width:,}".replace(",", "."),
            height=f"{height:,}".replace(",", "."),
            limit=f"{policy.image_max_pixels / 1_000_000:g}".replace(".", ","),
        )


def check_png_structure(f, size: int, *, policy, name: str) -> None:
    """Walk the chunks: IHDR first (its size is checked before anything is decoded),
    IEND last, and nothing after IEND."""
    f.seek(len(PNG_MAGIC))
    chunks = 0
    while True:
        header = f.read(8)
        if len(header) < 8:
            raise reject(Code.TRUNCATED, name=name, kind="PNG", detail="thiếu phần kết thúc IEND")
        length, chunk_type = struct.unpack(">I4s", header)
        if chunks == 0:
            if chunk_type != b"IHDR" or length != 13:
                raise reject(Code.IMAGE_INVALID, name=name, kind="PNG", detail="thiếu phần đầu IHDR")
            width, height = struct.unpack(">II", f.read(8))
            _too_large(width, height, policy=policy, name=name)
            f.seek(-8, 1)
        chunks += 1
        if chunks > MAX_PNG_CHUNKS:
            raise reject(Code.IMAGE_INVALID, name=name, kind="PNG", detail="quá nhiều khối dữ liệu")
        end = f.tell() + length + 4
        if end > size:
            raise reject(Code.TRUNCATED, name=name, kind="PNG", detail="khối dữ liệu bị cắt")
        f.seek(end)
        if chunk_type == b"IEND":
            if end < size:
                raise reject(Code.TRAILING_DATA, name=name, kind="PNG")
            return


_SOF_MARKERS = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})


def _jpeg_dimensions(f) -> tuple[int, int] | None:
    """Width and height from the frame header, read before any pixel is decoded."""
    f.seek(2)
    for _ in range(1000):
        marker = f.read(4)
        if len(marker) < 4 or marker[0] != 0xFF:
            return None
        kind, length = marker[1], struct.unpack(">H", marker[2:4])[0]
        if kind in _SOF_MARKERS:
            frame = f.read(5)
            if len(frame) < 5:
                return None
            height, width = struct.unpack(">HH", frame[1:5])
            return width, height
        if kind == 0xDA or length < 2:  # start of scan: no frame header before it
            return None
        f.seek(length - 2, 1)
    return None


def check_jpeg_structure(f, size: int, *, policy, name: str) -> None:
    """Pixel count from the frame header; then the end: a JPEG ends with EOI (FFD9). Phones
    append their own data after it (motion photos), so only markup is refused there — bytes a
    browser could be talked into rendering as a page."""
    dimensions = _jpeg_dimensions(f)
    if dimensions is None:
        raise reject(
            Code.IMAGE_INVALID, name=name, kind="JPEG", detail="không tìm thấy phần khai báo khung ảnh"
        )
    _too_large(*dimensions, policy=policy, name=name)
    f.seek(max(0, size - 1024 * 1024))
    tail = f.read()
    stripped = tail.rstrip(b"\x00 \t\r\n")
    if stripped.endswith(b"\xff\xd9"):
        return
    eoi = tail.rfind(b"\xff\xd9")
    if eoi < 0:
        raise reject(Code.TRUNCATED, name=name, kind="JPEG", detail="thiếu dấu kết thúc ảnh")
    if looks_like_markup(tail[eoi + 2 :]):
        raise reject(Code.TRAILING_DATA, name=name, kind="JPEG")


def check_decodes(f, kind: str, *, policy, name: str) -> tuple[int, int]:
    """verify() then a full load() — verify alone does not decode JPEG data. Pixel counts were
    checked from the headers before this; Pillow's own MAX_IMAGE_PIXELS guard stays as a backstop
    (warnings are not turned into errors here: warning filters are process-wide, not per thread)."""
    label = _PIL_FORMATS[kind]
    # WeasyPrint sets this process-wide flag to True when it is imported (the report builder
    # imports it); with it, Pillow would quietly decode a broken image. Evidence never accepts one.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        f.seek(0)
        with Image.open(f, formats=[label]) as image:
            width, height = image.size
            _too_large(width, height, policy=policy, name=name)
            image.verify()
        f.seek(0)
        with Image.open(f, formats=[label]) as image:
            image.load()
    except Image.DecompressionBombError as exc:
        raise reject(
            Code.IMAGE_TOO_LARGE,
            name=name,
            width="?",
            height="?",
            limit=f"{policy.image_max_pixels / 1_000_000:g}".replace(".", ","),
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, struct.error, EOFError) as exc:
        # Pillow's own words stay on the chained exception (for logs); people get Vietnamese.
        if "truncated" in str(exc).lower():
            raise reject(Code.TRUNCATED, name=name, kind=label, detail="dữ liệu ảnh bị thiếu") from exc
        raise reject(
            Code.IMAGE_INVALID, name=name, kind=label, detail="dữ liệu ảnh không giải mã được"
        ) from exc
    return width, height
