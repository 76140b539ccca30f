"""The builder: one method per step of the data set, each drawing from the seeded generator."""

import datetime
import hashlib
import random
from decimal import Decimal

from django.utils import timezone

from evidence.models import Evidence
from kpis.models import AssignmentState, Period, PeriodKind, ProgressReport, Status
from tasks.models import Assignment, AssignmentRole, GeneralTask, Plan, PlanStatus, Section, SubTask
from units.models import GroupMembership, Role, Unit, UnitKind, User, UserRole
from units.naming import name_key

from .vocabulary import (
    BODIES,
    DIFFICULTIES,
    ENTERPRISES,
    GROUPS,
    MINISTRIES,
    NATIONAL_GROUPS,
    PLACE_WORDS,
    PLAN_THEMES,
    PROFILES,
    PROVINCES,
    RESULTS,
    RETURN_REASONS,
    SCALE_EVIDENCE_PREFIX,
    SECTION_TITLES,
    SOURCE_NAME,
    STATE_GROUPS,
    Place,
    Profile,
)
from .writing import Counts, TableWriter, _aware, _next_id, month_add


class Builder:
    def __init__(self, *, profile: str, seed: int | str, today: datetime.date, password: str, log=print,
                 shape: Profile | None = None, place: Place | None = None):  # fmt: skip
        # A national data set is built in parts, each by its own builder: `shape` is the part's size,
        # `place` the province (or the ministries) whose units and plans it makes.
        self.p = shape or PROFILES[profile]
        self.profile = profile
        self.place = place
        self.rng = random.Random(seed)
        self.today = today
        self.now = _aware(today, 12 * 3600)
        self.password = password
        self.log = log
        self.counts = Counts()
        self.first_month = month_add(today.replace(day=1), -(self.p.months - 1))

    # ---------------------------------------------------------------- units and users

    def _unit_specs(self):
        """(bodies, communes, enterprises, groups) as (name, short name, kind) and {key: (name, short)}."""
        p, rng, place = self.p, self.rng, self.place
        if place is not None and place.national:
            bodies = [(n, s, UnitKind.AGENCY) for n, s in MINISTRIES[: p.bodies]]
            communes = [
                (f"UBND {Place(name, city).full}", f"UBND {name}", UnitKind.AGENCY)
                for name, city in PROVINCES[: p.communes]
            ]
            enterprises = [(n, s, UnitKind.ENTERPRISE) for n, s in STATE_GROUPS[: p.enterprises]]
            return bodies, communes, enterprises, NATIONAL_GROUPS
        bodies = [(n, s, k) for n, s, k in BODIES[: p.bodies]]
        pairs = [f"{a} {b}" for a in PLACE_WORDS for b in PLACE_WORDS if a != b]
        rng.shuffle(pairs)
        communes = []
        for i, pair in enumerate(pairs[: p.communes]):
            prefix = "Phường" if i % 3 == 0 else "Xã"
            communes.append((f"{prefix} {pair}", f"{prefix[0]}. {pair}", UnitKind.COMMUNE))
        enterprises = [(n, s, UnitKind.ENTERPRISE) for n, s in ENTERPRISES[: p.enterprises]]
        groups = GROUPS
        if place is not None:  # one province of a national data set: its own names
            bodies = [(place.localize(n), f"{s} {place.name}", k) for n, s, k in bodies]
            communes = [(f"{n}, {place.full}", s, k) for n, s, k in communes]
            enterprises = [(place.localize(n), f"{s} {place.name}", k) for n, s, k in enterprises]
            groups = {key: (place.localize(n), f"{s} {place.name}") for key, (n, s) in GROUPS.items()}
        return bodies, communes, enterprises, groups

    def units(self):
        rng = self.rng
        bodies, communes, enterprises, groups = self._unit_specs()
        specs = bodies + communes + enterprises
        names = [s[0] for s in specs] + [g[0] for g in groups.values()]
        by_name = {u.name: u for u in Unit.objects.filter(name__in=names)}
        missing = [
            Unit(name=name, short_name=short, kind=kind, is_demo=True)
            for name, short, kind in specs
            if name not in by_name
        ]
        missing += [
            Unit(name=name, short_name=short, kind=UnitKind.GROUP, is_demo=True)
            for name, short in groups.values()
            if name not in by_name
        ]
        for unit in missing:
            unit.key = name_key(unit.name)
        Unit.objects.bulk_create(missing)
        by_name = {u.name: u for u in Unit.objects.filter(name__in=names)}
        self.bodies = [by_name[s[0]] for s in bodies]
        self.communes = [by_name[s[0]] for s in communes]
        self.enterprises = [by_name[s[0]] for s in enterprises]
        self.group_bodies = by_name[groups["bodies"][0]]
        self.group_communes = by_name[groups["communes"][0]]
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
            code, issuer = f"{100 + n}-KH/BCĐ", "Ban Chỉ đạo tỉnh"
            title = f"Kế hoạch số {100 + n} về {theme} giai đoạn {start.year}–{start.year + 2}"
            if self.place is not None and self.place.national:
                issuer, short = MINISTRIES[n % len(MINISTRIES)]
                code = f"{100 + n}/KH-{short}"
                title = f"Kế hoạch của {issuer} về {theme} giai đoạn {start.year}–{start.year + 2}"
            elif self.place is not None:
                issuer = f"Ban Chỉ đạo {self.place.full}"
                title = (
                    f"Kế hoạch số {100 + n} của {issuer} về {theme} giai đoạn {start.year}–{start.year + 2}"
                )
            plan = Plan.objects.create(
                code=code,
                title=title,
                issuer=issuer,
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

        if self.place is None:
            periods_ensure(now=self.now)
        else:  # a part of a national data set: its own plans only (the others have theirs)
            for plan in self.plan_rows:
                periods_ensure(now=self.now, plan=plan)
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
                  "scanned", "uploaded_by_id", "uploaded_at", "output_document", "document_number",
                  "document_issuer"]  # fmt: skip
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
                        False,
                        "",
                        "",
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
