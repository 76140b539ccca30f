"""Moving the demo plan in time: whenever the demo is loaded, today falls some months into the plan.

The appendix's dates (plan issued 01/11/2025, deadlines from 30/9/2025 to 30/6/2026) move by whole
months, so "31/12/2025" stays the last day of a month and "15/12/2025" the 15th; the deadline words
as written move with them. The plan page says so (Plan.note).
"""

import calendar
import datetime
import re

APPENDIX_START = datetime.date(2025, 11, 1)
_DATE_IN_TEXT = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")


def demo_start(today: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` before today's month."""
    index = today.year * 12 + today.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_between(start: datetime.date, end: datetime.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def shift_date(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    was_last = day.day == calendar.monthrange(day.year, day.month)[1]
    return datetime.date(year, month, last if was_last else min(day.day, last))


def shift_text(text: str, months: int) -> str:
    """ "31/12/2025 Riêng CSDL … (31/12/2026)" → the same words with each date moved."""

    def moved(match: re.Match) -> str:
        try:
            day = datetime.date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError:
            return match[0]
        new = shift_date(day, months)
        return (
            f"{new.day:02d}/{new.month:02d}/{new.year}"
            if match[1].startswith("0")
            else f"{new.day}/{new.month}/{new.year}"
        )

    return _DATE_IN_TEXT.sub(moved, text or "")


def shift_plan_data(plan_data, months: int) -> None:
    """Move every deadline of an imported appendix (in place) by `months`."""
    for section in plan_data.sections:
        for task in section.tasks:
            for sub in task.subtasks:
                if sub.deadline:
                    sub.deadline = shift_date(sub.deadline, months)
                sub.deadline_text = shift_text(sub.deadline_text, months)


def dates_note(months: int, start: datetime.date) -> str:
    """The plan page's note, in Vietnamese like the plan itself."""
    return (
        f"Dữ liệu mẫu: kế hoạch và các thời hạn trong phụ lục đã được dời {months} tháng so với văn bản "
        f"gốc (ban hành 01/11/2025), để kế hoạch bắt đầu ngày {start:%d/%m/%Y} và hôm nay rơi vào khoảng "
        "tháng thứ năm thực hiện; tiến độ, minh chứng, thẩm định, cảnh báo và báo cáo là dữ liệu mô phỏng."
    )
