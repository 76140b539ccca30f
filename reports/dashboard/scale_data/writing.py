"""Dates, counts and the table writer (COPY on PostgreSQL, bulk_create batches elsewhere)."""

import calendar
import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone


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

    def add(self, other: "Counts") -> None:
        for name in ("units", "plans", "subtasks", "lead_assignments", "co_assignments", "reports", "claims",
                     "evidence", "reviews"):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))

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
