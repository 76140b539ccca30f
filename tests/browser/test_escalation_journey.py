"""Acknowledge, remediate, escalate, in a real browser: the unit head acknowledges one overdue flag
with a remediation plan; time moves on (the escalation job run with an explicit now); the leader's
dashboard shows the other flag under "Cần lãnh đạo quyết định"; the secretariat drafts the reminder
letter from it and downloads the PDF, which is checked against the Decree 30 format."""

import datetime
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from kpis.flags import RedFlag
from kpis.remediation import FlagAcknowledgement
from kpis.services.remediation import flags_escalate
from kpis.sweep import sweep
from tests.factories import (
    AssignmentFactory,
    GeneralTaskFactory,
    PlanFactory,
    SectionFactory,
    SubTaskFactory,
    UnitFactory,
    UserFactory,
)
from units.models import Role

from .test_journeys import assert_clean

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-thu-nghiem-1"
CHECKER = Path("/work/shared/tools/check_decree30.py")
START = datetime.date(2025, 1, 1)
RAISED = datetime.date(2025, 6, 6)  # a Friday; both deadlines passed


def at(day, hour=12):
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour))


def world():
    unit = UnitFactory(name="Sở Khoa học và Công nghệ")
    plan = PlanFactory(issue_date=START, code="07-KH/BCĐ")
    general = GeneralTaskFactory(section=SectionFactory(plan=plan))
    subtasks = [
        SubTaskFactory(
            general_task=general,
            plan=plan,
            code=code,
            title=title,
            output="Quyết định ban hành",
            start_date=START,
            deadline=datetime.date(2025, 5, 31),
        )
        for code, title in (
            ("2.1", "Xây dựng quy chế quản lý dữ liệu khoa học dùng chung"),
            ("2.2", "Vận hành sàn giao dịch công nghệ của tỉnh"),
        )
    ]
    for subtask in subtasks:
        AssignmentFactory(subtask=subtask, unit=unit)
    sweep(now=at(RAISED))
    users = {
        "head": UserFactory(username="thutruong", unit=unit, roles=[Role.HEAD]),
        "leader": UserFactory(username="lanhdao", unit=None, roles=[Role.LEADERSHIP]),
        "secretary": UserFactory(username="thuongtruc", unit=None, roles=[Role.SECRETARIAT]),
    }
    flags = {
        s.code: RedFlag.objects.get(subtask=s, kind="overdue", resolved_at__isnull=True) for s in subtasks
    }
    return users, flags


def test_acknowledge_escalate_and_the_reminder_letter(journey, tmp_path):
    users, flags = world()

    # 1. The unit head acknowledges the flag of 2.1 with a remediation plan.
    head = journey(name="1-head")
    head.login("thutruong", PASSWORD)
    head.go(_subtask_url(flags["2.1"]))
    head.shot("subtask-flag")
    head.page.click("text=Xác nhận, nêu kế hoạch khắc phục")
    head.page.wait_for_load_state("networkidle")
    head.shot("acknowledge-form")
    finish = timezone.localdate() + datetime.timedelta(days=30)  # the page reads today's date
    head.page.fill("#id_remedy", "Giao Phòng Quản lý khoa học hoàn thiện dự thảo, trình ký trong tháng.")
    head.page.fill("#id_expected_finish", f"{finish:%d/%m/%Y}")
    head.page.click("button:has-text('Xác nhận và gửi kế hoạch')")
    head.page.wait_for_load_state("networkidle")
    head.shot("acknowledged")
    body = head.page.inner_text("body")
    assert "Giao Phòng Quản lý khoa học hoàn thiện dự thảo" in body and f"{finish:%d/%m/%Y}" in body
    assert FlagAcknowledgement.objects.get().flag == flags["2.1"]

    # 2. Time moves on: the sweep job escalates what nobody acknowledged (2.2 only).
    escalated = flags_escalate(now=at(datetime.date(2025, 6, 20)))
    assert [e.flag_id for e in escalated] == [flags["2.2"].pk]

    # 3. The leader's dashboard asks for a decision on 2.2.
    leader = journey(name="2-leader")
    leader.login("lanhdao", PASSWORD)
    leader.go(reverse("reports:dashboard"))
    leader.shot("dashboard-decisions")
    decisions = leader.page.inner_text("#decisions")
    assert "Cần lãnh đạo quyết định" in decisions and "2.2" in decisions and "2.1." not in decisions

    # 4. The secretariat drafts the reminder letter from the escalated flag and downloads it.
    secretary = journey(name="3-secretary")
    secretary.login("thuongtruc", PASSWORD)
    secretary.go(reverse("reports:dashboard"))
    secretary.page.click("#decisions >> text=Soạn công văn đôn đốc")
    secretary.page.wait_for_load_state("networkidle")
    secretary.shot("letter-form")
    secretary.page.fill("#id_number", "15")
    secretary.page.fill("#id_signer_name", "Nguyễn Văn An")
    secretary.page.click("button:has-text('Tạo công văn (PDF) và lưu trữ')")
    secretary.page.wait_for_load_state("networkidle")
    secretary.shot("letter-archived")
    with secretary.page.expect_download() as download:
        secretary.page.click("text=Tải công văn (PDF)")
    pdf = tmp_path / "cong-van.pdf"
    download.value.save_as(pdf)
    assert download.value.suggested_filename.startswith("Công văn đôn đốc số 15")
    out = subprocess.run([sys.executable, str(CHECKER), str(pdf)], capture_output=True, text=True).stdout
    failed = [line for line in out.splitlines() if line.startswith("FAIL")]
    assert failed == ["FAIL  document type 'BÁO CÁO': bold, 13–14 pt: missing"], out
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf), str(secretary.folder / "letter")]
    )
    assert_clean(head, leader, secretary)


def _subtask_url(flag) -> str:
    return reverse("tasks:subtask_detail", args=[flag.subtask_id])
