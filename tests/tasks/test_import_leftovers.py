"""What an import leaves behind and what it may cost: uploads previewed and never applied (or refused
at apply) are removed on a schedule; a cell too long for Excel, or a workbook too large once
unzipped, is refused before openpyxl loads anything."""

import datetime
import os
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nq57portal.celery import app
from tasks.importing import ImportFileError, read_plan_workbook
from tasks.importing.uploads import stale_uploads_purge
from tasks.importing.workbook import files
from tasks.jobs import purge_import_uploads_job
from tests.factories import UserFactory
from units.models import Role

from ._import_helpers import load_registry, small_rows, write_xlsx

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MB = 1024 * 1024
UTC = datetime.UTC
# ASCII: openpyxl writes other letters as character references when lxml is installed (pyHanko brings it).
MARKER = "HUGE-CELL-MARKER"


def _stored():
    folder = Path(settings.PRIVATE_ROOT) / "imports"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _upload(client, path):
    with open(path, "rb") as handle:
        upload = SimpleUploadedFile(path.name, handle.read(), content_type=XLSX)
    return client.post(reverse("tasks:import_plan"), {"file": upload})


def _age_all(when: datetime.datetime):
    for path in (Path(settings.PRIVATE_ROOT) / "imports").iterdir():
        os.utime(path, (when.timestamp(), when.timestamp()))


@pytest.fixture
def secretariat(client):
    load_registry()
    client.force_login(UserFactory(roles=[Role.SECRETARIAT], unit=None))
    return client


# --- leftovers --------------------------------------------------------------------------------


def test_a_preview_left_for_a_day_is_removed_and_a_fresh_one_kept(secretariat, tmp_path, settings):
    settings.IMPORT_UPLOAD_KEEP_HOURS = 24
    left = _upload(secretariat, write_xlsx(tmp_path / "bo-do.xlsx", small_rows()))
    left_token = left["Location"].rstrip("/").rsplit("/", 1)[-1]
    secretariat.get(left["Location"])  # previewed, never applied
    uploaded_at = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    _age_all(uploaded_at)
    fresh = _upload(secretariat, write_xlsx(tmp_path / "moi.xlsx", small_rows()))
    fresh_token = fresh["Location"].rstrip("/").rsplit("/", 1)[-1]
    _age_fresh = uploaded_at + datetime.timedelta(hours=20)
    for suffix in ("xlsx", "json"):
        path = Path(settings.PRIVATE_ROOT) / "imports" / f"{fresh_token}.{suffix}"
        os.utime(path, (_age_fresh.timestamp(), _age_fresh.timestamp()))

    assert stale_uploads_purge(now=uploaded_at + datetime.timedelta(hours=23)) == 0
    assert stale_uploads_purge(now=uploaded_at + datetime.timedelta(hours=25)) == 2

    assert _stored() == [f"{fresh_token}.json", f"{fresh_token}.xlsx"]
    gone = secretariat.get(reverse("tasks:import_preview", args=[left_token]), follow=True)
    assert "đã được áp dụng hoặc đã hết hạn" in gone.content.decode()
    assert stale_uploads_purge(now=uploaded_at + datetime.timedelta(hours=25)) == 0  # idempotent


def test_an_upload_refused_at_apply_is_removed_too(secretariat, tmp_path):
    response = _upload(secretariat, write_xlsx(tmp_path / "sai.xlsx", small_rows(deadline="31/02/2026")))
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert secretariat.post(reverse("tasks:import_apply", args=[token])).status_code == 400
    assert _stored() == [f"{token}.json", f"{token}.xlsx"]  # kept for the preview, for now
    _age_all(datetime.datetime(2026, 3, 2, 8, 0, tzinfo=UTC))

    assert stale_uploads_purge(now=datetime.datetime(2026, 3, 3, 9, 0, tzinfo=UTC)) == 2
    assert _stored() == []


