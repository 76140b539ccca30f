"""Official reports: a draft from the data, then a generation job whose result is archived.

`report_draft` assembles the figures as of the period's cut-off and proposes the header and the
narrative; the person edits those (never the figures) and `report_generate` queues the job. The
job (reports.jobs.generate_report) assembles the figures again from the database, so what the
archive holds is what the data said at the cut-off, whatever the form carried.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from kpis.models import Period
from nq57portal.queue import enqueue_on_commit
from tasks.models import Plan
from units.models import Unit

from .archive import GeneratedReport, GeneratedReportStatus
from .assembly import NARRATIVE_FIELDS, ReportScope, ScopeError, assemble, default_narrative, resolve_scope
from .assembly.document import NARRATIVE_MAX, scope_words

PARENT_BODY = "UBND TỈNH ĐỒNG NAI"
ISSUING_BODY = "BAN CHỈ ĐẠO KHCN, ĐMST, CĐS VÀ ĐỀ ÁN 06"
ISSUER_SHORT = "Ban Chỉ đạo tỉnh"
SYMBOL = "BC-BCĐ"
PLACE = "Đồng Nai"

HEADER_FIELDS = {
    "parent_body": _("Cơ quan chủ quản"),
    "issuing_body": _("Cơ quan ban hành"),
    "number": _("Số"),
    "symbol": _("Ký hiệu"),
    "place": _("Địa danh"),
    "date": _("Ngày ban hành"),
    "title": _("Trích yếu"),
    "recipients": _("Kính gửi"),
    "distribution": _("Nơi nhận"),
    "authority": _("Thẩm quyền ký"),
    "signer_title": _("Chức vụ người ký"),
    "signer_name": _("Người ký"),
}
LIST_FIELDS = ("recipients", "distribution", "authority")
REQUIRED_HEADER = (
    "issuing_body",
    "symbol",
    "place",
    "date",
    "title",
    "recipients",
    "signer_title",
    "signer_name",  # a report is generated to be signed: never a blank signer
)
MAX_TEXT = NARRATIVE_MAX


def can_build_reports(user) -> bool:
    return bool(
        user and user.is_authenticated and user.is_active and (user.is_secretariat or user.is_leadership)
    )


def _require_builder(actor):
    if not can_build_reports(actor):
        raise PermissionDenied


@dataclass
class ReportDraft:
    kind: str
    period: Period
    plan: Plan | None
    unit: Unit | None
    scope: ReportScope
    inputs: dict = field(repr=False)
    header: dict = field(default_factory=dict)
    narrative: dict = field(default_factory=dict)


STEERING_COMMITTEE = "Ban Chỉ đạo KHCN, ĐMST, CĐS và Đề án 06 tỉnh"


def unit_symbol(unit: Unit) -> str:
    """The unit's abbreviation in a document's symbol: its short name when it is one ("SKHCN"),
    else the initials of its name as the province writes them ("Sở Khoa học và Công nghệ" → SKHCN,
    "UBND xã Nhơn Trạch" → UBND)."""
    short = (unit.short_name or "").strip()
    if short and " " not in short:
        return short.upper()
    words = unit.name.split()
    if words and words[0].upper() in ("UBND", "HĐND"):
        return words[0].upper()
    if unit.name.lower().startswith("ủy ban nhân dân") or unit.name.lower().startswith("uỷ ban nhân dân"):
        return "UBND"
    initials = "".join(w[0] for w in words if w.lower() not in ("và", "của") and w[0].isalpha())
    return initials.upper() or "DV"


def unit_head(unit: Unit):
    """The unit's head (an active account with the head's role), when there is exactly one."""
    from units.models import Role, User

    heads = list(
        User.objects.filter(unit=unit, is_active=True, roles__role=Role.HEAD).order_by("pk").distinct()[:2]
    )
    return heads[0] if len(heads) == 1 else None


def _unit_header(unit: Unit) -> dict:
    """A unit's own report: issued by the unit, to the committee, signed by its head."""
    from units.models import UnitKind

    commune = unit.kind == UnitKind.COMMUNE
    head = unit_head(unit)
    if commune:
        authority, title = ["TM. ỦY BAN NHÂN DÂN"], "CHỦ TỊCH"
    elif unit.name.startswith("Sở ") or unit.name.startswith("Công an"):
        authority, title = [], "GIÁM ĐỐC"
    else:
        authority, title = [], "THỦ TRƯỞNG ĐƠN VỊ"
    if head is not None and head.position:
        title = head.position.upper()
    return {
        "parent_body": "" if commune else PARENT_BODY,
        "issuing_body": unit.name.upper(),
        "symbol": f"BC-{unit_symbol(unit)}",
        "recipients": [STEERING_COMMITTEE],
        "distribution": ["Như kính gửi", "Cơ quan Thường trực Ban Chỉ đạo (Sở KH&CN)", "Lưu: VT"],
        "authority": authority,
        "signer_title": title,
        "signer_name": head.full_name if head is not None else "",
    }


