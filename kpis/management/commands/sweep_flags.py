from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kpis.sweep import parse_now, sweep

# Open flags per flagged assignment the demo must stay under (issue 17: one picture per assignment).
MAX_PER_FLAGGED = 1.3


class Command(BaseCommand):
    help = "Raise and resolve the red flags now (the same sweep the schedule runs every 15 minutes)."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="pretend it is this date/time (ISO 8601), e.g. 2026-01-15")
        parser.add_argument(
            "--notify", action="store_true", help="also create the notifications of newly raised flags"
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help=(
                "after the sweep (and its notifications), check one picture per assignment: at most "
                f"{MAX_PER_FLAGGED} open flags per flagged assignment, none overdue and lagging at once, "
                "each notice's counts those of its unit's flag page; fail otherwise"
            ),
        )

    def handle(self, *args, now=None, notify=False, check=False, **options):
        try:
            moment = parse_now(now)
        except ValueError as exc:
            raise CommandError(f"--now: không đọc được ngày giờ “{now}” (ví dụ 2026-01-15).") from exc
        moment = moment or timezone.now()
        result = sweep(now=moment)
        for kind in result.raised:
            self.stdout.write(f"{kind}: +{result.raised[kind]} mới, -{result.resolved[kind]} đã hết")
        created = None
        if notify or check:
            from notifications.services import notify_raised_flags

            created = notify_raised_flags(now=moment)
            self.stdout.write(f"notifications: {created}")
        self.stdout.write(self.style.SUCCESS(f"Quét cảnh báo xong ({result.today:%d/%m/%Y})."))
        if check:
            self._check(moment)

    def _check(self, moment) -> None:
        from kpis.flag_selectors import flag_picture, open_flag_totals
        from kpis.flags import RedFlag
        from notifications.models import Notification, NotificationKind

        picture = flag_picture()
        self.stdout.write(
            f"{picture['open']} cảnh báo mở trên {picture['flagged']} nhiệm vụ "
            f"({picture['per_flagged']} mỗi nhiệm vụ); quá hạn và chậm tiến độ cùng lúc: "
            f"{picture['overdue_and_lagging']}"
        )
        # The notices of this sweep that list a unit's flags with its figures, against the figures
        # the unit's flag page shows now (open_flag_totals over the unit's flags, as the page).
        notices = Notification.objects.filter(
            kind=NotificationKind.FLAG_RAISED, created_at=moment, object_type="units.unit"
        )
        seen, wrong = set(), []
        for unit_id, said in notices.values_list("object_id", "params__open").order_by("object_id"):
            if unit_id in seen:
                continue
            seen.add(unit_id)
            page = open_flag_totals(RedFlag.objects.filter(unit_id=int(unit_id)))
            shown = {"total": page["total"], "kinds": [[k, n] for k, n in page.items() if k != "total" and n]}
            if said != shown:
                wrong.append(unit_id)
        self.stdout.write(f"thông báo tổng hợp của {len(seen)} đơn vị, {len(wrong)} lệch với trang cảnh báo")
        problems = []
        if picture["per_flagged"] > MAX_PER_FLAGGED:
            problems.append(f"{picture['per_flagged']} cảnh báo mở mỗi nhiệm vụ (tối đa {MAX_PER_FLAGGED})")
        if picture["overdue_and_lagging"]:
            problems.append(f"{picture['overdue_and_lagging']} nhiệm vụ vừa quá hạn vừa chậm tiến độ")
        if wrong:
            problems.append(f"thông báo lệch với trang cảnh báo: đơn vị {', '.join(wrong)}")
        if problems:
            raise CommandError("; ".join(problems))
