"""A realistic sample report (texts from the plan 07 appendix and seed 001), any appendix size.

Used by the tests, by `bench/report.py` and as a preview of the layout; it is not data.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from reports.document import (
    Appendix,
    AppendixRow,
    AppendixSection,
    FigureTable,
    Heading,
    OfficialReport,
    Paragraph,
    ReportSection,
    Signature,
)

UNITS = (
    "Sở Khoa học và Công nghệ",
    "Văn phòng UBND tỉnh",
    "Công an tỉnh",
    "Sở Tư pháp",
    "Sở Nội vụ",
    "Sở Tài chính",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Sở Nông nghiệp và Môi trường",
    "Sở Xây dựng",
    "Sở Công Thương",
    "Sở Văn hóa, Thể thao và Du lịch",
    "UBND phường Trấn Biên",
    "UBND phường Biên Hòa",
    "UBND xã Nhơn Trạch",
    "UBND xã Định Quán",
    "UBND phường Long Khánh",
    "UBND xã Tân Phú",
    "UBND xã Xuân Lộc",
    "UBND phường Đồng Xoài",
)

SUBTASKS = (
    (
        "Rà soát, đề xuất các giấy tờ có liên quan đến cá nhân, tổ chức để gắn mã định danh cá nhân, "
        "tổ chức theo yêu cầu của TW",
        "Báo cáo rà soát và danh mục đề xuất",
        "100% giấy tờ, kết quả giải quyết TTHC được rà soát",
    ),
    (
        "Đào tạo, bồi dưỡng kỹ năng số, an toàn trên không gian mạng và khai thác dữ liệu trên ứng "
        "dụng VNeID cho Tổ Công nghệ số cộng đồng",
        "Báo cáo tổng kết các đợt tập huấn kỹ năng số cho Tổ CNSCĐ",
        "Tỷ lệ thành viên Tổ CNSCĐ được tập huấn đạt 60%",
    ),
    (
        "Hoàn thành rà soát, đánh giá toàn bộ TTHC cấp tỉnh, cấp xã theo yêu cầu của Trung ương",
        "Báo cáo rà soát toàn diện TTHC cấp tỉnh, cấp xã và danh mục đề xuất cắt giảm",
        "Cắt giảm tối thiểu 10% số lượng TTHC, giảm 30% thời gian thực hiện",
    ),
    (
        "Phê duyệt phương án cấu trúc lại quy trình các dịch vụ công trực tuyến đã rà soát",
        "Quyết định phê duyệt phương án cấu trúc lại quy trình",
        "Hoàn thành 100%",
    ),
    (
        "Hoàn thành dự thảo Nghị quyết về chính sách hỗ trợ đổi mới công nghệ",
        "Dự thảo Nghị quyết đã được cơ quan chủ trì ký nháy",
        "01 dự thảo Nghị quyết được hoàn thiện",
    ),
    (
        "Hoàn thành lấy ý kiến các sở, ngành, địa phương liên quan",
        "Tổng hợp ý kiến góp ý và báo cáo giải trình kèm theo",
        "01 dự thảo được điều chỉnh, bổ sung theo góp ý",
    ),
    (
        "Xây dựng, cập nhật cơ sở dữ liệu đất đai bảo đảm đúng, đủ, sạch, sống",
        "Cơ sở dữ liệu đất đai được kết nối với Cơ sở dữ liệu quốc gia về dân cư",
        "100% thửa đất được số hóa, làm sạch",
    ),
    (
        "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính còn hiệu lực",
        "Kho dữ liệu số hóa kết quả giải quyết TTHC",
        "Tối thiểu 90% kết quả giải quyết TTHC được số hóa",
    ),
)

STATUSES = (
    ("Hoàn thành", 100),
    ("Hoàn thành trễ hạn", 100),
    ("Đang thực hiện", 45),
    ("Chờ thẩm định", 100),
    ("Chờ hoàn thiện", 80),
    ("Chưa thực hiện", None),
)
# The assembled rows' category of each status, for the completion column's words.
CATEGORIES = {
    "Hoàn thành": "completed_on_time",
    "Hoàn thành trễ hạn": "completed_late",
    "Đang thực hiện": "in_progress",
    "Chờ thẩm định": "awaiting_review",
    "Chờ hoàn thiện": "returned",
    "Chưa thực hiện": "not_started",
}

SECTION_TITLES = (
    "Về chuyển đổi số",
    "Về khoa học, công nghệ, đổi mới sáng tạo",
    "Về cải cách thủ tục hành chính",
    "Về dữ liệu và hạ tầng số",
)


def sample_rows(count: int, *, seed: int = 57) -> list[AppendixRow]:
    from reports.assembly.document import completion_words

    rnd = random.Random(seed)
    rows = []
    for n in range(count):
        title, output, kpi = SUBTASKS[n % len(SUBTASKS)]
        status, completion = STATUSES[rnd.randrange(len(STATUSES))]
        if completion is not None and status == "Đang thực hiện":
            completion = Decimal(rnd.randrange(5, 95, 5)) + (Decimal("0.5") if n % 7 == 0 else 0)
        ongoing = n % 11 == 0
        deadline = None if ongoing else date(2025, 11, 30) + timedelta(days=15 * (n % 12))
        flags: tuple[str, ...] = ()
        if status in ("Đang thực hiện", "Chưa thực hiện") and deadline and deadline < date(2026, 3, 31):
            flags = (f"Quá hạn {(date(2026, 3, 31) - deadline).days} ngày",)
        elif status == "Chờ hoàn thiện":
            flags = ("Bị trả lại",)
        shown, words = completion_words({"category": CATEGORIES[status], "completion": completion})
        rows.append(
            AppendixRow(
                code=f"{n // 3 + 1}.{n % 3 + 1}",
                subtask=title,
                output=output,
                kpi=kpi,
                lead_unit=UNITS[rnd.randrange(len(UNITS))],
                deadline=deadline,
                deadline_text="Thường xuyên" if ongoing else deadline.strftime("%d/%m/%Y"),
                status=status,
                completion=shown,
                completion_text=words,
                evidence_count=0 if completion is None else rnd.randrange(1, 6),
                flags=flags,
                general_task=f"{n // 3 + 1}. Triển khai nhiệm vụ {title.split(',')[0].lower()}",
                co_units="Sở Nội vụ, Văn phòng UBND tỉnh",
                latest_report=None if completion is None else date(2026, 3, 20),
            )
        )
    return rows


def _figures(sections: tuple[AppendixSection, ...]) -> list[tuple]:
    """Bảng 1 counted from the appendix rows, so the sample's figures agree with its appendix."""

    def count(rows) -> tuple[int, ...]:
        statuses = [r.status for r in rows]
        return (
            len(rows),
            statuses.count("Hoàn thành"),
            statuses.count("Hoàn thành trễ hạn"),
            statuses.count("Đang thực hiện")
            + statuses.count("Chờ thẩm định")
            + statuses.count("Chờ hoàn thiện"),
            statuses.count("Chưa thực hiện"),
            sum(any(f.startswith("Quá hạn") for f in r.flags) for r in rows),
        )

    table = [(s.heading, *count(s.rows)) for s in sections]
    table.append(("Tổng cộng", *count([r for s in sections for r in s.rows])))
    return table


