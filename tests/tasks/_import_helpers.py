"""Shared by the import tests: the units registry and a builder of real .xlsx files."""

from pathlib import Path

import openpyxl

from units.loading import DEMO_COMMUNES_CSV, UNITS_CSV, load_units

HEADER = [
    "(1) Mã Nhiệm vụ Tổng quát",
    "(2) Tiểu Nhiệm vụ (Con)\n(Rõ Việc)",
    "(3) Sản phẩm Đầu ra Bắt buộc\n(Rõ Kết quả)",
    "(4) KPI Đo lường Hiệu quả\n(Định lượng)",
    "(5) Đơn vị Chủ trì\n(Rõ người)",
    "(6) Đơn vị phối hợp",
    "(7) Thời hạn Hoàn thành\n(Rõ Thời gian)",
]


def load_registry():
    return load_units([UNITS_CSV, DEMO_COMMUNES_CSV])


def write_xlsx(path: Path, rows, *, title_rows=("PHỤ LỤC", "Nhiệm vụ thử nghiệm"), header=HEADER) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for text in title_rows:
        sheet.append([text])
    if header is not None:
        sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def small_rows(deadline="31/12/2025", lead="Sở Khoa học và Công nghệ", co="Sở Tài chính"):
    return [
        ["I. Về chuyển đổi số"],
        [
            "1. Nhiệm vụ tổng quát một",
            "1.1 Tiểu nhiệm vụ một",
            "Báo cáo",
            "100% TTHC được rà soát",
            lead,
            co,
            deadline,
        ],
        [None, "1.2 Tiểu nhiệm vụ hai", "Văn bản", "01 dự thảo", lead, "", "Thường xuyên"],
    ]


def cfb_container(streams: dict[str, bytes]) -> bytes:
    """A Compound File (OLE2) container holding the given streams, the way Office stores a
    password-protected workbook (streams "EncryptionInfo" and "EncryptedPackage")."""
    import struct

    end, free, fat_sect = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    sector = 512
    bodies = [data.ljust(max(4096, -(-len(data) // sector) * sector), b"\0") for data in streams.values()]
    fat = [fat_sect, end]  # sector 0: this FAT, sector 1: the directory
    starts = []
    for body in bodies:
        start, count = len(fat), len(body) // sector
        starts.append(start)
        fat += [start + i + 1 for i in range(count - 1)] + [end]
    assert len(fat) <= 128
    fat += [free] * (128 - len(fat))

    def entry(name, kind, start, size, child=free, right=free):
        raw = (name + "\0").encode("utf-16-le") if name else b""
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<III", free, right, child)
            + b"\0" * 16
            + struct.pack("<I", 0)
            + b"\0" * 16
            + struct.pack("<IQ", start, size)
        )

    names = list(streams)
    directory = entry("Root Entry", 5, end, 0, child=1)
    for i, (name, body, start) in enumerate(zip(names, bodies, starts, strict=True)):
        right = i + 2 if i + 1 < len(names) else free
        directory += entry(name, 2, start, len(streams[name]), right=right)
    directory = directory.ljust(sector, b"\0")
    for i in range(len(directory) // 128):
        if not directory[i * 128 : i * 128 + 2].strip(b"\0"):
            directory = directory[: i * 128 + 68] + b"\xff" * 12 + directory[i * 128 + 80 :]
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", free) * 108
    )
    assert len(header) == sector
    return header + struct.pack("<128I", *fat) + directory + b"".join(bodies)
