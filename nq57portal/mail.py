"""The laptop's mail: one log line per e-mail, the message itself in var/mail/ to open.

Django's console backend printed every e-mail as raw MIME (hundreds of lines a minute once the
reminders run), burying the real log of `make run`.
"""

import logging
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.filebased import EmailBackend as FileBackend

logger = logging.getLogger("nq57portal.mail")


class OneLineEmailBackend(FileBackend):
    def __init__(self, *args, file_path=None, **kwargs):
        folder = Path(
            file_path or getattr(settings, "EMAIL_FILE_PATH", None) or settings.BASE_DIR / "var" / "mail"
        )
        folder.mkdir(parents=True, exist_ok=True)
        super().__init__(*args, file_path=str(folder), **kwargs)

    def send_messages(self, email_messages):
        sent = super().send_messages(email_messages)
        for message in email_messages or ():
            logger.info(
                "Thư tới %s: %s (lưu ở %s)",
                ", ".join(message.recipients()),
                message.subject,
                self._fname,
            )
        return sent
