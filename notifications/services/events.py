"""Events that notify: a raised red flag, a decision on a completion claim."""

from collections import defaultdict

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from kpis.flag_selectors import open_flag_totals
from kpis.flags import RULES, RedFlag, flag_kinds, severity
from kpis.models import AssignmentState
from nq57portal.queue import enqueue_on_commit
from units.models import Role, User

from ..messages import FLAGS_LISTED, write_vi
from ..models import Notification, NotificationKind

# Flags written per run: a first sweep over a large province raises many; the next run goes on.
FLAG_BATCH = 2000


def unit_recipients(unit_ids) -> dict[int, list[User]]:
    """Active staff and heads of each unit (DESIGN: the head "receives its flags"). One query."""
    users = (
        User.objects.filter(
            unit_id__in=set(unit_ids), is_active=True, roles__role__in=[Role.STAFF, Role.HEAD]
        )
        .distinct()
        .order_by("pk")
    )
    by_unit = defaultdict(list)
    for user in users:
        by_unit[user.unit_id].append(user)
    return by_unit


def notifications_for(*, users, kind, template, params, url, object_type, object_id, key, now) -> list:
    """Unsaved rows, one per user, dedupe key `<key>:<user id>`. The words are written once from
    `params` by notifications.messages, in Vietnamese as sent; the params are kept to show them
    again in the reader's language."""
    params = {**params, "t": template}
    subject, body = write_vi(template, params)
    return [
        Notification(
            recipient=user,
            kind=kind,
            subject=subject[:255],
            body=body,
            params=params,
            url=url,
            object_type=object_type,
            object_id=str(object_id),
            dedupe_key=f"{key}:{user.pk}"[:200],
            created_at=now,
        )
        for user in users
    ]


def notify_users(*, users, kind, template, params, url, key, obj=None, now=None) -> list[Notification]:
    """One notification per user: writing it twice is a no-op (the dedupe key is unique)."""
    rows = notifications_for(
        users=users,
        kind=kind,
        template=template,
        params=params,
        url=url,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=obj.pk if obj is not None else "",
        key=key,
        now=now or timezone.now(),
    )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return rows


def subtask_url(subtask_id) -> str:
    return reverse("tasks:subtask_detail", args=[subtask_id])


# More new flags than this for one person in one run arrive as one notification that lists them:
# one person gets at most one notice, so at most one e-mail, per sweep (the first sweep of a unit
# with many tasks raised dozens of notifications at once; three flags made three e-mails).
FLAGS_PER_NOTIFICATION = 1


def notify_raised_flags(*, now=None, limit: int = FLAG_BATCH) -> int:
    """Write the notifications of flags not yet processed (the outbox step of healthchecks' Flip).

    Each of a unit's staff and its head is told of its new flags in one notification: the flag
    itself when the run brings one, else one listing them (most severe first) with the unit's
    figures as its flag page shows them at that moment and a link to that page. A kind not
    announced (a returned claim's quality flag: the return has told the unit, with the reason) is
    not; nor is a flag that repeats one already announced (same assignment, kind and episode:
    resolved and raised anew because a plan's dates or periods were corrected).

    Two runs at once take disjoint flags (rows locked, locked ones skipped), write each notification
    once (unique dedupe key: the flag, or the first flag of the list) and mark each flag once. Flags
    already resolved when processed are marked without notifying. Returns how many notification rows
    were written.
    """
    now = now or timezone.now()
    with transaction.atomic():
        # Rows locked, and those another run holds skipped: two runs tell of disjoint flags, so a
        # flag is never told twice, once alone and once in another run's list.
        flags = list(
            RedFlag.objects.filter(notified_at__isnull=True)
            .select_related("subtask", "target", "unit")
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("raised_at", "pk")[:limit]
        )
        if not flags:
            return 0
        from api.webhooks import webhooks_flags_raised

        # Clients hear of every flag raised (even those not announced to the unit), once: the
        # flags are marked processed in this same transaction.
        webhooks_flags_raised(flag_ids=[f.pk for f in flags if f.resolved_at is None], now=now)
        return _notify_flags(flags, now)


def _alarm(flag) -> tuple:
    """What makes two flags the same alarm: what they are about (an assignment, or a target and the
    unit told), kind and episode."""
    return (flag.assignment_id, flag.target_id, flag.unit_id, flag.kind, flag.episode)


def _announced_before(flags) -> set:
    """The alarms (_alarm) of the flags already announced: marked by the outbox while open."""
    if not flags:
        return set()
    about = Q(assignment_id__in={f.assignment_id for f in flags if f.assignment_id}) | Q(
        target_id__in={f.target_id for f in flags if f.target_id}
    )
    return set(
        RedFlag.objects.filter(about, notified_at__isnull=False)
        .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=F("notified_at")))
        .exclude(pk__in=[f.pk for f in flags])
        .values_list("assignment_id", "target_id", "unit_id", "kind", "episode")
    )


