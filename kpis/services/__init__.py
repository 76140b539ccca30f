"""Every state change of progress reporting. Views, jobs and the review pages call these."""

from .claims import claim_approve, claim_return
from .comments import comment_add
from .coordination import coordination_answer, coordination_refusal
from .periods import (
    current_period,
    period_dates,
    period_is_empty,
    period_lock,
    period_remove,
    period_reopen,
    periods_ensure,
)
from .reports import (
    ReportData,
    check_can_report,
    evidence_required_message,
    is_completion_claim,
    kpi_rows,
    lock_assignment,
    proposed_completion,
    report_correct,
    report_save_draft,
    report_submit,
    report_token,
)
from .signoff import report_send_back, report_sign_off
from .states import states_ensure

__all__ = [
    "ReportData",
    "check_can_report",
    "claim_approve",
    "claim_return",
    "comment_add",
    "coordination_answer",
    "coordination_refusal",
    "current_period",
    "evidence_required_message",
    "is_completion_claim",
    "kpi_rows",
    "lock_assignment",
    "period_dates",
    "period_is_empty",
    "period_lock",
    "period_remove",
    "period_reopen",
    "periods_ensure",
    "proposed_completion",
    "report_correct",
    "report_save_draft",
    "report_send_back",
    "report_sign_off",
    "report_submit",
    "report_token",
    "states_ensure",
]
