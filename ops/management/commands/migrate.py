"""`migrate` as the owner of the tables (DATABASE_OWNER_URL), then the portal's role granted its rights.

Without DATABASE_OWNER_URL this is Django's migrate, unchanged."""

from django.core.management.base import CommandError
from django.core.management.commands.migrate import Command as MigrateCommand

from ops.dbroles import RoleError, as_owner


class Command(MigrateCommand):
    def handle(self, *args, **options):
        try:
            with as_owner(options["database"]) as portal:
                super().handle(*args, **options)
        except RoleError as exc:
            raise CommandError(str(exc)) from exc
        if portal and options["verbosity"]:
            self.stdout.write(
                f"Đã cấp quyền cho vai trò {portal['USER']} của cổng (sổ nhật ký: chỉ đọc và ghi thêm)."
            )
