from django.core.management.base import BaseCommand, CommandError

from kpis.sweep import parse_now, sweep


class Command(BaseCommand):
    help = "Raise and resolve the red flags now (the same sweep the schedule runs every 15 minutes)."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="pretend it is this date/time (ISO 8601), e.g. 2026-01-15")
        parser.add_argument(
            "--notify", action="store_true", help="also create the notifications of newly raised flags"
        )

    def handle(self, *args, now=None, notify=False, **options):
        try:
            moment = parse_now(now)
        except ValueError as exc:
            raise CommandError(f"--now: không đọc được ngày giờ “{now}” (ví dụ 2026-01-15).") from exc
        result = sweep(now=moment)
        for kind in result.raised:
            self.stdout.write(f"{kind}: +{result.raised[kind]} mới, -{result.resolved[kind]} đã hết")
        if notify:
            from notifications.services import notify_raised_flags

            created = notify_raised_flags(now=moment)
            self.stdout.write(f"notifications: {created}")
        self.stdout.write(self.style.SUCCESS(f"Quét cảnh báo xong ({result.today:%d/%m/%Y})."))
