"""The columns of the work lists' downloads (red flags, assignment lists, not reported, the review
queue, My tasks); the files themselves are written by `nq57portal.exporting`."""

from django.utils import timezone, translation

from nq57portal.exporting import Column
from tasks.models import effective_deadline

from .flags import FlagKind, current_message
from .models import Period, Status

_LABELS: dict = {}


def _label(choices, value) -> str:
    """A choice's label in the active language, translated once per process and language (a lazy
    label costs a catalogue look-up each time it is printed: 40 µs a row of a 10,000-row list)."""
    key = (choices, value, translation.get_language())
    label = _LABELS.get(key)
    if label is None:
        label = _LABELS[key] = str(choices(value).label)
    return label


def _state(assignment):
    return getattr(assignment, "state", None)  # no state row yet: not started


def _status_label(assignment) -> str:
    state = _state(assignment)
    return Status(state.status if state else Status.NOT_STARTED).label


def _completion(assignment):
    state = _state(assignment)
    return state.latest_completion if state else None


def _deadline(subtask):
    return subtask.deadline or subtask.deadline_text or "Thường xuyên"


def _plan(subtask) -> str:
    return subtask.plan.code or subtask.plan.title


# The long lists (thousands of overdue assignments or flags) are read as plain values, not models:
# five model instances a row cost 1.7 ms a row at 10,000 rows.
def _plan_of(row, prefix="subtask__plan__") -> str:
    return row[prefix + "code"] or row[prefix + "title"]


def _deadline_of(row) -> object:
    """The deadline in force (ASSIGNMENT_VALUES' `due`: an approved change, else the appendix's)."""
    return row["due"] or row["subtask__deadline_text"] or "Thường xuyên"


def _assignment_deadline(assignment) -> object:
    """Assignment.effective_deadline, else the appendix's words ("Thường xuyên")."""
    return assignment.effective_deadline or assignment.subtask.deadline_text or "Thường xuyên"


ASSIGNMENT_FIELDS = (
    "unit__name",
    "subtask__plan__code",
    "subtask__plan__title",
    "subtask__code",
    "subtask__title",
    "subtask__deadline",
    "subtask__deadline_text",
    "state__status",
    "state__latest_completion",
)
# Expressions read beside ASSIGNMENT_FIELDS: `qs.values(*ASSIGNMENT_FIELDS, **ASSIGNMENT_VALUES)`.
ASSIGNMENT_VALUES = {"due": effective_deadline()}
ASSIGNMENT_COLUMNS = [
    Column("Đơn vị chủ trì", lambda r: r["unit__name"], 32),
    Column("Kế hoạch", _plan_of, 16),
    Column("Mã", lambda r: r["subtask__code"], 8),
    Column("Tiểu nhiệm vụ", lambda r: r["subtask__title"], 60),
    Column("Thời hạn", _deadline_of, 14),
    Column("Trạng thái", lambda r: _label(Status, r["state__status"] or Status.NOT_STARTED), 18),
    Column("Tỷ lệ hoàn thành (%)", lambda r: r["state__latest_completion"], 12),
]

SUBTASK_COLUMNS = [
    Column("Kế hoạch", _plan, 16),
    Column("Mã", lambda s: s.code, 8),
    Column("Tiểu nhiệm vụ", lambda s: s.title, 60),
    Column("Thời hạn", _deadline, 14),
]

FLAG_FIELDS = (
    "kind",
    "numbers",
    "message_vi",
    "resolved_at",
    "raised_at",
    "live_actual",
    "unit__name",
    "subtask__plan__code",
    "subtask__plan__title",
    "subtask__code",
    "subtask__title",
    # A flag about a target (kpis.flags, "target behind") names the target instead.
    "target__plan__code",
    "target__plan__title",
    "target__code",
    "target__text",
    "period__start",
)


def _flag_plan(row) -> str:
    return _plan_of(row, "target__plan__" if row["target__code"] is not None else "subtask__plan__")


def _flag_message(row) -> str:
    """What the flag says today (the file is written in Vietnamese: nq57portal.exporting)."""
    return current_message(
        row["kind"],
        row["numbers"],
        row["message_vi"],
        is_open=row["resolved_at"] is None,
        live_actual=row["live_actual"],
        today=row["today"],
    )