def sample_report(appendix_rows: int = 40, *, number: str = "15") -> OfficialReport:
    rows = sample_rows(appendix_rows)
    per_section = max(1, -(-len(rows) // len(SECTION_TITLES)))
    sections = tuple(
        AppendixSection(
            code=code, title=title, rows=tuple(rows[i * per_section : (i + 1) * per_section]), plan="1-KH/BCĐ"
        )
        for i, (code, title) in enumerate(zip(("I", "II", "III", "IV"), SECTION_TITLES, strict=True))
        if rows[i * per_section : (i + 1) * per_section]
    )
    figures = _figures(sections)
    return OfficialReport(
        parent_body="UBND tỉnh Đồng Nai",
        issuing_body="Ban Chỉ đạo phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số",
        number=number,
        symbol="BC-BCĐ",
        place="Đồng Nai",
        date=date(2026, 1, 5),
        title=(
            "Tình hình thực hiện Kế hoạch số 1-KH/BCĐ về phát triển khoa học, công nghệ, "
            "đổi mới sáng tạo và chuyển đổi số quý IV năm 2025"
        ),
        recipients=(
            "Ban Chỉ đạo Trung ương về phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số",
        ),
        preamble=(
            Paragraph(
                "Căn cứ Kế hoạch số 1-KH/BCĐ ngày 21/10/2025 của Ban Chỉ đạo tỉnh triển khai Thông báo "
                "kết luận số 07-TB/CQTTBCĐ ngày 15/10/2025 của Cơ quan thường trực Ban Chỉ đạo Trung ương, "
                "Ban Chỉ đạo tỉnh Đồng Nai báo cáo tình hình thực hiện quý IV năm 2025 như sau:"
            ),
        ),
        sections=(
            ReportSection(
                "I",
                "Tình hình thực hiện, kết quả đạt được",
                (
                    Heading("1. Kết quả chung"),
                    Paragraph(
                        f"Tính đến hết ngày 31/12/2025, kế hoạch có {len(rows)} nhiệm vụ được giao cho các sở, "
                        "ngành, địa phương chủ trì thực hiện; phần lớn các nhiệm vụ đã được triển khai đúng "
                        "tiến độ, các nhiệm vụ đang thực hiện được đôn đốc hoàn thành trước thời hạn."
                    ),
                    FigureTable(
                        caption="Bảng 1. Kết quả thực hiện theo lĩnh vực",
                        columns=(
                            "Lĩnh vực",
                            "Nhiệm vụ",
                            "Đúng hạn",
                            "Trễ hạn",
                            "Đang làm",
                            "Chưa làm",
                            "Quá hạn",
                        ),
                        rows=tuple(figures[:-1]),
                        total=figures[-1],
                    ),
                    Heading("2. Kết quả theo đơn vị chủ trì"),
                    Paragraph(
                        "Sở Khoa học và Công nghệ đã tham mưu UBND tỉnh ban hành Đề án Chuyển đổi số tỉnh Đồng "
                        "Nai giai đoạn 2025 – 2030; Văn phòng UBND tỉnh hoàn thành rà soát, đánh giá toàn bộ "
                        "thủ tục hành chính cấp tỉnh, cấp xã theo yêu cầu của Trung ương."
                    ),
                    Heading("2.1. Các sở, ngành", level=3),
                    Paragraph(
                        "- Công an tỉnh đã phối hợp rà soát giấy tờ gắn mã định danh cá nhân, tổ chức; "
                        "Sở Tư pháp hoàn thành số hóa hồ sơ hộ tịch còn hiệu lực."
                    ),
                ),
            ),
            ReportSection(
                "II",
                "Tồn tại, hạn chế và nguyên nhân",
                (
                    Paragraph(
                        f"Bên cạnh kết quả đạt được, còn {figures[-1][6]:02d} nhiệm vụ quá hạn và "
                        f"{sum(r.status == 'Chờ hoàn thiện' for r in rows):02d} nhiệm vụ bị trả lại để "
                        "hoàn thiện hồ sơ minh chứng; nguyên nhân chủ yếu do thiếu nhân lực chuyên trách và "
                        "chậm bố trí kinh phí."
                    ),
                ),
            ),
            ReportSection(
                "III",
                "Nhiệm vụ trọng tâm kỳ tới",
                (
                    Paragraph(
                        "Tập trung hoàn thành các nhiệm vụ đến hạn trong quý I năm 2026, nhất là hoàn thiện "
                        "cơ sở dữ liệu đất đai và dự thảo Nghị quyết về chính sách hỗ trợ đổi mới công nghệ."
                    ),
                ),
            ),
            ReportSection(
                "IV",
                "Đề xuất, kiến nghị",
                (
                    Paragraph(
                        "Kiến nghị Bộ Khoa học và Công nghệ sớm ban hành hướng dẫn xây dựng lộ trình đổi mới "
                        "công nghệ đến năm 2035 đối với các ngành kinh tế mũi nhọn."
                    ),
                ),
            ),
        ),
        closing=(
            Paragraph(
                "Trên đây là báo cáo tình hình thực hiện quý IV năm 2025, Ban Chỉ đạo tỉnh Đồng Nai kính báo cáo./."
            ),
        ),
        distribution=(
            "Như kính gửi",
            "Thường trực Tỉnh ủy (b/c)",
            "UBND tỉnh (b/c)",
            "Các thành viên Ban Chỉ đạo",
            "Lưu: VT, CĐS",
        ),
        signature=Signature(
            authority=("TM. Ban Chỉ đạo", "KT. Trưởng ban"),
            title="Phó Trưởng ban",
            name="Lê Trường Sơn",
        ),
        appendix=Appendix(
            sections=sections,
            subtitle="Tiến độ thực hiện các nhiệm vụ của Kế hoạch số 1-KH/BCĐ",
            # one lead unit per sample sub-task: as many assignments as rows
            subtask_count=len(rows),
            assignment_count=len(rows),
            unit_count=len({r.lead_unit for r in rows}),
            note=f"(Kèm theo Báo cáo số {number}/BC-BCĐ ngày 05/01/2026 của Ban Chỉ đạo tỉnh)",
        ),
        cut_off=datetime(2025, 12, 31, 23, 59, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
        sha256="",
    )
