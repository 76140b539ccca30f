"""check_evidence re-hashes every stored file: missing, altered and orphaned files are listed and
the command exits non-zero."""

import io
import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from tests.evidence.world import claim, make_world, pdf_upload, png_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def files(no_scanner):
    world = make_world()
    report = claim(world, files=[pdf_upload("Quyết định.pdf"), png_upload("Ảnh.png")])
    return {e.kind: e for e in report.evidence.all()}


def path_of(evidence) -> Path:
    return Path(settings.PRIVATE_ROOT) / evidence.stored_name


def run(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("check_evidence", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


def test_all_good_exits_zero(files):
    code, output = run()
    assert code == 0 and "Đã kiểm tra 2 tệp minh chứng: 0 thiếu, 0 bị sửa, 0 tệp mồ côi." in output


def test_an_altered_file_is_found(files):
    path = path_of(files["pdf"])
    data = bytearray(path.read_bytes())
    data[20] ^= 1  # one bit, same size
    path.write_bytes(bytes(data))
    code, output = run()
    assert code == 1
    assert f"BỊ SỬA  #{files['pdf'].pk} {files['pdf'].stored_name} (Quyết định.pdf)" in output
    assert "0 thiếu, 1 bị sửa, 0 tệp mồ côi" in output


def test_a_missing_file_is_found(files):
    path_of(files["png"]).unlink()
    code, output = run()
    assert code == 1 and f"THIẾU   #{files['png'].pk}" in output and "1 thiếu" in output


def test_an_orphan_is_found_once_it_is_not_a_fresh_upload(files):
    orphan = Path(settings.PRIVATE_ROOT) / "evidence" / "2020" / "01" / "khong-co-ban-ghi"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"stray")
    # Written just now: may be an upload whose row is about to commit. Stamped with the process's
    # clock, the one the command compares with (the file system's may differ, e.g. under faketime).
    now = time.time()
    os.utime(orphan, (now, now))
    assert run()[0] == 0
    assert run("--orphan-grace-minutes", "0")[0] == 1
    hour_ago = time.time() - 3600
    os.utime(orphan, (hour_ago, hour_ago))
    code, output = run()
    assert code == 1 and "MỒ CÔI  evidence/2020/01/khong-co-ban-ghi" in output and "1 tệp mồ côi" in output


def test_files_outside_the_evidence_folder_are_not_its_business(files):
    other = Path(settings.PRIVATE_ROOT) / "reports" / "bao-cao.pdf"
    other.parent.mkdir(parents=True, exist_ok=True)
    other.write_bytes(b"archived report")
    assert run("--orphan-grace-minutes", "0")[0] == 0


def test_the_process_exit_code_is_non_zero(files):
    path_of(files["pdf"]).write_bytes(b"%PDF-1.4 replaced\n%%EOF\n")
    with pytest.raises(SystemExit) as exc:
        execute_from_command_line(["manage.py", "check_evidence"])
    assert exc.value.code == 1
