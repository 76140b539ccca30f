"""A realistic, deterministic data set for the dashboards and their benchmark (not for production).

`build(profile="province", seed=57)` makes what DESIGN.md "Scale" describes for one province:
120 units (20 provincial bodies, 95 communes and wards, 5 enterprises) and their groups, 20 plans
of 150 sub-tasks, lead assignments fanned out through the groups (≈ 60,000), a monthly report per
lead assignment for up to 24 months (≈ 1.4 million rows), completion claims with evidence
metadata, reviewers' decisions, the assignments' status rows, and finally the real red-flag sweep.

Everything depends only on the seed and `today`, so two builds with the same arguments are equal.
Evidence rows describe files that do not exist: their stored names start with SCALE_EVIDENCE_PREFIX,
outside the evidence folder, so a storage check can tell them from real uploads.
On PostgreSQL the big tables are written with COPY; elsewhere with bulk_create in batches.
"""

import calendar
import datetime
import hashlib
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from evidence.models import Evidence
from kpis.models import AssignmentState, Period, PeriodKind, ProgressReport, Status
from tasks.models import Assignment, AssignmentRole, GeneralTask, Plan, PlanStatus, Section, SubTask
from units.models import GroupMembership, Role, Unit, UnitKind, User, UserRole
from units.naming import name_key

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
    ("wrong_product", "Sản phẩm chưa đúng yêu cầu đầu ra."),
    ("not_signed", "Văn bản chưa được ký ban hành."),
    ("incomplete", "Thiếu minh chứng kết quả."),
]


def month_add(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _aware(day: datetime.date, seconds: int) -> datetime.datetime:
    moment = datetime.datetime(day.year, day.month, day.day) + datetime.timedelta(seconds=seconds)
    return timezone.make_aware(moment)


@dataclass
class Counts:
    units: int = 0
    plans: int = 0
    subtasks: int = 0
    lead_assignments: int = 0
    co_assignments: int = 0
    reports: int = 0
    claims: int = 0
    evidence: int = 0
    reviews: int = 0
    flags: dict = field(default_factory=dict)

    def summary(self) -> str:
        return (
            f"{self.units} đơn vị, {self.plans} kế hoạch, {self.subtasks} tiểu nhiệm vụ, "
            f"{self.lead_assignments} phân công chủ trì, {self.co_assignments} phối hợp, "
            f"{self.reports} báo cáo, {self.claims} đề nghị hoàn thành, {self.evidence} minh chứng, "
            f"{self.reviews} thẩm định, cảnh báo mới: {self.flags}"
        )


class TableWriter:
    """Rows with explicit ids into one table: COPY on PostgreSQL, bulk_create batches elsewhere."""

    BATCH = 2000

    def __init__(self, model, fields: list[str]):
        self.model = model
        self.fields = fields
        self.columns = [model._meta.get_field(name).column for name in fields]
        self.buffer: list[tuple] = []
        self._copy = None
        self._cm = None
        self.count = 0

    def __enter__(self):
        if connection.vendor == "postgresql":
            cursor = connection.cursor()
            table = connection.ops.quote_name(self.model._meta.db_table)
            self._cm = cursor.copy(f"COPY {table} ({', '.join(self.columns)}) FROM STDIN")
            self._copy = self._cm.__enter__()
        return self

    def add(self, row: tuple):
        self.count += 1
        if self._copy is not None:
            self._copy.write_row(row)
            return
        self.buffer.append(row)
        if len(self.buffer) >= self.BATCH:
            self._flush()

    def _flush(self):
        objs = [self.model(**dict(zip(self.fields, row, strict=True))) for row in self.buffer]
        self.model.objects.bulk_create(objs, batch_size=500)
        self.buffer = []

    def __exit__(self, *exc):
        if self._cm is not None:
            self._cm.__exit__(*exc)
        elif exc[0] is None and self.buffer:
            self._flush()
        if exc[0] is None and connection.vendor == "postgresql":
            table = self.model._meta.db_table
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))",  # noqa: S608
                    [table],
                )
        return False


def _next_id(model) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


