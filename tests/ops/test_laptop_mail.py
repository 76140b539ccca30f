"""`make run`'s log: one line per e-mail, the message kept in var/mail/, not raw MIME."""

import logging

from django.core import mail
from django.core.mail import get_connection

from ops.checks import NON_DELIVERING_BACKENDS


def test_an_email_is_one_log_line_and_a_file(tmp_path, caplog, settings):
    settings.EMAIL_BACKEND = "nq57portal.mail.OneLineEmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    with caplog.at_level(logging.INFO, logger="nq57portal.mail"):
        mail.send_mail("Nhắc hạn báo cáo tháng 11/2025", "Nội dung dài\n" * 50, "a@x.vn", ["b@y.vn"])
    lines = [r.getMessage() for r in caplog.records if r.name == "nq57portal.mail"]
    assert len(lines) == 1 and lines[0].startswith("Thư tới b@y.vn: Nhắc hạn báo cáo tháng 11/2025")
    assert "Content-Type" not in lines[0]
    (saved,) = (tmp_path / "mail").iterdir()
    assert "Nội dung dài" in saved.read_text() or "Content-Transfer-Encoding" in saved.read_text()


def test_the_laptop_backend_is_the_default_and_never_passes_for_production():
    from nq57portal.settings import base

    assert base.EMAIL_BACKEND == "nq57portal.mail.OneLineEmailBackend"
    assert "nq57portal.mail.OneLineEmailBackend" in NON_DELIVERING_BACKENDS
    assert get_connection("nq57portal.mail.OneLineEmailBackend") is not None
