from django.core.management.base import BaseCommand, CommandError

from ops.dbroles import RoleError, as_owner


class Command(BaseCommand):
    help = (
        "Tạo (nếu chưa có) và cấp quyền cho vai trò cơ sở dữ liệu của cổng (DATABASE_URL), "
        "chạy bằng vai trò sở hữu (DATABASE_OWNER_URL). migrate và restore tự làm việc này."
    )

    def handle(self, *args, **options):
        try:
            with as_owner() as portal:
                if portal is None:
                    raise CommandError(
                        "Chưa đặt DATABASE_OWNER_URL (PostgreSQL): cổng đang chạy bằng vai trò sở hữu."
                    )
        except RoleError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Đã cấp quyền cho vai trò {portal['USER']}."))
