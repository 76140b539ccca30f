"""Acknowledging a red flag with a remediation plan, and escalating the flags nobody acknowledged."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from tasks.models import PlanStatus
from units.models import Role

from ..flags import RedFlag, acknowledged_kinds
from ..remediation import FlagAcknowledgement, FlagEscalation, working_days_after

MAX_REMEDY = 2000
# A remediation plan looks at most this far ahead.
MAX_HORIZON_DAYS = 366


def can_acknowledge(user, flag: RedFlag) -> bool:
    """Only the head of the flag's own unit answers for it, and only an open overdue or lagging flag."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.unit_id == flag.unit_id
        and user.has_role(Role.HEAD)
        and flag.is_open
        and flag.kind in acknowledged_kinds()
    )


@transaction.atomic
def flag_acknowledge(
    *, flag: RedFlag, actor, remedy: str, expected_finish: datetime.date | None, now=None
) -> FlagAcknowledgement:
    """The unit head's remediation plan for the flag (a second one replaces the first, audited)."""
    now = now or timezone.now()
    flag = RedFlag.objects.select_for_update().get(pk=flag.pk)
    if not can_acknowledge(actor, flag):
        raise PermissionDenied
    today = timezone.localdate(now)
    remedy = (remedy or "").strip()
    errors = {}
    if not remedy:
        errors["remedy"] = _("Vui lòng nêu biện pháp khắc phục: việc gì, ai làm.")
    elif len(remedy) > MAX_REMEDY:
        errors["remedy"] = _("Nội dung tối đa %(max)s ký tự.") % {"max": MAX_REMEDY}
    if expected_finish is None:
        errors["expected_finish"] = _("Vui lòng nhập ngày dự kiến hoàn thành (dd/mm/yyyy).")
    elif expected_finish < today:
        errors["expected_finish"] = _("Ngày dự kiến hoàn thành không được trước hôm nay (%(today)s).") % {
            "today": f"{today:%d/%m/%Y}"
        }
    elif expected_finish > today + datetime.timedelta(days=MAX_HORIZON_DAYS):
        errors["expected_finish"] = _("Ngày dự kiến hoàn thành quá một năm kể từ hôm nay.")
    if errors:
        raise ValidationError(errors)
    before = FlagAcknowledgement.objects.filter(flag=flag).first()
    ack, _created = FlagAcknowledgement.objects.update_or_create(
        flag=flag,
        defaults={
            "acknowledged_by": actor,
            "acknowledged_at": now,
            "remedy": remedy,
            "expected_finish": expected_finish,
        },
    )
    audit_record(
        actor=actor,
        action="flag.acknowledge",
        obj=flag,
        changes={
            "remedy": [before.remedy if before else None, remedy],
            "expected_finish": [
                before.expected_finish.isoformat() if before else None,
                expected_finish.isoformat(),
            ],
        },
        now=now,
    )
    return ack


def escalation_cutoff(today: datetime.date, days: int) -> datetime.date:
    """The last day a flag may have been raised on and be due for escalation today."""
    day = today
    while working_days_after(day, days) > today:
        day -= datetime.timedelta(days=1)
    return day


def flags_escalate(*, now=None) -> list[FlagEscalation]:
    """Escalate every open overdue or lagging flag left unacknowledged for the set number of
    working days, and tell the committee's leaders and the secretariat once. Idempotent: an
    escalation is one row per flag (unique), and only the rows this run created are announced."""
    from notifications.services.events import notify_escalated

    now = now or timezone.now()
    days = settings.FLAG_ESCALATION_WORKING_DAYS
    cutoff = escalation_cutoff(timezone.localdate(now), days)
    before = timezone.make_aware(
        datetime.datetime.combine(cutoff + datetime.timedelta(days=1), datetime.time())
    )
    due = (
        RedFlag.objects.open()
        .filter(
            kind__in=acknowledged_kinds(),
            raised_at__lt=before,
            acknowledgement__isnull=True,
            escalation__isnull=True,
            subtask__plan__status=PlanStatus.IN_FORCE,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    created = []
    for flag_id in list(due):
        with transaction.atomic():
            escalation, made = FlagEscalation.objects.get_or_create(
                flag_id=flag_id, defaults={"escalated_at": now, "working_days": days}
            )
        if made:
            created.append(escalation)
    if created:
        with transaction.atomic():
            audit_record(
                actor=None,
                action="flags.escalate",
                object_type="kpis.redflag",
                changes={"flags": [e.flag_id for e in created], "working_days": days},
                now=now,
            )
            notify_escalated(flag_ids=[e.flag_id for e in created], now=now)
            from api.webhooks import webhooks_flags_escalated

            webhooks_flags_escalated(flag_ids=[e.flag_id for e in created], now=now)
    return created
