"""First run of a deployment: create the first secretariat account from the environment, once."""

import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from units.models import Role, User, UserRole


class Command(BaseCommand):
    help = (
        "Tạo tài khoản Thường trực đầu tiên từ ADMIN_USERNAME / ADMIN_PASSWORD / ADMIN_EMAIL (chỉ một lần)."
    )

    def handle(self, *args, **options):
        username = os.environ.get("ADMIN_USERNAME")
        password = os.environ.get("ADMIN_PASSWORD")
        if not username or not password:
            raise CommandError("Cần đặt ADMIN_USERNAME và ADMIN_PASSWORD.")
        if User.objects.filter(roles__role=Role.SECRETARIAT).exists():
            self.stdout.write("Đã có tài khoản Thường trực: không tạo thêm.")
            return
        email = os.environ.get("ADMIN_EMAIL", "")
        # The same rules as every other password of the portal: the most powerful account is no
        # place for "12345678" or the user name.
        try:
            validate_password(password, user=User(username=username, email=email))
        except ValidationError as error:
            raise CommandError("ADMIN_PASSWORD chưa đạt yêu cầu: " + " ".join(error.messages)) from None
        with transaction.atomic():
            user = User.objects.create_user(username=username, password=password, email=email, is_staff=True)
            UserRole.objects.create(user=user, role=Role.SECRETARIAT)
        self.stdout.write(self.style.SUCCESS(f"Đã tạo tài khoản Thường trực: {username}"))