def with_today(batch):
    """FLAG_COLUMNS' `prepare`: the day the messages count to, read once per batch, not per row."""
    today = timezone.localdate()
    for row in batch:
        row["today"] = today


FLAG_COLUMNS = [
    Column("Loại cảnh báo", lambda r: _label(FlagKind, r["kind"]), 16),
    Column("Đơn vị", lambda r: r["unit__name"], 32),
    Column("Kế hoạch", _flag_plan, 16),
    Column("Mã", lambda r: r["subtask__code"] or r["target__code"], 8),
    Column("Tiểu nhiệm vụ / chỉ tiêu", lambda r: r["subtask__title"] or r["target__text"], 60),
    Column("Nội dung", _flag_message, 60),
    Column("Tháng báo cáo", lambda r: f"{r['period__start']:%m/%Y}" if r["period__start"] else "", 14),
    Column("Phát sinh lúc", lambda r: r["raised_at"], 16),
    Column("Hết cảnh báo lúc", lambda r: r["resolved_at"], 16),
]

# The queue as plain values too (nine model instances a claim were most of its download's time).
QUEUE_FIELDS = (
    "claimed_at",
    "claim_report__period__kind",
    "claim_report__period__end",
    "assignment__subtask__plan__code",
    "assignment__subtask__plan__title",
    "assignment__subtask__code",
    "assignment__subtask__title",
    "assignment__subtask__deadline_text",
    "assignment__unit__name",
    "assignment__via_group__name",
    "latest_completion",
    "evidence_count",
    "returns",
)
QUEUE_VALUES = {"due": effective_deadline("assignment__")}


def _claim_period(row) -> str:
    kind, end = row["claim_report__period__kind"], row["claim_report__period__end"]
    if end is None:
        return ""
    key = (kind, end, translation.get_language())
    label = _LABELS.get(key)
    if label is None:
        label = _LABELS[key] = Period(kind=kind, end=end).label
    return label


QUEUE_COLUMNS = [
    Column("Gửi lúc", lambda r: r["claimed_at"], 16),
    Column("Kỳ báo cáo", _claim_period, 14),
    Column("Kế hoạch", lambda r: _plan_of(r, "assignment__subtask__plan__"), 16),
    Column("Mã", lambda r: r["assignment__subtask__code"], 8),
    Column("Tiểu nhiệm vụ", lambda r: r["assignment__subtask__title"], 60),
    Column("Đơn vị chủ trì", lambda r: r["assignment__unit__name"], 32),
    Column("Giao qua nhóm", lambda r: r["assignment__via_group__name"] or "", 20),
    Column("Thời hạn", lambda r: r["due"] or r["assignment__subtask__deadline_text"] or "Thường xuyên", 14),
    Column("Tỷ lệ hoàn thành (%)", lambda r: r["latest_completion"], 12),
    Column("Số minh chứng", lambda r: r["evidence_count"], 10),
    Column("Số lần đã trả lại", lambda r: r["returns"], 10),
]


def _period_report(row) -> str:
    if row.period is None:
        return ""
    if row.reported:
        return "Đã gửi"
    if row.report_due:
        return (
            "Kỳ đã khóa" if row.period.locked else ("Chưa gửi (có bản nháp)" if row.has_draft else "Chưa gửi")
        )
    return ""


MY_TASK_COLUMNS = [
    Column("Kế hoạch", lambda r: _plan(r.subtask), 16),
    Column("Mã", lambda r: r.subtask.code, 8),
    Column("Tiểu nhiệm vụ", lambda r: r.subtask.title, 60),
    Column("Sản phẩm", lambda r: r.subtask.output, 40),
    Column("Thời hạn", lambda r: _assignment_deadline(r.assignment), 14),
    Column("Số ngày quá hạn", lambda r: r.days_late or None, 10),
    Column("Tiến độ dự kiến (%)", lambda r: r.expected, 12),
    Column("Đã hoàn thành (%)", lambda r: r.completion, 12),
    Column("Trạng thái", lambda r: Status(r.status).label, 18),
    Column("Quá hạn", lambda r: r.overdue, 8),
    Column("Chậm tiến độ", lambda r: r.lagging, 8),
    Column("Báo cáo kỳ này", _period_report, 18),
    Column("Lý do trả lại", lambda r: r.returned_reason, 40),
]
