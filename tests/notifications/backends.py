"""A mail server that refuses the first message it is given, then works (locmem behind it)."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class FailsOnceBackend(EmailBackend):
    failures_left = 1

    def send_messages(self, messages):
        if FailsOnceBackend.failures_left > 0:
            FailsOnceBackend.failures_left -= 1
            raise smtplib.SMTPServerDisconnected("Máy chủ thư tạm ngừng")
        return super().send_messages(messages)
