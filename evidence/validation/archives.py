"""Office Open XML and OpenDocument files are zip archives. Before one is kept, every entry is
inflated here — with a cap, counting the bytes that really come out, because the sizes an
archive declares are written by whoever made it."""

import re
import struct
import zipfile
import zlib

from evidence.filenames import visible

from .errors import Code, reject

CHUNK = 64 * 1024
# Small entries (styles, relationships) compress very well and can expand to little harm;
# the ratio limit applies only to entries bigger than this.
RATIO_FLOOR_BYTES = 1 << 20
_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"
_LOCAL_HEADER = b"PK\x03\x04"
_S_IFMT = 0o170000
_S_IFLNK = 0o120000
_DRIVE = re.compile(r"^[A-Za-z]:")


def end_record(f, size: int, *, max_entries: int) -> tuple[int | None, int]:
    """(entry count — negative when counting stopped past `max_entries` —, where the archive ends), read before zipfile builds an object per entry:
    a hostile archive may hold hundreds of thousands of them. The count in the end record can
    lie, so the central directory's records are counted too (stopping past `max_entries`)."""
    tail_len = min(size, 22 + 0xFFFF)
    f.seek(size - tail_len)
    tail = f.read(tail_len)
    pos = tail.rfind(_EOCD)
    if pos < 0 or len(tail) - pos < 22:
        return None, size
    count, cd_size, cd_offset, comment_len = struct.unpack("<HIIH", tail[pos + 10 : pos + 22])
    archive_end = size - tail_len + pos + 22 + comment_len
    if pos >= 20 and tail[pos - 20 : pos - 16] == _ZIP64_LOCATOR:
        zip64_offset = struct.unpack("<Q", tail[pos - 12 : pos - 4])[0]
        if zip64_offset + 56 <= size:
            f.seek(zip64_offset)
            record = f.read(56)
            if record[:4] == _ZIP64_EOCD:
                count, cd_size, cd_offset = struct.unpack("<QQQ", record[32:56])
    if cd_offset + cd_size <= size:
        f.seek(cd_offset)
        directory = f.read(cd_size)
        counted, at = 0, 0
        while (
            counted <= max_entries and directory[at : at + 4] == b"PK\x01\x02" and at + 46 <= len(directory)
        ):
            name_len, extra_len, comment = struct.unpack("<HHH", directory[at + 28 : at + 34])
            at += 46 + name_len + extra_len + comment
            counted += 1
        if counted > max_entries and counted > count:
            # Stopped counting: the true number is unknown, only that it is past the limit.
            return -counted, archive_end
        count = max(count, counted)
    return count, archive_end


def _unsafe_entry_reason(name: str) -> str:
    if "\x00" in name:
        return "tên chứa ký tự NUL"
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return "đường dẫn tuyệt đối"
    if ".." in re.split(r"[/\\]", name):
        return "đường dẫn ra ngoài thư mục (..)"
    return ""


def _data_start(f, info: zipfile.ZipInfo) -> int:
    f.seek(info.header_offset)
    header = f.read(30)
    if len(header) < 30 or header[:4] != _LOCAL_HEADER:
        raise ValueError("local header missing")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    return info.header_offset + 30 + name_len + extra_len


def _inflate_entry(f, info, start: int, *, budget: int, name: str, label: str) -> int:
    """Inflate one entry, discarding the output; return the bytes it really produced."""
    f.seek(start)
    left = info.compress_size
    produced = 0
    crc = 0
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    while left > 0:
        chunk = f.read(min(CHUNK, left))
        if not chunk:
            raise reject(
                Code.ZIP_INVALID, name=name, kind=label, detail=f"mục {visible(info.filename)} bị cắt cụt"
            )
        left -= len(chunk)
        pending = chunk
        while pending:
            if inflater is None:
                piece, pending = pending, b""
            else:
                try:
                    piece = inflater.decompress(pending, CHUNK)
                except zlib.error as exc:
                    raise reject(
                        Code.ZIP_INVALID,
                        name=name,
                        kind=label,
                        detail=f"mục {visible(info.filename)} giải nén bị lỗi",
                    ) from exc
                pending = inflater.unconsumed_tail
            produced += len(piece)
            crc = zlib.crc32(piece, crc)
            if produced > info.file_size:
                raise reject(
                    Code.ZIP_BOMB,
                    name=name,
                    detail=f"mục {visible(info.filename)} giải nén vượt kích thước khai báo {info.file_size} byte",
                )
            if produced > budget:
                raise reject(Code.ZIP_BOMB, name=name, detail="tổng dung lượng giải nén vượt giới hạn")
            if inflater is not None and inflater.eof:
                pending = b""
        if inflater is not None and inflater.eof:
            break
    if inflater is not None and not inflater.eof:
        raise reject(
            Code.ZIP_INVALID, name=name, kind=label, detail=f"mục {visible(info.filename)} không đầy đủ"
        )
    if produced != info.file_size or crc != info.CRC:
        raise reject(
            Code.ZIP_INVALID, name=name, kind=label, detail=f"mục {visible(info.filename)} sai mã kiểm tra"
        )
    return produced


