"""The profiles (how big a data set is) and the words its names and texts are drawn from."""

from dataclasses import dataclass

from units.models import UnitKind

SOURCE_NAME = "scale-data"
SCALE_EVIDENCE_PREFIX = "scale-data/"
DEFAULT_PASSWORD = "scale-NQ57-2026!"


@dataclass(frozen=True)
class Profile:
    bodies: int
    communes: int
    enterprises: int
    plans: int
    sections: int
    general_tasks: int  # per section
    subtasks: int  # per general task
    months: int
    commune_group_share: float  # share of sub-tasks led by "all communes"
    bodies_group_share: float  # share led by "all provincial bodies"


PROFILES = {
    "province": Profile(20, 95, 5, 20, 3, 5, 10, 24, 0.16, 0.20),
    "medium": Profile(8, 24, 3, 4, 2, 3, 4, 12, 0.2, 0.25),
    "small": Profile(4, 6, 2, 2, 2, 2, 3, 6, 0.2, 0.25),
}

BODIES = [
    ("Sở Nội vụ", "SNV", UnitKind.DEPARTMENT),
    ("Sở Tài chính", "STC", UnitKind.DEPARTMENT),
    ("Sở Khoa học và Công nghệ", "SKHCN", UnitKind.DEPARTMENT),
    ("Sở Tư pháp", "STP", UnitKind.DEPARTMENT),
    ("Sở Công Thương", "SCT", UnitKind.DEPARTMENT),
    ("Sở Xây dựng", "SXD", UnitKind.DEPARTMENT),
    ("Sở Nông nghiệp và Môi trường", "SNNMT", UnitKind.DEPARTMENT),
    ("Sở Y tế", "SYT", UnitKind.DEPARTMENT),
    ("Sở Giáo dục và Đào tạo", "SGDĐT", UnitKind.DEPARTMENT),
    ("Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL", UnitKind.DEPARTMENT),
    ("Sở Dân tộc và Tôn giáo", "SDTTG", UnitKind.DEPARTMENT),
    ("Thanh tra tỉnh", "TTr", UnitKind.DEPARTMENT),
    ("Văn phòng UBND tỉnh", "VP UBND", UnitKind.DEPARTMENT),
    ("Công an tỉnh", "CA tỉnh", UnitKind.AGENCY),
    ("Bộ Chỉ huy Quân sự tỉnh", "BCHQS", UnitKind.AGENCY),
    ("Ban Tổ chức Tỉnh ủy", "BTC TU", UnitKind.PARTY),
    ("Ban Tuyên giáo và Dân vận Tỉnh ủy", "BTGDV TU", UnitKind.PARTY),
    ("Văn phòng Tỉnh ủy", "VP TU", UnitKind.PARTY),
    ("Đài Phát thanh và Truyền hình tỉnh", "Đài PTTH", UnitKind.AGENCY),
    ("Trung tâm Phục vụ hành chính công tỉnh", "TTPVHCC", UnitKind.AGENCY),
]
ENTERPRISES = [
    ("Công ty Điện lực tỉnh", "Điện lực"),
    ("Viễn thông tỉnh (VNPT)", "VNPT"),
    ("Bưu điện tỉnh", "Bưu điện"),
    ("Công ty Cổ phần Cấp nước tỉnh", "Cấp nước"),
    ("Công ty TNHH MTV Xổ số kiến thiết tỉnh", "Xổ số"),
]
PLACE_WORDS = [
    "An", "Bình", "Phú", "Tân", "Long", "Hòa", "Thạnh", "Phước", "Thuận", "Hiệp",
    "Trung", "Đông", "Tây", "Mỹ", "Vĩnh", "Hưng", "Lộc", "Thành", "Nhơn", "Xuân",
]  # fmt: skip
GROUPS = {
    "bodies": ("Các sở, ban, ngành tỉnh", "Sở ngành"),
    "communes": ("UBND các xã, phường", "UBND xã phường"),
}
PLAN_THEMES = [
    "chuyển đổi số trong cơ quan nhà nước",
    "phát triển khoa học, công nghệ và đổi mới sáng tạo",
    "cải cách thủ tục hành chính gắn với Đề án 06",
    "phát triển hạ tầng số và dữ liệu dùng chung",
    "đào tạo nguồn nhân lực số",
    "kinh tế số và thương mại điện tử",
    "xã hội số và kỹ năng số cho người dân",
    "an toàn, an ninh mạng",
]
SECTION_TITLES = [
    "Hoàn thiện thể chế, chính sách",
    "Phát triển hạ tầng và dữ liệu",
    "Phát triển nguồn nhân lực",
]
RESULTS = [
    "Đã ban hành văn bản hướng dẫn triển khai.",
    "Đã tổ chức hội nghị quán triệt, tập huấn.",
    "Đang rà soát, tổng hợp số liệu.",
    "Đã hoàn thành dự thảo, đang lấy ý kiến.",
]
DIFFICULTIES = ["Thiếu nhân lực chuyên trách.", "Kinh phí chưa được bố trí.", "Hạ tầng mạng chưa đồng bộ."]
RETURN_REASONS = [
    ("not_output", "Sản phẩm chưa đúng yêu cầu đầu ra."),
    ("unsigned", "Văn bản chưa được ký ban hành."),
    ("missing_document", "Thiếu minh chứng kết quả."),
]