def default_header(
    scope: ReportScope, inputs: dict, *, today: datetime.date, unit: Unit | None = None
) -> dict:
    header = {
        "parent_body": PARENT_BODY,
        "issuing_body": ISSUING_BODY,
        "number": "",
        "symbol": SYMBOL,
        "place": PLACE,
        "date": today.isoformat(),
        # Short: the plan's number or short name and the period, never the plan's whole title.
        "title": f"Tình hình thực hiện {scope_words(inputs, with_unit=False)} {scope.period_words}",
        "recipients": [
            "Ban Chỉ đạo Trung ương về phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số"
        ],
        "distribution": [
            "Như kính gửi",
            "Thường trực Tỉnh ủy (b/c)",
            "UBND tỉnh (b/c)",
            "Các thành viên Ban Chỉ đạo",
            "Lưu: VT, CĐS",
        ],
        "authority": ["TM. BAN CHỈ ĐẠO", "KT. TRƯỞNG BAN"],
        "signer_title": "PHÓ TRƯỞNG BAN THƯỜNG TRỰC",
        "signer_name": "",
    }
    if unit is not None:
        header.update(_unit_header(unit))
    return header


def issuer_short(unit: Unit | None) -> str:
    """How the narrative names the issuer ("Ban Chỉ đạo tỉnh", or the unit)."""
    return unit.name if unit is not None else ISSUER_SHORT


def require_cutoff_passed(scope: ReportScope, *, now) -> None:
    """A report states figures "tính đến hết ngày" its cut-off: refused until that day is over, so
    one label never carries two sets of figures (a draft made on 07/12 for a cut-off of 20/12 would
    print a future date, and a second one after the 20th other figures under the same label)."""
    if now >= scope.cutoff_at:
        return
    cutoff = scope.cutoff.strftime("%d/%m/%Y")
    ready = (scope.cutoff + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    raise ValidationError(
        {
            "period": gettext(
                "Kỳ này chốt số liệu đến hết ngày %(cutoff)s, chưa qua: chỉ lập được báo cáo từ ngày %(ready)s."
            )
            % {"cutoff": cutoff, "ready": ready}
        }
    )


def report_draft(
    *, kind: str, period: Period, plan: Plan | None, unit: Unit | None, actor, now=None
) -> ReportDraft:
    """The figures as of the period's cut-off, and a header and narrative to edit."""
    _require_builder(actor)
    try:
        scope = resolve_scope(kind=kind, period=period, plan=plan, unit=unit)
    except ScopeError as error:
        raise ValidationError({"period": str(error)}) from None
    require_cutoff_passed(scope, now=now or timezone.now())
    inputs = assemble(scope)
    return ReportDraft(
        kind=kind,
        period=period,
        plan=plan,
        unit=unit,
        scope=scope,
        inputs=inputs,
        header=default_header(scope, inputs, today=timezone.localdate(now or timezone.now()), unit=unit),
        narrative=default_narrative(inputs, issuing_body=issuer_short(unit)),
    )


def clean_header(header: dict) -> dict:
    """Trimmed values; errors by field, in Vietnamese."""
    errors = {}
    out = {}
    for key in HEADER_FIELDS:
        value = header.get(key, [] if key in LIST_FIELDS else "")
        if key in LIST_FIELDS:
            if isinstance(value, str):
                value = value.splitlines()
            value = [v.strip() for v in value if v and v.strip()]
        else:
            value = str(value or "").strip()
        out[key] = value
        if key in REQUIRED_HEADER and not value:
            errors[key] = gettext("Vui lòng nhập %(field)s.") % {"field": HEADER_FIELDS[key].lower()}
    if out["date"]:
        try:
            datetime.date.fromisoformat(out["date"])
        except ValueError:
            errors["date"] = gettext("Ngày không hợp lệ (dd/mm/yyyy).")
    if out["number"] and not out["number"].replace(" ", "").isalnum():
        errors["number"] = gettext("Số văn bản chỉ gồm chữ số (để trống nếu ghi tay sau khi ký).")
    if len(out["title"]) > 500:
        errors["title"] = gettext("Trích yếu dài quá 500 ký tự.")
    if errors:
        raise ValidationError(errors)
    return out


def clean_narrative(narrative: dict) -> dict:
    out = {key: str(narrative.get(key) or "").replace("\r\n", "\n").strip() for key in NARRATIVE_FIELDS}
    errors = {
        key: gettext("Nội dung dài quá %(max)s ký tự.") % {"max": f"{MAX_TEXT:,}".replace(",", ".")}
        for key, v in out.items()
        if len(v) > MAX_TEXT
    }
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def report_generate(*, draft: ReportDraft, actor, now=None) -> GeneratedReport:
    """Archive row (queued) and the job, sent once the row is committed."""
    from .jobs import generate_report

    _require_builder(actor)
    now = now or timezone.now()
    require_cutoff_passed(draft.scope, now=now)
    header = clean_header(draft.header)
    narrative = clean_narrative(draft.narrative)
    report = GeneratedReport.objects.create(
        kind=draft.kind,
        period=draft.period,
        plan=draft.plan,
        unit=draft.unit,
        header=header,
        narrative=narrative,
        cutoff=draft.scope.cutoff_at,
        status=GeneratedReportStatus.QUEUED,
        created_by=actor,
        created_at=now,
        enqueued_at=now,
    )
    audit_record(
        actor=actor,
        action="report.generate",
        obj=report,
        changes={
            "kind": draft.kind,
            "period": draft.period.pk,
            "plan": draft.plan.pk if draft.plan else None,
            "unit": draft.unit.pk if draft.unit else None,
            "cutoff": draft.scope.cutoff_at,
        },
        now=now,
    )
    enqueue_on_commit(generate_report, report.pk)
    return report


def scope_of(report: GeneratedReport) -> ReportScope:
    return resolve_scope(kind=report.kind, period=report.period, plan=report.plan, unit=report.unit)