def inspect_zip(f, size: int, *, policy, name: str, label: str) -> zipfile.ZipFile:
    """Refuse bombs, links, traversal and encryption; return the open archive for `zip_kind`."""
    count, archive_end = end_record(f, size, max_entries=policy.zip_max_entries)
    if archive_end < size:
        # Bytes after the archive (an appended page or program) are not part of any document.
        raise reject(Code.TRAILING_DATA, name=name, kind=label)
    if count is not None and abs(count) > policy.zip_max_entries:
        raise reject(
            Code.ZIP_TOO_MANY_ENTRIES,
            name=name,
            count=f"{count:,}".replace(",", ".")
            if count > 0
            else f"hơn {policy.zip_max_entries:,}".replace(",", "."),
            limit=f"{policy.zip_max_entries:,}".replace(",", "."),
        )
    f.seek(0)
    try:
        archive = zipfile.ZipFile(f)
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise reject(Code.ZIP_INVALID, name=name, kind=label, detail="không mở được tệp nén") from exc
    if len(infos) > policy.zip_max_entries:
        raise reject(
            Code.ZIP_TOO_MANY_ENTRIES,
            name=name,
            count=f"{len(infos):,}".replace(",", "."),
            limit=f"{policy.zip_max_entries:,}".replace(",", "."),
        )

    seen_names = set()
    declared_total = 0
    for info in infos:
        if (info.external_attr >> 16) & _S_IFMT == _S_IFLNK:
            raise reject(Code.ZIP_SYMLINK, name=name, entry=visible(info.filename))
        reason = _unsafe_entry_reason(info.orig_filename)
        if not reason and info.filename in seen_names:
            # Two entries with one name: a checker and Office may each read a different one.
            reason = "tên mục bị trùng"
        if reason:
            raise reject(Code.ZIP_UNSAFE_ENTRY, name=name, entry=visible(info.filename), detail=reason)
        seen_names.add(info.filename)
        if info.flag_bits & 0x1:
            raise reject(Code.ZIP_ENCRYPTED, name=name)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise reject(
                Code.ZIP_INVALID, name=name, kind=label, detail=f"kiểu nén {info.compress_type} không hỗ trợ"
            )
        declared_total += info.file_size
        if declared_total > policy.zip_max_uncompressed_bytes:
            raise reject(
                Code.ZIP_BOMB, name=name, detail="tổng dung lượng khai báo khi giải nén vượt giới hạn"
            )
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > policy.zip_max_ratio * max(
            info.compress_size, 1
        ):
            raise reject(
                Code.ZIP_BOMB, name=name, detail=f"tỷ lệ nén của mục {visible(info.filename)} bất thường"
            )

    # Entries that share bytes (overlapping local headers) make small archives expand enormously.
    spans = []
    for info in infos:
        try:
            start = _data_start(f, info)
        except ValueError as exc:
            raise reject(
                Code.ZIP_INVALID,
                name=name,
                kind=label,
                detail=f"thiếu phần đầu của mục {visible(info.filename)}",
            ) from exc
        end = start + info.compress_size
        if end > size:
            raise reject(
                Code.ZIP_INVALID, name=name, kind=label, detail=f"mục {visible(info.filename)} vượt cuối tệp"
            )
        spans.append((info.header_offset, end, start, info))
    spans.sort(key=lambda s: s[0])
    for (_, prev_end, _, prev), (next_offset, _, _, nxt) in zip(spans, spans[1:], strict=False):
        if next_offset < prev_end:
            raise reject(
                Code.ZIP_BOMB,
                name=name,
                detail=f"các mục {visible(prev.filename)} và {visible(nxt.filename)} chồng lấn nhau",
            )

    budget = policy.zip_max_uncompressed_bytes
    for _, _, start, info in spans:
        budget -= _inflate_entry(f, info, start, budget=budget, name=name, label=label)
    return archive


def _read_small(archive: zipfile.ZipFile, entry: str, limit: int = 1 << 20) -> bytes:
    with archive.open(entry) as handle:
        return handle.read(limit)


def zip_kind(archive: zipfile.ZipFile) -> str:
    """docx/xlsx/pptx (or their macro variants), odt/ods/odp, or plain "zip"."""
    names = set(archive.namelist())
    if "mimetype" in names:
        mimetype = _read_small(archive, "mimetype", 200).strip()
        return {
            b"application/vnd.oasis.opendocument.text": "odt",
            b"application/vnd.oasis.opendocument.spreadsheet": "ods",
            b"application/vnd.oasis.opendocument.presentation": "odp",
        }.get(mimetype, "odf")
    if "[Content_Types].xml" in names:
        content_types = _read_small(archive, "[Content_Types].xml")
        macro = b"macroenabled" in content_types.lower() or any(
            n.lower().endswith("vbaproject.bin") for n in names
        )
        for folder, plain, with_macro in (
            ("word/", "docx", "docm"),
            ("xl/", "xlsx", "xlsm"),
            ("ppt/", "pptx", "pptm"),
        ):
            if any(n.startswith(folder) for n in names):
                return with_macro if macro else plain
    return "zip"