def _notify_flags(flags, now) -> int:
    fresh = [f for f in flags if f.resolved_at is None and f.kind in RULES and RULES[f.kind].announced]
    before = _announced_before(fresh)
    told = [f for f in fresh if _alarm(f) not in before]
    told.sort(key=lambda f: (severity(f.kind), f.raised_at, f.pk))
    recipients = unit_recipients(f.unit_id for f in told)
    by_unit = defaultdict(list)
    for flag in told:
        by_unit[flag.unit_id].append(flag)
    rows = []
    for unit_id, unit_flags in by_unit.items():
        many = len(unit_flags) > FLAGS_PER_NOTIFICATION
        # The unit's figures as its flag page shows them now (after this sweep): read once per unit.
        totals = open_flag_totals(RedFlag.objects.filter(unit_id=unit_id)) if many else None
        for user in recipients.get(unit_id, []):
            if many:
                rows.append(_flags_summary(user, unit_flags, now, totals))
            else:
                rows += [_flag_notification(user, flag, now) for flag in unit_flags]
    Notification.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    RedFlag.objects.filter(pk__in=[f.pk for f in flags], notified_at__isnull=True).update(notified_at=now)
    return len(rows)


def _flag_notification(user, flag, now) -> Notification:
    params = {
        "kind": flag.kind,
        "numbers": flag.numbers,
        "code": flag.subject_code,
        "title": flag.subject_title,
        "unit": str(flag.unit),
        **({"about": "target"} if flag.target_id else {}),
    }
    return notifications_for(
        users=[user],
        kind=NotificationKind.FLAG_RAISED,
        template="flag",
        params=params,
        url=flag.subject_url,
        object_type="kpis.redflag",
        object_id=flag.pk,
        key=f"flag:{flag.pk}",
        now=now,
    )[0]


def _flags_summary(user, flags, now, totals) -> Notification:
    """One notification for many new flags of a unit: how many are new, the unit's flagged tasks by
    kind as its flag page counts them now (open_flag_totals), the first few new ones."""
    unit = flags[0].unit
    params = {
        "count": len(flags),
        "unit": str(unit),
        "open": {"total": totals["total"], "kinds": [[k, totals[k]] for k in flag_kinds() if totals.get(k)]},
        "items": [
            {"code": f.subject_code, "title": f.subject_title, "kind": f.kind, "numbers": f.numbers}
            for f in flags[:FLAGS_LISTED]
        ],
    }
    return notifications_for(
        users=[user],
        kind=NotificationKind.FLAG_RAISED,
        template="flags",
        params=params,
        url=f"{reverse('kpis:flags')}?unit={unit.pk}",
        object_type="units.unit",
        object_id=unit.pk,
        key=f"flags:{flags[0].pk}",
        now=now,
    )[0]


def notify_claim_decision(*, assignment, decision: str, reason: str = "", actor=None, now=None) -> int:
    """Tell the lead unit that its completion claim was approved or returned.

    Called by the review service inside its transaction, after the decision is written: the
    rows commit with the decision, and the sender is enqueued only after the commit — a broker
    that is down delays the e-mail (the every-minute sender picks it up), never fails the review.
    `decision` is "approved" or "returned".
    """
    now = now or timezone.now()
    if decision not in ("approved", "returned"):
        raise ValueError(decision)
    state = (
        AssignmentState.objects.filter(assignment=assignment).only("claim_report_id", "claimed_at").first()
    )
    claim = (
        (state and state.claim_report_id)
        or (state and state.claimed_at and state.claimed_at.isoformat())
        or ""
    )
    subtask = assignment.subtask
    approved = decision == "approved"
    users = unit_recipients([assignment.unit_id]).get(assignment.unit_id, [])
    notify_users(
        users=users,
        kind=NotificationKind.CLAIM_APPROVED if approved else NotificationKind.CLAIM_RETURNED,
        template="approved" if approved else "returned",
        params={
            "code": subtask.code,
            "title": subtask.title,
            "reason": reason,
            "reviewer": str(actor) if actor is not None else "",
        },
        url=subtask_url(subtask.pk),
        key=f"claim:{decision}:{assignment.pk}:{claim}",
        obj=assignment,
        now=now,
    )
    from kpis.signals import assignment_updates_are_deferred

    from ..jobs import send_outbox_job

    if not assignment_updates_are_deferred():  # replaying history: its e-mails are in the past
        enqueue_on_commit(send_outbox_job)
    return len(users)


def notify_escalated(*, flag_ids, now=None) -> int:
    """The committee's leaders and the secretariat: flags whose units did not acknowledge them in
    time, one notification per person per escalation run, leading to the dashboard's list of
    flags that need their decision."""
    flags = list(
        RedFlag.objects.filter(pk__in=flag_ids).select_related("subtask", "unit").order_by("unit__name", "pk")
    )
    if not flags:
        return 0
    users = list(
        User.objects.filter(is_active=True, roles__role__in=[Role.LEADERSHIP, Role.SECRETARIAT])
        .distinct()
        .order_by("pk")
    )
    items = [
        {"code": f.subtask.code, "title": f.subtask.title[:120], "unit": f.unit.name, "kind": f.kind}
        for f in flags[:FLAGS_LISTED]
    ]
    notify_users(
        users=users,
        kind=NotificationKind.FLAG_ESCALATED,
        template="escalated",
        params={"count": len(flags), "items": items},
        url=reverse("reports:dashboard") + "#decisions",
        key=f"escalated:{flags[0].pk}:{flags[-1].pk}:{len(flags)}",
        now=now,
    )
    from kpis.signals import assignment_updates_are_deferred

    from ..jobs import send_outbox_job

    if not assignment_updates_are_deferred():
        enqueue_on_commit(send_outbox_job)
    return len(users)