def test_a_file_left_without_its_companion_goes_as_well(settings):
    folder = Path(settings.PRIVATE_ROOT) / "imports"
    folder.mkdir(parents=True)
    (folder / ("a" * 32 + ".xlsx")).write_bytes(b"PK\x03\x04 half saved")
    _age_all(datetime.datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    assert stale_uploads_purge(now=datetime.datetime(2026, 3, 5, tzinfo=UTC)) == 1
    assert _stored() == []


def test_nothing_to_purge_when_nothing_was_ever_uploaded():
    assert stale_uploads_purge(now=datetime.datetime(2026, 3, 5, tzinfo=UTC)) == 0


def test_the_purge_runs_on_the_schedule_hourly(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["tasks.purge_import_uploads"]
    assert entry["task"] == purge_import_uploads_job.name == "tasks.purge_import_uploads"
    assert entry["schedule"] == 3600
    app.loader.import_default_modules()
    assert "tasks.purge_import_uploads" in app.tasks
    assert purge_import_uploads_job.apply().get() == {"removed": 0}


# --- what one cell, and the whole workbook, may hold ---------------------------------------------


SST_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
SST_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def _with_huge_cell(path: Path, chars: int, *, shared: bool = True) -> Path:
    """The small appendix with one more sub-task (cell B7: "1.3 " and `chars` letters),
    written as a stream: the file stays small even for 100 MB of text. Kept in the shared strings
    as Excel does, or inline in the sheet as other tools do."""
    source = write_xlsx(path.with_suffix(".src.xlsx"), [*small_rows(), [None, MARKER]])
    inline_cell = f'<c r="B7" t="inlineStr"><is><t>{MARKER}</t></is></c>'

    def huge(part, head: str, tail: str):
        part.write(head.encode())
        for _ in range(chars // MB):
            part.write(b"A" * MB)
        part.write(b"A" * (chars % MB))
        part.write(tail.encode())

    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in original.infolist():
            text = original.read(info.filename).decode()
            if info.filename == "xl/worksheets/sheet1.xml":
                assert inline_cell in text
                if shared:
                    out.writestr(info.filename, text.replace(inline_cell, '<c r="B7" t="s"><v>0</v></c>'))
                else:
                    head, tail = text.split(MARKER)
                    with out.open(info.filename, "w", force_zip64=True) as part:
                        huge(part, head + "1.3 ", tail)
            elif shared and info.filename == "xl/_rels/workbook.xml.rels":
                rel = f'<Relationship Id="rIdSst" Type="{SST_TYPE}" Target="sharedStrings.xml"/>'
                out.writestr(info.filename, text.replace("</Relationships>", rel + "</Relationships>"))
            elif shared and info.filename == "[Content_Types].xml":
                override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_CONTENT}"/>'
                out.writestr(info.filename, text.replace("</Types>", override + "</Types>"))
            else:
                out.writestr(info, text)
        if shared:
            with out.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
                huge(
                    part,
                    '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
                    'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>1.3 ',
                    "</t></si></sst>",
                )
    return path


def _no_openpyxl(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl must not see this file")

    monkeypatch.setattr(files.openpyxl, "load_workbook", refuse)


CELL_TOO_LONG = (
    "Tệp có một ô chứa hơn 32.767 ký tự, vượt giới hạn cho một ô (Excel cũng chỉ cho tối đa 32.767 ký tự "
    "trong một ô). Hãy rút gọn nội dung ô đó, lưu lại rồi tải lên lại."
)


@pytest.mark.parametrize(
    ("size", "message"),
    [
        (100 * MB, "Tệp giải nén ra 101 MB, vượt giới hạn 50 MB cho một phụ lục."),
        (40 * MB, CELL_TOO_LONG),
    ],
    ids=["100-mb-cell", "40-mb-cell"],
)
def test_a_huge_cell_is_refused_before_openpyxl_loads_it_and_costs_little_memory(
    tmp_path, monkeypatch, size, message
):
    path = _with_huge_cell(tmp_path / "o-khong-lo.xlsx", size)
    assert path.stat().st_size < 1 * MB
    _no_openpyxl(monkeypatch)

    tracemalloc.start()
    try:
        with pytest.raises(ImportFileError) as caught:
            read_plan_workbook(path)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert str(caught.value).startswith(message)
    # Reading the upload reserves IMPORT_MAX_FILE_BYTES (10 MB); the check adds little to that.
    assert peak < 16 * MB, f"peak {peak / MB:.1f} MB"


def test_an_inline_cell_past_the_limit_is_named(tmp_path, monkeypatch):
    path = _with_huge_cell(tmp_path / "o-dai.xlsx", 32_768, shared=False)
    _no_openpyxl(monkeypatch)
    with pytest.raises(ImportFileError, match=r"^Ô B7 chứa hơn 32\.767 ký tự"):
        read_plan_workbook(path)


@pytest.mark.parametrize("shared", [True, False], ids=["shared", "inline"])
def test_a_cell_at_the_limit_is_read(tmp_path, shared):
    plan = read_plan_workbook(_with_huge_cell(tmp_path / "vua.xlsx", 32_767 - len("1.3 "), shared=shared))
    assert not plan.errors
    assert plan.general_tasks[0].subtasks[-1].title == "A" * (32_767 - len("1.3 "))


def test_the_cell_limit_is_a_setting(tmp_path, settings):
    settings.IMPORT_MAX_CELL_CHARS = 1000
    with pytest.raises(ImportFileError, match=r"hơn 1\.000 ký tự"):
        read_plan_workbook(_with_huge_cell(tmp_path / "nho.xlsx", 1001))


def test_a_workbook_too_large_once_unzipped_is_refused(tmp_path, settings, monkeypatch):
    settings.IMPORT_MAX_UNZIPPED_BYTES = 2 * MB
    settings.IMPORT_MAX_CELL_CHARS = 10 * MB
    path = _with_huge_cell(tmp_path / "lon.xlsx", 3 * MB)
    _no_openpyxl(monkeypatch)
    with pytest.raises(ImportFileError) as caught:
        read_plan_workbook(path)
    assert str(caught.value).startswith("Tệp giải nén ra 4 MB, vượt giới hạn 2 MB cho một phụ lục.")


def test_a_workbook_declaring_entities_is_refused(tmp_path, monkeypatch):
    source = write_xlsx(tmp_path / "src.xlsx", small_rows())
    path = tmp_path / "thuc-the.xlsx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w") as out:
        for info in original.infolist():
            data = original.read(info.filename)
            if info.filename == "xl/sharedStrings.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">]>', 1)
            out.writestr(info, data)
    _no_openpyxl(monkeypatch)
    with pytest.raises(ImportFileError, match="bị hỏng hoặc không đúng cấu trúc"):
        read_plan_workbook(path)


def test_the_upload_page_says_so_beside_the_field_and_stores_nothing(secretariat, tmp_path):
    response = _upload(secretariat, _with_huge_cell(tmp_path / "o-khong-lo.xlsx", 40 * MB))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="field has-error"' in html
    assert CELL_TOO_LONG in html
    assert _stored() == []
