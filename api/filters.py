"""The query filters of the API (plan, period, unit, status, changed_since), read and checked once.

A filter naming a plan, period or unit the client may not read is answered 404, like a missing one;
a malformed value 400 with the reason."""

import datetime

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import NotFound, ValidationError

from . import selectors

LARGEST_ID = 2**53  # ids above any the database holds, and beyond what every JSON reader keeps exact


def _int(params, name):
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 1 or value > LARGEST_ID:
        raise ValidationError({name: [_("Phải là một số nguyên dương.")]})
    return value


def plan_id(params, client):
    value = _int(params, "plan")
    if value is not None and not selectors.plans_for(client).filter(pk=value).exists():
        raise NotFound()
    return value


def period(params, client):
    value = _int(params, "period")
    if value is None:
        return None
    found = selectors.period_list(client).filter(pk=value).first()
    if found is None:
        raise NotFound()
    return found


def unit_id(params, client):
    value = _int(params, "unit")
    if value is None:
        return None
    if client.unit_id is not None and value != client.unit_id:
        raise NotFound()
    if not selectors.unit_list(client).filter(pk=value).exists():
        raise NotFound()
    return value


def choice(params, name, choices):
    value = params.get(name)
    if value in (None, ""):
        return None
    if value not in choices:
        raise ValidationError(
            {name: [_("Giá trị không hợp lệ; chọn một trong: %(values)s.") % {"values": ", ".join(choices)}]}
        )
    return value


def changed_since(params):
    raw = params.get("changed_since")
    if raw in (None, ""):
        return None
    value = None
    try:
        value = parse_datetime(raw)
        if value is None:
            day = parse_date(raw)
            if day is not None:
                value = datetime.datetime.combine(day, datetime.time.min)
        if value is not None:
            if timezone.is_naive(value):
                value = timezone.make_aware(value)
            # In UTC before it reaches the database: PostgreSQL refuses an offset past ±15:59
            # ("+20:33" is valid ISO 8601), and a moment that leaves the calendar is refused here.
            value = value.astimezone(datetime.UTC)
    except (ValueError, OverflowError):
        value = None
    if value is None:
        raise ValidationError(
            {"changed_since": [_("Thời điểm theo ISO 8601, ví dụ 2026-01-31T08:00:00+07:00.")]}
        )
    return value


def _p(name, kind, text, **extra):
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, required=False, description=text, **extra)


PLAN = _p("plan", OpenApiTypes.INT, "Mã (id) kế hoạch.")
PERIOD = _p("period", OpenApiTypes.INT, "Mã (id) kỳ báo cáo.")
UNIT = _p("unit", OpenApiTypes.INT, "Mã (id) đơn vị.")
CHANGED_SINCE = _p(
    "changed_since", OpenApiTypes.DATETIME, "Chỉ những bản ghi thay đổi từ thời điểm này (ISO 8601)."
)
YEARS = (2000, 2100)
YEAR = _p("year", OpenApiTypes.INT, "Năm ngân sách.")


def year(params):
    raw = params.get("year")
    if raw in (None, ""):
        return None
    if not raw.isdigit() or not YEARS[0] <= int(raw) <= YEARS[1]:
        raise ValidationError(
            {"year": [_("Năm từ %(first)s đến %(last)s.") % {"first": YEARS[0], "last": YEARS[1]}]}
        )
    return int(raw)


def as_of(params):
    raw = params.get("as_of")
    if raw in (None, ""):
        return None
    try:
        value = parse_date(raw)
    except ValueError:
        value = None
    if value is None:
        raise ValidationError({"as_of": [_("Ngày theo ISO 8601, ví dụ 2026-09-30.")]})
    return value


AS_OF = _p("as_of", OpenApiTypes.DATE, "Số liệu tính đến hết ngày này (quyết định và kỳ giải ngân).")
PLAN_AS_OF = _p(
    "as_of",
    OpenApiTypes.DATE,
    "Kế hoạch như đã áp dụng đến hết ngày này (ISO 8601, ví dụ 2026-01-20), theo các văn bản sửa đổi, "
    "bổ sung đã ghi nhận đến lúc đó, như báo cáo chính thức đọc kế hoạch tại ngày chốt số liệu. "
    "Không có: kế hoạch hiện hành.",
)
# Days outside these read as the first or the last of them: the plan stood the same before any
# record and after the last (and the instant of a day is computed without overflowing).
AS_OF_DAYS = (datetime.date(1900, 1, 1), datetime.date(9998, 12, 31))


def as_of_day_end(params):
    """The `as_of` day and the instant things are read at (its last instant, local time), or None."""
    from tasks.selectors import end_of_day

    day = as_of(params)
    if day is None:
        return None
    return day, end_of_day(min(max(day, AS_OF_DAYS[0]), AS_OF_DAYS[1]))


REMOVED = _p(
    "removed",
    OpenApiTypes.BOOL,
    "true: chỉ các tiểu nhiệm vụ đã bị bãi bỏ bởi văn bản sửa đổi, bổ sung (đến as_of, nếu có; để đồng "
    "bộ, cùng changed_since); mặc định false: các tiểu nhiệm vụ đang áp dụng.",
)


def boolean(params, name):
    raw = params.get(name)
    if raw in (None, ""):
        return None
    if raw.lower() in ("true", "1"):
        return True
    if raw.lower() in ("false", "0"):
        return False
    raise ValidationError({name: [_("Giá trị không hợp lệ; chọn true hoặc false.")]})


ROLLUPS = ["section", "unit", "kind", "level"]


def rollup_by(params) -> str:
    value = choice(params, "by", ROLLUPS)
    if value is None:
        raise ValidationError(
            {"by": [_("Bắt buộc; chọn một trong: %(values)s.") % {"values": ", ".join(ROLLUPS)}]}
        )
    return value


TARGET = _p("target", OpenApiTypes.INT, "Mã (id) chỉ tiêu.")
TARGET_UNIT = _p("unit", OpenApiTypes.INT, "Mã (id) đơn vị chịu trách nhiệm.")
TARGET_AS_OF = _p(
    "as_of",
    OpenApiTypes.DATE,
    "Kết quả như tại hết ngày này (ISO 8601): số liệu của các kỳ kết thúc đến ngày đó, được công nhận đến "
    "hết ngày đó, như báo cáo chính thức tại ngày chốt số liệu; mặc định: hôm nay.",
)


def target_id(params, targets):
    """A `target` filter naming one of `targets` (what the client may read), else 404."""
    value = _int(params, "target")
    if value is not None and not targets.filter(pk=value).exists():
        raise NotFound()
    return value