class Builder:
    def __init__(self, *, profile: str, seed: int, today: datetime.date, password: str, log=print):
        self.p = PROFILES[profile]
        self.profile = profile
        self.rng = random.Random(seed)
        self.today = today
        self.now = _aware(today, 12 * 3600)
        self.password = password
        self.log = log
        self.counts = Counts()
        self.first_month = month_add(today.replace(day=1), -(self.p.months - 1))

    # ---------------------------------------------------------------- units and users

    def units(self):
        p, rng = self.p, self.rng
        specs = [(n, s, k) for n, s, k in BODIES[: p.bodies]]
        pairs = [f"{a} {b}" for a in PLACE_WORDS for b in PLACE_WORDS if a != b]
        rng.shuffle(pairs)
        communes = []
        for i, place in enumerate(pairs[: p.communes]):
            prefix = "Phường" if i % 3 == 0 else "Xã"
            communes.append((f"{prefix} {place}", f"{prefix[0]}. {place}", UnitKind.COMMUNE))
        specs += communes
        specs += [(n, s, UnitKind.ENTERPRISE) for n, s in ENTERPRISES[: p.enterprises]]
        by_name = {
            u.name: u
            for u in Unit.objects.filter(name__in=[s[0] for s in specs] + [g[0] for g in GROUPS.values()])
        }
        missing = [
            Unit(name=name, short_name=short, kind=kind, is_demo=True)
            for name, short, kind in specs
            if name not in by_name
        ]
        missing += [
            Unit(name=name, short_name=short, kind=UnitKind.GROUP, is_demo=True)
            for name, short in GROUPS.values()
            if name not in by_name
        ]
        for unit in missing:
            unit.key = name_key(unit.name)
        Unit.objects.bulk_create(missing)
        by_name = {
            u.name: u
            for u in Unit.objects.filter(name__in=[s[0] for s in specs] + [g[0] for g in GROUPS.values()])
        }
        self.bodies = [by_name[s[0]] for s in specs[: p.bodies]]
        self.communes = [by_name[s[0]] for s in communes]
        self.enterprises = [by_name[n] for n, _ in ENTERPRISES[: p.enterprises]]
        self.group_bodies = by_name[GROUPS["bodies"][0]]
        self.group_communes = by_name[GROUPS["communes"][0]]
        GroupMembership.objects.bulk_create(
            [GroupMembership(group=self.group_bodies, member=u) for u in self.bodies]
            + [GroupMembership(group=self.group_communes, member=u) for u in self.communes],
            ignore_conflicts=True,
        )
        self.all_units = self.bodies + self.communes + self.enterprises
        self.counts.units = len(self.all_units)
        # How each unit works: how reliably it reports and how fast it progresses.
        self.diligence = {u.pk: rng.uniform(0.9, 0.998) for u in self.all_units}
        self.speed = {u.pk: rng.uniform(0.45, 1.1) for u in self.all_units}

    def users(self):
        hashed = User(username="x")
        hashed.set_password(self.password)
        encoded = hashed.password
        wanted = [
            ("scale_lanhdao", "Lãnh đạo tỉnh (dữ liệu quy mô)", Role.LEADERSHIP, None),
            ("scale_thamdinh", "Tổ thẩm định (dữ liệu quy mô)", Role.REVIEWER, None),
            ("scale_thuongtruc", "Thường trực BCĐ (dữ liệu quy mô)", Role.SECRETARIAT, None),
            ("scale_thutruong", "Thủ trưởng đơn vị (dữ liệu quy mô)", Role.HEAD, self.bodies[0]),
            ("scale_canbo", "Cán bộ đơn vị (dữ liệu quy mô)", Role.STAFF, self.bodies[0]),
            ("scale_thutruong_xa", "Chủ tịch UBND xã (dữ liệu quy mô)", Role.HEAD, self.communes[0]),
        ]
        existing = set(User.objects.filter(username__startswith="scale_").values_list("username", flat=True))
        new = [
            User(username=name, full_name=full, unit=unit, password=encoded, email=f"{name}@scale.invalid")
            for name, full, _role, unit in wanted
            if name not in existing
        ]
        reporters = [
            User(
                username=f"scale_u{u.pk}",
                full_name=f"Cán bộ {u.short_name or u.name}",
                unit=u,
                password="!unusable",
                email=f"scale_u{u.pk}@scale.invalid",
            )  # fmt: skip
            for u in self.all_units
            if f"scale_u{u.pk}" not in existing
        ]
        User.objects.bulk_create(new + reporters)
        users = {u.username: u for u in User.objects.filter(username__startswith="scale_")}
        UserRole.objects.bulk_create(
            [UserRole(user=users[name], role=role) for name, _f, role, _u in wanted]
            + [UserRole(user=users[f"scale_u{u.pk}"], role=Role.STAFF) for u in self.all_units],
            ignore_conflicts=True,
        )
        self.reviewer = users["scale_thamdinh"]
        self.reporter = {u.pk: users[f"scale_u{u.pk}"].pk for u in self.all_units}

    # ---------------------------------------------------------------- plans

    def plans(self):
        p, rng = self.p, self.rng
        self.plan_rows = []
        subtasks = []
        for n in range(p.plans):
            start = month_add(self.first_month, rng.randrange(0, max(1, min(2, p.months // 3))))
            theme = PLAN_THEMES[n % len(PLAN_THEMES)]
            plan = Plan.objects.create(
                code=f"{100 + n}-KH/BCĐ",
                title=f"Kế hoạch số {100 + n} về {theme} giai đoạn {start.year}–{start.year + 2}",
                issuer="Ban Chỉ đạo tỉnh",
                issue_date=start,
                start_date=start,
                status=PlanStatus.IN_FORCE,
                source_name=f"{SOURCE_NAME}:{self.profile}",
            )
            self.plan_rows.append(plan)
            for s in range(p.sections):
                section = Section.objects.create(
                    plan=plan, code=["I", "II", "III", "IV"][s], title=SECTION_TITLES[s % 3], order=s
                )
                for g in range(p.general_tasks):
                    gtask = GeneralTask.objects.create(
                        section=section, code=str(g + 1), title=f"Nhiệm vụ {g + 1}: {theme}", order=g
                    )
                    for t in range(p.subtasks):
                        subtasks.append(self._subtask(plan, gtask, g, t))
        for sub in subtasks:
            sub.search_text = sub.build_search_text()
        self.subtasks = SubTask.objects.bulk_create(subtasks, batch_size=1000)
        self.plan_by_id = {plan.pk: plan for plan in self.plan_rows}
        self.counts.plans, self.counts.subtasks = len(self.plan_rows), len(self.subtasks)

    def _subtask(self, plan, gtask, g, t) -> SubTask:
        rng = self.rng
        ongoing = rng.random() < 0.1
        start = None if rng.random() < 0.7 else month_add(plan.start_date, rng.randrange(0, 3))
        begin = start or plan.start_date
        months = rng.randrange(4, int(self.p.months * 1.5) + 2)
        deadline = None if ongoing else month_add(begin, months) - datetime.timedelta(days=1)
        return SubTask(
            general_task=gtask,
            plan=plan,
            code=f"{g + 1}.{t + 1}",
            title=f"Triển khai nội dung {g + 1}.{t + 1} của {plan.code}",
            output=rng.choice(["Kế hoạch", "Báo cáo kết quả", "Quyết định ban hành", "Hệ thống vận hành"]),
            start_date=start,
            deadline=deadline,
            deadline_text="Thường xuyên" if ongoing else f"{deadline:%d/%m/%Y}",
            ongoing=ongoing,
            order=t,
        )

    def assignments(self):
        p, rng = self.p, self.rng
        rows = []
        for sub in self.subtasks:
            r = rng.random()
            leads: dict[int, int | None] = {}
            if r < p.commune_group_share:
                leads = dict.fromkeys((u.pk for u in self.communes), self.group_communes.pk)
                sub.lead_names = [self.group_communes.name]
            elif r < p.commune_group_share + p.bodies_group_share:
                leads = dict.fromkeys((u.pk for u in self.bodies), self.group_bodies.pk)
                sub.lead_names = [self.group_bodies.name]
            else:
                pool = self.bodies if rng.random() < 0.8 else self.enterprises + self.communes[:10]
                chosen = rng.sample(pool, k=min(len(pool), rng.choice([1, 1, 2, 3])))
                leads = {u.pk: None for u in chosen}
                sub.lead_names = [u.name for u in chosen]
            rows += [
                Assignment(subtask=sub, unit_id=u, role=AssignmentRole.LEAD, via_group_id=g)
                for u, g in leads.items()
            ]
            co = [u for u in rng.sample(self.bodies, k=min(2, len(self.bodies))) if u.pk not in leads]
            sub.co_names = [u.name for u in co]
            rows += [Assignment(subtask=sub, unit=u, role=AssignmentRole.CO) for u in co]
            self.counts.co_assignments += len(co)
        created = Assignment.objects.bulk_create(rows, batch_size=5000)
        self.leads = [a for a in created if a.role == AssignmentRole.LEAD]
        self.counts.lead_assignments = len(self.leads)
        SubTask.objects.bulk_update(self.subtasks, ["lead_names", "co_names"], batch_size=1000)

    # ---------------------------------------------------------------- reports and their consequences

    def periods(self):
        from kpis.services import periods_ensure

        periods_ensure(now=self.now)
        self.monthly = {}
        for period in Period.objects.filter(plan_id__in=self.plan_by_id, kind=PeriodKind.MONTHLY).order_by(
            "start"
        ):
            self.monthly.setdefault(period.plan_id, []).append(period)

    def reports(self):
        """Simulate every lead assignment month by month and write what it leaves behind."""
        report_fields = [
            "id", "assignment_id", "period_id", "version", "status", "completion", "results", "difficulties",
            "proposals", "is_claim", "created_by_id", "created_at", "updated_at", "submitted_by_id", "submitted_at",
        ]  # fmt: skip
        self.next_report = _next_id(ProgressReport)
        self.states, self.evidence, self.reviews = [], [], []
        with TableWriter(ProgressReport, report_fields) as writer:
            for assignment in self.leads:
                self._simulate(assignment, writer)
        self.counts.reports = writer.count

    def _simulate(self, assignment, writer):
        rng = self.rng
        sub = assignment.subtask
        plan = self.plan_by_id[sub.plan_id]
        begin = sub.start_date or plan.start_date
        speed = self.speed[assignment.unit_id] * rng.uniform(0.85, 1.15)
        diligence = self.diligence[assignment.unit_id]
        user = self.reporter[assignment.unit_id]
        span = (sub.deadline - begin).days if sub.deadline else 720
        state = {"status": Status.NOT_STARTED, "completion": Decimal(0)}
        pending = None  # (claim report id, claimed_at, decided_at, approve)
        for period in self.monthly.get(sub.plan_id, []):
            if period.end < begin.replace(day=1) or period.start > self.today:
                continue
            due = min(period.due_date, period.end)
            window = max((due - period.start).days, 0)
            submitted = _aware(
                period.start + datetime.timedelta(days=rng.randint(0, window)), rng.randint(25200, 61200)
            )
            if pending and pending[2] <= submitted:
                self._decide(assignment, state, pending)
                pending = None
            if state["status"] == Status.COMPLETED:
                break
            if state["status"] == Status.AWAITING_REVIEW or submitted > self.now or rng.random() > diligence:
                continue
            elapsed = max((due - begin).days, 0) / max(span, 1)
            target = min(Decimal(100), Decimal(round(100 * elapsed * speed)))
            if sub.ongoing:
                target = min(target, Decimal(90))
            completion = max(state["completion"], target)
            claim = completion >= 100
            if rng.random() < 0.05:  # a corrected report: version 1 stays, version 2 is the latest
                first = submitted - datetime.timedelta(days=rng.randint(1, 3))
                writer.add((self.next_report, assignment.pk, period.pk, 1, "submitted", max(completion - 5, 0),
                            RESULTS[0], "", "", False, user, first, first, user, first))  # fmt: skip
                self.next_report += 1
                version = 2
            else:
                version = 1
            report_id = self.next_report
            self.next_report += 1
            writer.add((
                report_id, assignment.pk, period.pk, version, "submitted", completion, rng.choice(RESULTS),
                rng.choice(DIFFICULTIES) if rng.random() < 0.15 else "",
                "Đề nghị bổ sung kinh phí." if rng.random() < 0.05 else "",
                claim, user, submitted, submitted, user, submitted,
            ))  # fmt: skip
            state.update(completion=completion, latest=report_id, reported_at=submitted)
            if claim:
                self.counts.claims += 1
                state.update(status=Status.AWAITING_REVIEW, claim=report_id, claimed_at=submitted)
                for i in range(rng.choice([1, 1, 2])):
                    self._evidence(report_id, user, submitted, i)
                decided = submitted + datetime.timedelta(days=rng.randint(2, 40), hours=rng.randint(0, 8))
                pending = (report_id, submitted, decided, rng.random() < 0.82)
            elif state["status"] != Status.RETURNED:
                state.update(status=Status.IN_PROGRESS, claim=None, claimed_at=None)
        if pending and pending[2] <= self.now:
            self._decide(assignment, state, pending)
        self.states.append(self._state_row(assignment, state))

    def _decide(self, assignment, state, pending):
        report_id, claimed_at, decided_at, approve = pending
        code, text = self.rng.choice(RETURN_REASONS)
        self.reviews.append((report_id, assignment.pk, approve, code, text, decided_at))
        if approve:
            deadline = assignment.subtask.deadline
            on_time = deadline is None or timezone.localdate(claimed_at) <= deadline
            state.update(status=Status.COMPLETED, completed_at=decided_at, on_time=on_time)
        else:
            state.update(status=Status.RETURNED, returned_at=decided_at, reason=text)

    def _evidence(self, report_id, user, when, i):
        name = f"{SCALE_EVIDENCE_PREFIX}{report_id}-{i}.pdf"
        self.evidence.append(
            (
                report_id,
                name,
                f"Minh chung {report_id}-{i + 1}.pdf",
                hashlib.sha256(name.encode()).hexdigest(),
                self.rng.randint(40_000, 4_000_000),
                user,
                when,
            )  # fmt: skip
        )

    def _state_row(self, assignment, s) -> AssignmentState:
        return AssignmentState(
            assignment_id=assignment.pk,
            status=s["status"],
            latest_report_id=s.get("latest"),
            latest_completion=s["completion"] if s.get("latest") else None,
            last_reported_at=s.get("reported_at"),
            claim_report_id=s.get("claim"),
            claimed_at=s.get("claimed_at"),
            completed_at=s.get("completed_at"),
            completed_on_time=s.get("on_time"),
            returned_at=s.get("returned_at"),
            return_reason=s.get("reason", ""),
            updated_at=s.get("completed_at") or s.get("returned_at") or s.get("reported_at"),
        )

    def write_rest(self):
        AssignmentState.objects.bulk_create(self.states, batch_size=5000)
        next_id = _next_id(Evidence)
        fields = ["id", "report_id", "stored_name", "original_name", "sha256", "size", "content_type", "kind",
                  "scanned", "uploaded_by_id", "uploaded_at"]  # fmt: skip
        with TableWriter(Evidence, fields) as writer:
            for i, (report_id, name, original, sha, size, user, when) in enumerate(self.evidence):
                writer.add(
                    (
                        next_id + i,
                        report_id,
                        name,
                        original,
                        sha,
                        size,
                        "application/pdf",
                        "pdf",
                        False,
                        user,
                        when,
                    )
                )
        self.counts.evidence = writer.count
        self._write_reviews()

    def _write_reviews(self):
        try:
            from evidence.models import Review
        except ImportError:  # the review model arrives with the evidence issue
            return
        next_id = _next_id(Review)
        fields = ["id", "report_id", "assignment_id", "reviewer_id", "decision", "reason_code", "reason_text",
                  "decided_at"]  # fmt: skip
        with TableWriter(Review, fields) as writer:
            for i, (report, assignment, approve, code, text, when) in enumerate(self.reviews):
                writer.add((next_id + i, report, assignment, self.reviewer.pk, "approved" if approve else "returned",
                            "" if approve else code, "" if approve else text, when))  # fmt: skip
        self.counts.reviews = writer.count


def wipe_scale_data():
    """Remove every plan and what hangs off it; refuses when a plan was not made by this module."""
    foreign = Plan.objects.exclude(source_name__startswith=SOURCE_NAME)
    if foreign.exists():
        raise ValueError("database holds plans not made by generate_scale_data")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Rows written earlier in the same transaction leave deferred foreign-key checks pending,
            # which TRUNCATE refuses: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "TRUNCATE kpis_redflag, kpis_kpivalue, evidence_evidence, kpis_progressreport, kpis_assignmentstate, "
                "kpis_comment, kpis_period, tasks_assignment, tasks_subtask, tasks_generaltask, tasks_section, "
                "tasks_plan CASCADE"
            )
        return
    from django.apps import apps

    # Children first, without Django's collector (it would load every row).
    for label in ("evidence.Review", "evidence.Evidence", "kpis.RedFlag", "kpis.KpiValue", "kpis.AssignmentState",
                  "kpis.ProgressReport", "kpis.Comment", "kpis.Period"):  # fmt: skip
        model = apps.get_model(label)
        model.objects.all()._raw_delete(connection.alias)
    Plan.objects.all().delete()


def build(*, profile: str = "province", seed: int = 57, today: datetime.date | None = None,
          password: str = DEFAULT_PASSWORD, log=print) -> Counts:  # fmt: skip
    from kpis.sweep import sweep

    today = today or timezone.localdate()
    builder = Builder(profile=profile, seed=seed, today=today, password=password, log=log)
    steps = [
        ("đơn vị", builder.units),
        ("người dùng", builder.users),
        ("kế hoạch", builder.plans),
        ("phân công", builder.assignments),
        ("kỳ báo cáo", builder.periods),
        ("báo cáo", builder.reports),
        ("trạng thái, minh chứng, thẩm định", builder.write_rest),
    ]
    with transaction.atomic():
        for label, step in steps:
            started = timezone.now()
            step()
            log(f"  {label}: {(timezone.now() - started).total_seconds():.1f} s")
    started = timezone.now()
    builder.counts.flags = {str(k): v for k, v in sweep(now=builder.now).raised.items()}
    log(f"  cảnh báo đỏ: {(timezone.now() - started).total_seconds():.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return builder.counts
