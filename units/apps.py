from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "units"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.core.validators import ProhibitNullCharactersValidator
        from django.utils.translation import gettext_lazy as _

        from . import signals  # noqa: F401  (connects the sign-in audit receivers)

        # Every text field refuses a NUL byte with this message, which Django's Vietnamese catalogue
        # leaves in English (as units.passwords does for the password length).
        ProhibitNullCharactersValidator.message = _(
            "Nội dung có ký tự không hợp lệ (ký tự NUL); hãy xóa ký tự đó hoặc gõ lại."
        )
