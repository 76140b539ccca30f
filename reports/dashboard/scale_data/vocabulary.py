"""The profiles (how big a data set is) and the words its names and texts are drawn from."""

import re
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
    # National profiles: `provinces` parts of the shape above, each with its own bodies, communes,
    # groups and plans, then the ministries' part (`ministry_plans` plans, one per ministry in turn,
    # led by the ministries and by the provinces' People's Committees). 0: one province, as above.
    provinces: int = 0
    ministries: int = 0
    ministry_plans: int = 0


PROFILES = {
    "province": Profile(20, 95, 5, 20, 3, 5, 10, 24, 0.16, 0.20),
    # 34 provinces × 22 plans of 150 sub-tasks + 18 ministries' plans ≈ 2.4 million lead assignments
    "national": Profile(
        20, 95, 5, 22, 3, 5, 10, 24, 0.16, 0.20, provinces=34, ministries=18, ministry_plans=18
    ),
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

# The 34 provinces and centrally-run cities (from 1 July 2025); True: a city ("thành phố").
PROVINCES = [
    ("Hà Nội", True), ("Huế", True), ("Lai Châu", False), ("Điện Biên", False), ("Sơn La", False),
    ("Lạng Sơn", False), ("Quảng Ninh", False), ("Thanh Hóa", False), ("Nghệ An", False), ("Hà Tĩnh", False),
    ("Cao Bằng", False), ("Tuyên Quang", False), ("Lào Cai", False), ("Thái Nguyên", False), ("Phú Thọ", False),
    ("Bắc Ninh", False), ("Hưng Yên", False), ("Hải Phòng", True), ("Ninh Bình", False), ("Quảng Trị", False),
    ("Đà Nẵng", True), ("Quảng Ngãi", False), ("Gia Lai", False), ("Khánh Hòa", False), ("Lâm Đồng", False),
    ("Đắk Lắk", False), ("Hồ Chí Minh", True), ("Đồng Nai", False), ("Tây Ninh", False), ("Cần Thơ", True),
    ("Vĩnh Long", False), ("Đồng Tháp", False), ("Cà Mau", False), ("An Giang", False),
]  # fmt: skip
MINISTRIES = [
    ("Bộ Quốc phòng", "BQP"), ("Bộ Công an", "BCA"), ("Bộ Ngoại giao", "BNG"), ("Bộ Nội vụ", "BNV"),
    ("Bộ Tư pháp", "BTP"), ("Bộ Tài chính", "BTC"), ("Bộ Công Thương", "BCT"),
    ("Bộ Nông nghiệp và Môi trường", "BNNMT"), ("Bộ Xây dựng", "BXD"), ("Bộ Văn hóa, Thể thao và Du lịch", "BVHTTDL"),
    ("Bộ Khoa học và Công nghệ", "BKHCN"), ("Bộ Giáo dục và Đào tạo", "BGDĐT"), ("Bộ Y tế", "BYT"),
    ("Bộ Dân tộc và Tôn giáo", "BDTTG"), ("Ngân hàng Nhà nước Việt Nam", "NHNN"), ("Thanh tra Chính phủ", "TTCP"),
    ("Văn phòng Chính phủ", "VPCP"), ("Ban Cơ yếu Chính phủ", "BCYCP"),
]  # fmt: skip
STATE_GROUPS = [
    ("Tập đoàn Công nghiệp - Viễn thông Quân đội", "Viettel"),
    ("Tập đoàn Bưu chính Viễn thông Việt Nam", "VNPT"),
    ("Tập đoàn Điện lực Việt Nam", "EVN"),
]
NATIONAL_GROUPS = {
    "bodies": ("Các bộ, cơ quan ngang bộ", "Bộ, ngành"),
    "communes": ("UBND các tỉnh, thành phố trực thuộc trung ương", "UBND tỉnh, thành phố"),
}


@dataclass(frozen=True)
class Place:
    """Where one part of a national data set sits: a province or city, or (national) the ministries."""

    name: str = ""
    city: bool = False
    national: bool = False

    @property
    def full(self) -> str:
        return f"{'thành phố' if self.city else 'tỉnh'} {self.name}"

    @property
    def label(self) -> str:
        return "các bộ, ngành" if self.national else self.full

    def localize(self, name: str) -> str:
        """A provincial body's name in this province: "Sở Nội vụ" → "Sở Nội vụ tỉnh Lai Châu",
        "Công an tỉnh" → "Công an thành phố Hà Nội", "Văn phòng Tỉnh ủy" → "Văn phòng Thành ủy Hà Nội"."""
        if "Tỉnh ủy" in name:
            return name.replace("Tỉnh ủy", f"{'Thành ủy' if self.city else 'Tỉnh ủy'} {self.name}")
        if re.search(r" tỉnh(?=$| \()", name):
            return re.sub(r" tỉnh(?=$| \()", f" {self.full}", name, count=1)
        return f"{name} {self.full}"
