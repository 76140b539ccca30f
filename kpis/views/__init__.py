from .comments import comment_page, coordination_answer_view
from .flags import red_flags
from .periods import (
    not_reported_page,
    not_reported_remind,
    period_generate,
    period_list,
    period_lock_view,
    period_remove_view,
    period_reopen_view,
)
from .remediation import flag_acknowledge_view
from .reports import my_tasks, report_correct_view, report_form
from .signoff import signoff_approve, signoff_queue_page, signoff_report, signoff_send_back

__all__ = [
    "comment_page",
    "flag_acknowledge_view",
    "my_tasks",
    "not_reported_page",
    "not_reported_remind",
    "period_generate",
    "period_list",
    "period_lock_view",
    "period_remove_view",
    "period_reopen_view",
    "report_correct_view",
    "red_flags",
    "report_form",
    "signoff_approve",
    "signoff_queue_page",
    "signoff_report",
    "signoff_send_back",
    "coordination_answer_view",
]
