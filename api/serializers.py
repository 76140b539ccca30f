"""What the API returns. Read-only; dates and times ISO 8601 (times in UTC offset form), text UTF-8."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from budget.models import BudgetLevel, SpendingKind
from budget.money import share
from kpis.flags import flag_kinds
from kpis.models import Measure, Status
from targets.models import Accumulation, TargetDirection
from tasks.models import AssignmentRole, PlanStatus


class GeneralTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    order = serializers.IntegerField()


class SectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    order = serializers.IntegerField()
    general_tasks = GeneralTaskSerializer(many=True)


class AmendmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sequence = serializers.IntegerField(help_text="Lần sửa đổi, bổ sung (1, 2, …).")
    number = serializers.CharField(help_text="Số văn bản sửa đổi, bổ sung.")
    date = serializers.DateField(help_text="Ngày văn bản.")
    recorded_at = serializers.DateTimeField(
        help_text="Thời điểm ghi nhận vào hệ thống (từ đó có hiệu lực ở đây)."
    )


class PlanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(help_text="Số, ký hiệu (có thể trống khi đang dự thảo).")
    title = serializers.CharField()
    issuer = serializers.CharField()
    issue_date = serializers.DateField(allow_null=True)
    start_date = serializers.DateField(allow_null=True, source="effective_start")
    status = serializers.ChoiceField(choices=PlanStatus.choices)
    replaces = serializers.IntegerField(allow_null=True, source="replaces_id")
    amendment = serializers.SerializerMethodField(
        help_text="Văn bản sửa đổi, bổ sung gần nhất đã ghi nhận (đến as_of, nếu có); null: kế hoạch ban đầu."
    )
    updated_at = serializers.DateTimeField()

    @extend_schema_field(AmendmentSerializer(allow_null=True))
    def get_amendment(self, obj):
        found = self.context.get("amendments", {}).get(obj.pk)
        return AmendmentSerializer(found).data if found is not None else None


class PlanDetailSerializer(PlanSerializer):
    sections = SectionSerializer(
        many=True, help_text="Các mục và nhiệm vụ tổng quát (như tại as_of, nếu có), theo thứ tự phụ lục."
    )

    def to_representation(self, obj):
        data = super().to_representation(obj)
        outline = self.context.get("outline")
        if outline is not None:
            data["sections"] = SectionSerializer(outline, many=True).data
        return data


class TargetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    value = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)
    measure = serializers.ChoiceField(choices=Measure.choices)
    direction = serializers.CharField()


class KpiSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        allow_null=True, help_text="null: KPI như trước một văn bản sửa đổi đã thay nó (với as_of)."
    )
    text = serializers.CharField()
    targets = TargetSerializer(many=True, source="confirmed_targets", help_text="Chỉ tiêu đã xác nhận.")


class SubTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    plan = serializers.IntegerField(source="plan_id")
    section = serializers.IntegerField(source="general_task.section_id")
    section_code = serializers.CharField(source="general_task.section.code")
    general_task = serializers.IntegerField(source="general_task_id")
    general_task_code = serializers.CharField(source="general_task.code")
    code = serializers.CharField()
    title = serializers.CharField()
    output = serializers.CharField()
    start_date = serializers.DateField(allow_null=True)
    deadline = serializers.DateField(allow_null=True)
    deadline_text = serializers.CharField()
    ongoing = serializers.BooleanField()
    lead_names = serializers.ListField(child=serializers.CharField())
    co_names = serializers.ListField(child=serializers.CharField())
    kpis = KpiSerializer(many=True)
    removed_at = serializers.DateTimeField(
        source="closed_at",
        allow_null=True,
        help_text="Thời điểm bị bãi bỏ bởi văn bản sửa đổi, bổ sung; null: đang áp dụng (tại as_of, nếu có).",
    )
    updated_at = serializers.DateTimeField()

    # What an amendment may have changed, read from the sub-task as it stood (with as_of).
    AS_OF_FIELDS = (
        "code",
        "title",
        "output",
        "deadline",
        "deadline_text",
        "ongoing",
        "lead_names",
        "co_names",
    )

    def to_representation(self, obj):
        data = super().to_representation(obj)
        facts = self.context.get("facts", {}).get(obj.pk)
        if facts is None:
            return data
        data.update({name: facts[name] for name in self.AS_OF_FIELDS})
        data.update(
            section=facts["section_id"],
            section_code=facts["section_code"],
            general_task=facts["general_task_id"],
            general_task_code=facts["general_task_code"],
        )
        if not facts["closed"]:
            data["removed_at"] = None
        if [k["text"].strip() for k in data["kpis"]] != facts["kpi"]:
            data["kpis"] = [{"id": None, "text": text, "targets": []} for text in facts["kpi"]]
        return data


def _state(obj, name, default=None):
    state = getattr(obj, "state", None) if hasattr(obj, "state") else None
    return getattr(state, name, default) if state is not None else default


class AssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subtask = serializers.IntegerField(source="subtask_id")
    plan = serializers.IntegerField(source="subtask.plan_id")
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField(source="unit.name")
    role = serializers.ChoiceField(choices=AssignmentRole.choices)
    via_group = serializers.IntegerField(source="via_group_id", allow_null=True)
    status = serializers.SerializerMethodField(help_text="Chỉ phân công chủ trì có trạng thái.")
    latest_completion = serializers.SerializerMethodField(help_text="Tỷ lệ báo cáo gần nhất (%).")
    approved_completion = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        allow_null=True,
        coerce_to_string=False,
        help_text="Tỷ lệ của đề nghị hoàn thành gần nhất được công nhận (chỉ số này được tính).",
    )
    completed_at = serializers.SerializerMethodField()
    completed_on_time = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=Status.choices, allow_null=True))
    def get_status(self, obj):
        if obj.role != AssignmentRole.LEAD:
            return None
        return _state(obj, "status", Status.NOT_STARTED)

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_latest_completion(self, obj):
        value = _state(obj, "latest_completion")
        return float(value) if value is not None else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_completed_at(self, obj):
        value = _state(obj, "completed_at")
        return serializers.DateTimeField().to_representation(value) if value else None

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_completed_on_time(self, obj):
        return _state(obj, "completed_on_time")

    @extend_schema_field(serializers.DateTimeField())
    def get_updated_at(self, obj):
        value = _state(obj, "updated_at") or obj.created_at
        return serializers.DateTimeField().to_representation(value)


class KpiValueSerializer(serializers.Serializer):
    kpi = serializers.IntegerField(source="kpi_id")
    target = serializers.IntegerField(source="target_id", allow_null=True)
    actual = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True, coerce_to_string=False
    )
    met = serializers.BooleanField()


class ReportTextsSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    results = serializers.CharField()
    difficulties = serializers.CharField()
    proposals = serializers.CharField()


class ProgressReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    assignment = serializers.IntegerField(source="assignment_id")
    subtask = serializers.IntegerField(source="assignment.subtask_id")
    plan = serializers.IntegerField(source="assignment.subtask.plan_id")
    unit = serializers.IntegerField(source="assignment.unit_id")
    period = serializers.IntegerField(source="period_id")
    period_label = serializers.CharField(source="period.label")
    version = serializers.IntegerField()
    completion = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=False)
    is_claim = serializers.BooleanField(help_text="Đề nghị công nhận hoàn thành.")
    review_decision = serializers.ChoiceField(
        choices=[("approved", "approved"), ("returned", "returned")],
        allow_null=True,
        help_text="Kết luận thẩm định của đề nghị này; chỉ 'approved' được tính.",
    )
    kpi_values = KpiValueSerializer(many=True)
    submitted_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    texts = serializers.SerializerMethodField(help_text="Chỉ với phạm vi 'texts'; null nếu không có.")

    @extend_schema_field(ReportTextsSerializer(allow_null=True))
    def get_texts(self, obj):
        if not self.context.get("texts"):
            return None
        return ReportTextsSerializer(obj).data


class RedFlagSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=[(k, k) for k in flag_kinds()])
    # About a lead assignment (and its sub-task), or about a target (kind target_behind).
    assignment = serializers.IntegerField(source="assignment_id", allow_null=True)
    subtask = serializers.IntegerField(source="subtask_id", allow_null=True)
    target = serializers.IntegerField(source="target_id", allow_null=True)
    unit = serializers.IntegerField(source="unit_id")
    period = serializers.IntegerField(source="period_id", allow_null=True)
    numbers = serializers.DictField(help_text="Các con số của cảnh báo (kỳ vọng, thực hiện, số ngày…).")
    message = serializers.CharField(source="message_vi")
    raised_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    escalated_at = serializers.SerializerMethodField()

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_escalated_at(self, obj):
        escalation = obj.escalation_or_none
        return serializers.DateTimeField().to_representation(escalation.escalated_at) if escalation else None


class PeriodSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    plan = serializers.IntegerField(source="plan_id")
    kind = serializers.CharField()
    label = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    cutoff = serializers.DateField()
    due_date = serializers.DateField()
    locked = serializers.BooleanField()


class UnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    kind = serializers.CharField()
    is_active = serializers.BooleanField()


class FigureCountsSerializer(serializers.Serializer):
    assigned = serializers.IntegerField(help_text="Phân công chủ trì thuộc kế hoạch đang thực hiện.")
    not_started = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    awaiting_review = serializers.IntegerField()
    returned = serializers.IntegerField()
    completed = serializers.IntegerField(help_text="Hoàn thành đã được công nhận.")
    completed_on_time = serializers.IntegerField()
    overdue = serializers.IntegerField()
    missing = serializers.IntegerField(help_text="Thiếu báo cáo của tháng của kỳ được chọn.")
    flags = serializers.IntegerField()
    flags_by_kind = serializers.DictField(child=serializers.IntegerField())
    rate = serializers.FloatField(allow_null=True, help_text="Tỷ lệ hoàn thành (%).")
    on_time_rate = serializers.FloatField(
        allow_null=True, help_text="Tỷ lệ đúng hạn trong số hoàn thành (%)."
    )


class UnitFiguresSerializer(FigureCountsSerializer):
    unit = serializers.IntegerField()
    unit_name = serializers.CharField()
    rank = serializers.IntegerField(help_text="Thứ hạng trên bảng điều hành (1 = tốt nhất).")


class FiguresSerializer(serializers.Serializer):
    computed_at = serializers.DateTimeField(
        allow_null=True, help_text="Thời điểm số liệu bảng điều hành được tổng hợp."
    )
    plan = serializers.IntegerField(allow_null=True)
    period = serializers.IntegerField(allow_null=True)
    month = serializers.DateField(allow_null=True, help_text="Tháng của số thiếu báo cáo.")
    totals = FigureCountsSerializer()
    units = UnitFiguresSerializer(many=True)


class BudgetLineSerializer(serializers.Serializer):
    """One allocation line (dự toán) of a lead assignment, whole đồng, with what was disbursed on it."""

    id = serializers.IntegerField()
    assignment = serializers.IntegerField(source="assignment_id")
    subtask = serializers.IntegerField(source="assignment.subtask_id")
    plan = serializers.IntegerField(source="assignment.subtask.plan_id")
    unit = serializers.IntegerField(source="assignment.unit_id")
    year = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=SpendingKind.choices)
    level = serializers.ChoiceField(choices=BudgetLevel.choices)
    allocated = serializers.IntegerField(help_text="Dự toán được giao (tổng các quyết định), đồng.")
    disbursed = serializers.IntegerField(help_text="Đã giải ngân (tổng các kỳ), đồng.")
    rate = serializers.SerializerMethodField(help_text="Tỷ lệ giải ngân (%); null khi chưa có dự toán.")

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_rate(self, obj):
        value = share(obj.disbursed, obj.allocated)
        return float(value) if value is not None else None


class DisbursementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    allocation = serializers.IntegerField(source="allocation_id")
    assignment = serializers.IntegerField(source="allocation.assignment_id")
    plan = serializers.IntegerField(source="allocation.assignment.subtask.plan_id")
    unit = serializers.IntegerField(source="allocation.assignment.unit_id")
    period = serializers.IntegerField(source="period_id")
    period_label = serializers.CharField(source="period.label")
    amount = serializers.IntegerField(help_text="Số giải ngân trong kỳ (không cộng dồn), đồng.")
    reported_at = serializers.DateTimeField()


class BudgetFigureSerializer(serializers.Serializer):
    allocated = serializers.IntegerField()
    disbursed = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class BudgetRollupRowSerializer(BudgetFigureSerializer):
    key = serializers.CharField(help_text="id của mục/đơn vị, hoặc mã loại chi/cấp ngân sách.")
    label = serializers.CharField()


class BudgetRollupSerializer(serializers.Serializer):
    by = serializers.ChoiceField(choices=["section", "unit", "kind", "level"])
    year = serializers.IntegerField()
    as_of = serializers.DateField(allow_null=True)
    totals = BudgetFigureSerializer()
    rows = BudgetRollupRowSerializer(many=True)


# --- plan targets (targets app) ---------------------------------------------------------------------

TARGET_VALUE = {"max_digits": 24, "decimal_places": 4, "coerce_to_string": False}


class MilestoneSerializer(serializers.Serializer):
    value = serializers.DecimalField(**TARGET_VALUE)
    due_date = serializers.DateField()


class MilestoneStateSerializer(MilestoneSerializer):
    due_date = serializers.DateField(source="day")
    reached = serializers.BooleanField(
        help_text="Đạt (mốc đã qua: giá trị đến thời hạn; chưa tới: giá trị hiện tại)."
    )
    passed = serializers.BooleanField(help_text="Thời hạn đã qua tại ngày đọc.")


class TargetUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class BaselineSerializer(serializers.Serializer):
    value = serializers.DecimalField(**TARGET_VALUE)
    date = serializers.DateField()


class TargetStandingSerializer(serializers.Serializer):
    as_of = serializers.DateField(
        help_text="Ngày đọc: các kỳ kết thúc đến ngày này, số liệu được công nhận đến hết ngày này."
    )
    state = serializers.ChoiceField(
        choices=[(s, s) for s in ("none", "reached", "behind", "on_track")],
        help_text="none: chưa có số liệu; reached: đạt mốc; behind: chậm so với lộ trình; on_track: đúng lộ trình.",
    )
    value = serializers.DecimalField(allow_null=True, help_text="Giá trị đạt được.", **TARGET_VALUE)
    numerator = serializers.DecimalField(
        allow_null=True, help_text="Tổng tử số (chỉ tiêu tỷ lệ).", **TARGET_VALUE
    )
    denominator = serializers.DecimalField(
        allow_null=True, help_text="Tổng mẫu số (chỉ tiêu tỷ lệ).", **TARGET_VALUE
    )
    value_as_of = serializers.DateField(allow_null=True, help_text="Ngày cuối của kỳ gần nhất được tính.")
    expected = serializers.DecimalField(
        allow_null=True,
        help_text="Giá trị trên lộ trình vào ngày đó (từ giá trị nền qua các mốc).",
        **TARGET_VALUE,
    )
    behind = serializers.BooleanField(help_text="Chậm so với lộ trình.")
    reached = serializers.BooleanField(help_text="Mốc đang áp dụng (mốc kế tiếp, hoặc mốc cuối) đã đạt.")
    goal = MilestoneStateSerializer(allow_null=True, help_text="Mốc đang áp dụng.")
    milestones = MilestoneStateSerializer(many=True)


def target_standing(target, as_of) -> dict:
    """The standing of a target read by targets.selectors.with_standing (`.state`), as the API says it."""
    from targets.selectors import standing_of

    state = target.state
    got = state.achieved if state else None
    return {
        "as_of": as_of,
        "state": standing_of(state),
        "value": got.value if got else None,
        "numerator": got.numerator if got else None,
        "denominator": got.denominator if got else None,
        "value_as_of": got.as_of if got else None,
        "expected": state.expected if state else None,
        "behind": bool(state and state.behind),
        "reached": bool(state and state.reached),
        "goal": state.goal if state else None,
        "milestones": state.milestones if state else [],
    }


class PlanTargetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    plan = serializers.IntegerField(source="plan_id")
    code = serializers.CharField()
    group = serializers.CharField(help_text="Nhóm mục tiêu.")
    text = serializers.CharField(help_text="Chỉ tiêu (nguyên văn).")
    measure = serializers.CharField(help_text="Đơn vị tính ('%' cho tỷ lệ).")
    is_share = serializers.BooleanField(help_text="Tỷ lệ (%) tính từ tử số và mẫu số.")
    direction = serializers.ChoiceField(choices=TargetDirection.choices)
    accumulation = serializers.ChoiceField(
        choices=Accumulation.choices,
        help_text="cumulative: mỗi kỳ báo mức đạt được đến cuối kỳ; per_period: số phát sinh trong kỳ, cộng dồn.",
    )
    baseline = serializers.SerializerMethodField(help_text="Giá trị nền và ngày của nó (null nếu không có).")
    milestones = MilestoneSerializer(many=True, source="milestones.all")
    units = TargetUnitSerializer(many=True, source="units.all", help_text="Đơn vị chịu trách nhiệm.")
    data_source = serializers.CharField(help_text="Nguồn số liệu.")
    order = serializers.IntegerField()
    standing = serializers.SerializerMethodField(
        help_text="Kết quả và vị trí so với lộ trình (như bảng điều hành và báo cáo chính thức)."
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(BaselineSerializer(allow_null=True))
    def get_baseline(self, obj):
        if obj.baseline_date is None:
            return None
        return BaselineSerializer({"value": obj.baseline_value, "date": obj.baseline_date}).data

    @extend_schema_field(TargetStandingSerializer)
    def get_standing(self, obj):
        return TargetStandingSerializer(target_standing(obj, self.context["as_of"])).data


class TargetValueTextsSerializer(serializers.Serializer):
    note = serializers.CharField(help_text="Ghi chú, cách tính của đơn vị.")
    review_note = serializers.CharField(source="reason_text", help_text="Ý kiến của người thẩm định.")


class TargetValueSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    target = serializers.IntegerField(source="target_id")
    plan = serializers.IntegerField(source="target.plan_id")
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField(source="unit.name")
    period = serializers.IntegerField(source="period_id")
    period_label = serializers.CharField(source="period.label")
    period_end = serializers.DateField(source="period.end")
    value = serializers.DecimalField(**TARGET_VALUE)
    numerator = serializers.DecimalField(allow_null=True, **TARGET_VALUE)
    denominator = serializers.DecimalField(allow_null=True, **TARGET_VALUE)
    version = serializers.IntegerField(help_text="Lần báo cáo (báo cáo lại tăng lên).")
    status = serializers.ChoiceField(
        choices=[("approved", "approved")], help_text="Chỉ số liệu đã được công nhận."
    )
    reported_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(help_text="Thời điểm được công nhận.")
    texts = serializers.SerializerMethodField(help_text="Chỉ với phạm vi 'texts'; null nếu không có.")

    @extend_schema_field(TargetValueTextsSerializer(allow_null=True))
    def get_texts(self, obj):
        if not self.context.get("texts"):
            return None
        return TargetValueTextsSerializer(obj).data
