"""Amendments (issue 21, item 3): re-importing an amended appendix into a plan in force records the
amendment — its document, date and what it changed — keeps how each changed sub-task read before,
closes (never deletes) the sub-tasks it removes, and the plan and sub-task pages show it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kpis.models import Period, PeriodKind, ProgressReport
from tasks.importing import read_and_resolve
from tasks.models import Amendment, Assignment, Plan, SubTask, SubTaskVersion
from tasks.selectors import lead_assignments_as_of, subtask_versions, subtasks_as_of
from tasks.services import AmendmentRequired, plan_import_apply
from tests.factories import UserFactory
from units.models import Role

from ._import_helpers import load_registry, small_rows, write_xlsx

pytestmark = pytest.mark.django_db

BEFORE = timezone.make_aware(datetime.datetime(2025, 12, 10, 9, 0))
AMENDED_AT = timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 0))
SCIENCE, FINANCE, JUSTICE = "Sở Khoa học và Công nghệ", "Sở Tài chính", "Sở Tư pháp"


def _data(tmp_path, rows, name):
    return read_and_resolve(write_xlsx(tmp_path / name, rows))


def _plan_in_force(tmp_path):
    load_registry()
    plan, _ = plan_import_apply(
        plan_data=_data(tmp_path, small_rows(), "v1.xlsx"), actor=None, title="Kế hoạch thử", now=BEFORE
    )
    Plan.objects.filter(pk=plan.pk).update(status="in_force", issue_date=datetime.date(2025, 11, 1))
    plan.refresh_from_db()
    return plan


def _amended_rows():
    """1.1: deadline moved and Justice added as a lead; 1.2 removed; 1.3 added."""
    rows = small_rows(deadline="31/03/2026", lead=f"{SCIENCE}, {JUSTICE}")[:2]
    rows.append([None, "1.3 Tiểu nhiệm vụ mới", "Kế hoạch", "02 hội nghị", JUSTICE, "", "30/06/2026"])
    return rows


def _report_on(assignment, plan):
    period = Period.objects.create(
        plan=plan,
        kind=PeriodKind.MONTHLY,
        start=datetime.date(2025, 11, 1),
        end=datetime.date(2025, 11, 30),
        cutoff=datetime.date(2025, 11, 20),
        due_date=datetime.date(2025, 11, 20),
    )
    author = UserFactory(unit=assignment.unit, roles=[Role.STAFF])
    return ProgressReport.objects.create(
        assignment=assignment,
        period=period,
        version=1,
        status="submitted",
        completion=40,
        created_by=author,
        created_at=BEFORE,
        updated_at=BEFORE,
        submitted_by=author,
        submitted_at=BEFORE,
    )


def _amend(tmp_path, plan, rows=None, number="15/KH-BCĐ", date=datetime.date(2026, 2, 27), now=AMENDED_AT):
    return plan_import_apply(
        plan_data=_data(tmp_path, rows or _amended_rows(), f"v-{number.replace('/', '-')}.xlsx"),
        plan=plan,
        actor=None,
        source_name="phu-luc-sua-doi.xlsx",
        amendment_number=number,
        amendment_date=date,
        now=now,
    )


def test_a_plan_in_force_is_not_rewritten_without_the_amending_document(tmp_path):
    plan = _plan_in_force(tmp_path)
    with pytest.raises(AmendmentRequired, match="số và ngày của văn bản"):
        plan_import_apply(plan_data=_data(tmp_path, _amended_rows(), "v2.xlsx"), plan=plan, actor=None)
    assert SubTask.objects.get(plan=plan, code="1.1").deadline == datetime.date(2025, 12, 31)
    assert not SubTask.objects.filter(code="1.3").exists()
    assert not Amendment.objects.exists()
    # The same workbook again changes nothing: no document is asked, no amendment recorded.
    plan_import_apply(plan_data=_data(tmp_path, small_rows(), "v1b.xlsx"), plan=plan, actor=None)
    assert not Amendment.objects.exists()


def test_a_draft_is_corrected_in_place_without_an_amendment(tmp_path):
    load_registry()
    plan, _ = plan_import_apply(plan_data=_data(tmp_path, small_rows(), "v1.xlsx"), actor=None, now=BEFORE)
    plan_import_apply(plan_data=_data(tmp_path, _amended_rows(), "v2.xlsx"), plan=plan, actor=None)
    assert not Amendment.objects.exists() and not SubTaskVersion.objects.exists()
    assert SubTask.objects.get(plan=plan, code="1.2").closed_at is not None


def test_an_amendment_is_recorded_with_what_it_changed(tmp_path):
    plan = _plan_in_force(tmp_path)
    removed = SubTask.objects.get(plan=plan, code="1.2")
    report = _report_on(Assignment.objects.get(subtask=removed, role="lead"), plan)

    _amend(tmp_path, plan)

    amendment = Amendment.objects.get()
    assert (amendment.plan, amendment.sequence, amendment.number) == (plan, 1, "15/KH-BCĐ")
    assert amendment.date == datetime.date(2026, 2, 27) and amendment.recorded_at == AMENDED_AT
    assert amendment.subtask_counts == {"create": 1, "change": 1, "retire": 1}
    changed = next(c for c in amendment.changes if c["code"] == "1.1")
    assert ["Thời hạn", "31/12/2025", "31/03/2026"] in changed["fields"]
    assert f"{JUSTICE}: giao mới (chủ trì)" in changed["moves"]
    # Removed: closed by the amendment, not deleted; its report stays.
    removed.refresh_from_db()
    assert removed.closed_at == AMENDED_AT and removed.closed_by == amendment
    assert not Assignment.objects.filter(subtask=removed).exists()
    assert ProgressReport.objects.filter(pk=report.pk).exists()
    # The same amended workbook again: nothing to change, no second amendment.
    _amend(tmp_path, plan, number="16/KH-BCĐ")
    assert Amendment.objects.count() == 1


def test_a_second_amendment_is_numbered_after_the_first_and_a_removed_sub_task_can_come_back(tmp_path):
    plan = _plan_in_force(tmp_path)
    _amend(tmp_path, plan)
    _amend(
        tmp_path, plan, rows=small_rows(), number="20/KH-BCĐ", now=AMENDED_AT + datetime.timedelta(days=30)
    )
    assert list(plan.amendments.values_list("sequence", "number")) == [(1, "15/KH-BCĐ"), (2, "20/KH-BCĐ")]
    back = SubTask.objects.get(plan=plan, code="1.2")
    assert back.closed_at is None and back.closed_by is None
    assert Assignment.objects.filter(subtask=back, role="lead").exists()


def test_a_sub_task_reads_as_it_did_in_each_version(tmp_path):
    plan = _plan_in_force(tmp_path)
    sub = SubTask.objects.get(plan=plan, code="1.1")
    _amend(tmp_path, plan)
    _amend(
        tmp_path,
        plan,
        rows=small_rows(deadline="30/06/2026", lead=FINANCE),
        number="20/KH-BCĐ",
        now=AMENDED_AT + datetime.timedelta(days=30),
    )
    versions = subtask_versions(subtask=SubTask.objects.get(pk=sub.pk))
    assert [v["facts"]["deadline_text"] for v in versions] == ["31/12/2025", "31/03/2026", "30/06/2026"]
    assert [v["facts"]["lead_names"] for v in versions] == [[SCIENCE], [SCIENCE, JUSTICE], [FINANCE]]
    assert [v["since"] and v["since"].sequence for v in versions] == [None, 1, 2]
    assert [v["until"] and v["until"].sequence for v in versions] == [1, 2, None]
    added = SubTask.objects.get(plan=plan, code="1.3")  # added by the first, removed by the second
    assert [v["facts"]["closed"] for v in subtask_versions(subtask=added)] == [False, True]


def test_the_plan_as_it_stood_before_and_after_an_amendment(tmp_path):
    plan = _plan_in_force(tmp_path)
    _amend(tmp_path, plan)
    subs = {s.code: s.pk for s in SubTask.objects.filter(plan=plan)}
    just_before = AMENDED_AT - datetime.timedelta(seconds=1)

    def leads(at):
        return sorted(
            (code, Assignment.all_objects.get(pk=a.assignment_id).unit.name)
            for a in lead_assignments_as_of(plan_ids=[plan.pk], at=at)
            for code, pk in subs.items()
            if pk == a.subtask_id
        )

    assert leads(just_before) == [("1.1", SCIENCE), ("1.2", SCIENCE)]
    assert leads(AMENDED_AT) == [("1.1", SCIENCE), ("1.1", JUSTICE), ("1.3", JUSTICE)]
    then = subtasks_as_of(ids=subs.values(), at=just_before)
    assert set(then) == {subs["1.1"], subs["1.2"]}  # 1.3 did not exist yet
    assert then[subs["1.1"]]["deadline"] == "2025-12-31" and not then[subs["1.2"]]["closed"]
    now = subtasks_as_of(ids=subs.values(), at=AMENDED_AT)
    assert now[subs["1.1"]]["deadline"] == "2026-03-31" and now[subs["1.2"]]["closed"]


def test_the_plan_page_lists_its_amendments_and_a_sub_task_page_its_versions(tmp_path, client):
    plan = _plan_in_force(tmp_path)
    _amend(tmp_path, plan)
    client.force_login(UserFactory(roles=[Role.SECRETARIAT], unit=None))
    page = client.get(reverse("tasks:plan_detail", args=[plan.pk])).content.decode()
    assert "Sửa đổi, bổ sung" in page and "văn bản số 15/KH-BCĐ ngày 27/02/2026" in page
    assert "1 tiểu nhiệm vụ thêm, 1 sửa, 1 bãi bỏ" in page
    assert "Đã bãi bỏ theo văn bản số 15/KH-BCĐ" in page
    sub = SubTask.objects.get(plan=plan, code="1.1")
    page = client.get(reverse("tasks:subtask_detail", args=[sub.pk])).content.decode()
    assert "Các phiên bản theo sửa đổi, bổ sung" in page
    assert "Bản ban hành" in page and "Theo sửa đổi lần 1 (số 15/KH-BCĐ ngày 27/02/2026)" in page
    assert "31/12/2025" in page and "31/03/2026" in page


def test_the_amending_document_is_validated(tmp_path):
    plan = _plan_in_force(tmp_path)
    with pytest.raises(ValidationError):
        _amend(tmp_path, plan, number="x" * 101)
    assert not Amendment.objects.exists()
    assert SubTask.objects.get(plan=plan, code="1.1").deadline == datetime.date(2025, 12, 31)


def _upload(client, path, plan):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with open(path, "rb") as handle:
        upload = SimpleUploadedFile(
            path.name,
            handle.read(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response = client.post(reverse("tasks:import_plan"), {"file": upload, "plan": plan.pk})
    return response["Location"].rstrip("/").rsplit("/", 1)[-1]


def test_the_preview_asks_for_the_amending_document_and_keeps_what_was_typed(tmp_path, client):
    plan = _plan_in_force(tmp_path)
    client.force_login(UserFactory(roles=[Role.SECRETARIAT], unit=None))
    token = _upload(client, write_xlsx(tmp_path / "sua.xlsx", _amended_rows()), plan)
    page = client.get(reverse("tasks:import_preview", args=[token])).content.decode()
    assert "Văn bản sửa đổi, bổ sung" in page and "lần sửa đổi thứ 1" in page

    response = client.post(reverse("tasks:import_apply", args=[token]), {"amendment-number": "15/KH-BCĐ"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Hãy ghi ngày của văn bản sửa đổi, bổ sung." in page and 'value="15/KH-BCĐ"' in page
    assert not Amendment.objects.exists()
    assert SubTask.objects.get(plan=plan, code="1.1").deadline == datetime.date(2025, 12, 31)

    response = client.post(
        reverse("tasks:import_apply", args=[token]),
        {"amendment-number": "15/KH-BCĐ", "amendment-date": "31/02/2026"},
    )
    assert response.status_code == 400 and "Ngày 31/02/2026 không tồn tại" in response.content.decode()

    response = client.post(
        reverse("tasks:import_apply", args=[token]),
        {"amendment-number": "15/KH-BCĐ", "amendment-date": "27/02/2026"},
        follow=True,
    )
    assert (
        "Đã ghi nhận sửa đổi, bổ sung lần 1: văn bản số 15/KH-BCĐ ngày 27/02/2026."
        in response.content.decode()
    )
    amendment = Amendment.objects.get()
    assert amendment.source_name == "sua.xlsx" and amendment.recorded_by is not None


def test_the_command_records_an_amendment_and_refuses_without_its_document(tmp_path, capsys):
    from django.core.management import CommandError, call_command

    plan = _plan_in_force(tmp_path)
    Plan.objects.filter(pk=plan.pk).update(code="9-KH/BCĐ")
    path = write_xlsx(tmp_path / "sua.xlsx", _amended_rows())
    with pytest.raises(CommandError, match="--amendment-number"):
        call_command("import_plan", str(path), "--plan-code", "9-KH/BCĐ")
    assert "sửa đổi, bổ sung lần 1" in capsys.readouterr().out
    with pytest.raises(CommandError, match="dd/mm/yyyy"):
        call_command("import_plan", str(path), "--plan-code", "9-KH/BCĐ", "--amendment-date", "2026-02-27")
    call_command(
        "import_plan",
        str(path),
        "--plan-code",
        "9-KH/BCĐ",
        "--amendment-number",
        "15/KH-BCĐ",
        "--amendment-date",
        "27/02/2026",
    )
    assert list(Amendment.objects.values_list("number", "date")) == [
        ("15/KH-BCĐ", datetime.date(2026, 2, 27))
    ]


def test_the_exported_appendix_leaves_out_a_removed_sub_task(tmp_path):
    from tasks.exporting import plan_to_xlsx_bytes

    plan = _plan_in_force(tmp_path)
    _amend(tmp_path, plan)
    path = tmp_path / "export.xlsx"
    path.write_bytes(plan_to_xlsx_bytes(plan))
    codes = [s.code for s in read_and_resolve(path).subtasks]
    assert codes == ["1.1", "1.3"]
    # Re-imported as it is, it changes nothing.
    data = read_and_resolve(path)
    assert plan_import_apply(plan_data=data, plan=plan, actor=None)[1].is_empty


def test_a_removed_sub_task_keeps_its_reports_on_its_page_and_leaves_the_count(tmp_path, client):
    from tasks.selectors import plans_for_user

    plan = _plan_in_force(tmp_path)
    removed = SubTask.objects.get(plan=plan, code="1.2")
    _report_on(Assignment.objects.get(subtask=removed, role="lead"), plan)
    _amend(tmp_path, plan)
    user = UserFactory(roles=[Role.SECRETARIAT], unit=None)
    assert plans_for_user(user=user).get(pk=plan.pk).subtask_count == 2  # 1.1 and 1.3 in force
    client.force_login(user)
    page = client.get(reverse("tasks:subtask_detail", args=[removed.pk])).content.decode()
    assert "đã được bãi bỏ theo văn bản số 15/KH-BCĐ" in page
    assert "chưa khớp danh mục đơn vị" not in page
    assert "Chưa có báo cáo nào bạn được xem" not in page and "40" in page
