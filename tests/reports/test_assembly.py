"""The figures of a report are those of the rows as of the cut-off, counted here independently
with plain ORM filters, and do not move when the data changes afterwards."""

import datetime

import pytest
from django.db.models import Exists, F, OuterRef

from evidence.models import Decision, Evidence, Review
from kpis.flags import FlagKind, RedFlag
from kpis.models import ProgressReport, ReportStatus
from reports.assembly import assemble, build_document, default_narrative, inputs_sha256, resolve_scope
from tasks.models import Assignment, AssignmentRole

from .world import EXPECTED, at, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


def independent_counts(world, unit=None) -> dict:
    """Counted from the history rows with ORM filters, without the assembly's code."""
    scope = resolve_scope(kind="quarterly", period=world.quarter)
    T = scope.cutoff_at
    leads = Assignment.objects.filter(role=AssignmentRole.LEAD, subtask__plan=world.plan)
    if unit is not None:
        leads = leads.filter(unit=unit)
    sent = ProgressReport.objects.filter(
        assignment=OuterRef("pk"), status=ReportStatus.SUBMITTED, submitted_at__lte=T
    )
    claims = sent.filter(is_claim=True)
    # the last decision: no claim sent after it
    last_review = Review.objects.filter(assignment=OuterRef("pk"), decided_at__lte=T).exclude(
        Exists(ProgressReport.objects.filter(assignment=OuterRef("assignment"), is_claim=True,
                                             status=ReportStatus.SUBMITTED, submitted_at__lte=T,
                                             submitted_at__gt=OuterRef("decided_at")))
    )  # fmt: skip
    approved = leads.filter(Exists(last_review.filter(decision=Decision.APPROVED)))
    returned = leads.filter(Exists(last_review.filter(decision=Decision.RETURNED)))
    # a claim not decided by the cut-off and not taken back by an ordinary report after it
    undecided_claim = claims.exclude(Exists(Review.objects.filter(report=OuterRef("pk"), decided_at__lte=T))).exclude(
        Exists(ProgressReport.objects.filter(assignment=OuterRef("assignment"), is_claim=False,
                                             status=ReportStatus.SUBMITTED, submitted_at__lte=T,
                                             submitted_at__gt=OuterRef("submitted_at")))
    )  # fmt: skip
    awaiting = leads.filter(Exists(undecided_claim)).exclude(pk__in=approved).exclude(pk__in=returned)
    decided = leads.filter(Exists(last_review))
    in_progress = leads.filter(Exists(sent)).exclude(pk__in=decided).exclude(pk__in=awaiting)
    on_time = approved.filter(
        Exists(
            Review.objects.filter(
                assignment=OuterRef("pk"),
                decided_at__lte=T,
                decision=Decision.APPROVED,
                report__submitted_at__date__lte=F("assignment__subtask__deadline"),
            )
        )
    )
    overdue = leads.filter(subtask__deadline__lt=scope.cutoff).exclude(pk__in=approved)
    return {
        "total": leads.count(),
        "completed_on_time": on_time.count(),
        "completed_late": approved.count() - on_time.count(),
        "awaiting_review": awaiting.count(),
        "in_progress": in_progress.count(),
        "not_started": leads.exclude(Exists(sent)).count(),
        "returned": returned.count(),
        "overdue": overdue.count(),
    }


def test_it_counts_each_state_as_of_the_cutoff(world):
    inputs = assemble(resolve_scope(kind="quarterly", period=world.quarter))
    counts = independent_counts(world)
    assert counts == EXPECTED
    assert {k: inputs["totals"][k] for k in counts} == counts
    assert inputs["totals"]["subtasks"] == 5


def test_by_section_and_by_unit_add_up_to_the_independent_counts(world):
    inputs = assemble(resolve_scope(kind="quarterly", period=world.quarter))
    for unit_key in ("A", "B", "C", "X1", "X2"):
        unit = world.units[unit_key]
        row = next(r for r in inputs["by_unit"] if r["label"] == unit.name)
        assert {k: row[k] for k in EXPECTED} == independent_counts(world, unit)
    for key in EXPECTED:
        assert sum(r[key] for r in inputs["by_section"]) == inputs["totals"][key]
    assert [r["label"] for r in inputs["by_section"]] == ["I. Về chuyển đổi số", "II. Về khoa học, công nghệ"]


def test_flags_stand_as_their_rules_do_at_the_cutoff(world):
    """Flags open at the cut-off, read against the status rebuilt for it: overdue and returned where
    Bảng 1 counts them (a3 awaits review past its deadline, with no flag raised yet; a6 was returned),
    the resolved lagging and the later no-report flags not at all."""
    scope = resolve_scope(kind="quarterly", period=world.quarter)
    inputs = assemble(scope)
    assert inputs["flags"]["by_kind"] == {"overdue": 2, "lagging": 0, "quality": 1, "no_report": 0}
    assert inputs["flags"]["by_kind"]["overdue"] == inputs["totals"]["overdue"] == EXPECTED["overdue"]
    assert sorted(i["code"] for i in inputs["flags"]["items"]) == ["1.2", "1.2", "2.1"]
    # the day count as of the cut-off (20/12), not as raised on 11/12 ("Quá hạn 1 ngày")
    a4 = next(i for i in inputs["flags"]["items"] if i["unit"] == "Sở Gamma" and i["code"] == "1.2")
    assert a4["messages"] == ["Quá hạn 10 ngày (thời hạn 10/12/2025), chưa hoàn thành."]


def test_a_flag_the_sweep_left_open_does_not_outlive_its_rule(world):
    """An overdue flag still open on a task approved before the cut-off, a lagging flag beside an
    overdue one: neither is counted (the sweep had not run since)."""
    a2, a4 = world.assignments["a2"], world.assignments["a4"]
    for assignment, kind in ((a2, FlagKind.OVERDUE), (a4, FlagKind.LAGGING)):
        RedFlag.objects.create(kind=kind, assignment=assignment, subtask=assignment.subtask, unit=assignment.unit,
                               message_vi="cũ", raised_at=at(2025, 12, 1))  # fmt: skip
    inputs = assemble(resolve_scope(kind="quarterly", period=world.quarter))
    assert inputs["flags"]["by_kind"] == {"overdue": 2, "lagging": 0, "quality": 1, "no_report": 0}
    assert all(i["kinds"] != ["overdue", "lagging"] for i in inputs["flags"]["items"])


def test_part_two_agrees_with_table_one_when_the_sweep_ran_after_the_cutoff(world):
    """The browser journey's month: the clock moved past the cut-off and the sweep ran then, so no
    flag was raised by the cut-off. Part II must not say there was none beside Bảng 1's overdue
    count: its sentence, Bảng 3 and Bảng 1 give the same figure."""
    RedFlag.objects.filter(subtask__plan=world.plan).update(raised_at=at(2026, 1, 3))
    inputs = assemble(resolve_scope(kind="quarterly", period=world.quarter))
    header = {
        "parent_body": "UBND TỈNH ĐỒNG NAI", "issuing_body": "BAN CHỈ ĐẠO", "symbol": "BC-BCĐ", "place": "Đồng Nai",
        "date": "2026-01-05", "title": "Tình hình thực hiện", "recipients": ["UBND tỉnh"], "distribution": ["Lưu: VT"],
        "authority": ["TM. BAN CHỈ ĐẠO"], "signer_title": "TRƯỞNG BAN", "signer_name": "Nguyễn Văn A",
    }  # fmt: skip
    doc = build_document(inputs, header, default_narrative(inputs))
    table_one = doc.sections[0].blocks[2]
    overdue = table_one.total[table_one.columns.index("Quá hạn")]
    assert overdue == 2
    part_two = doc.sections[1].blocks
    sentence, table_three = part_two[1].text, part_two[2]
    assert "chưa có cảnh báo" not in sentence and "không có cảnh báo" not in sentence
    assert (
        "có 2 tiểu nhiệm vụ (3 lượt giao chủ trì) đang bị cảnh báo đỏ: quá hạn 2, bị trả lại 1." in sentence
    )
    assert dict(table_three.rows)["Quá hạn"] == overdue
    assert table_three.total[1] == 3


def test_appendix_rows_carry_status_completion_evidence_and_flags(world):
    scope = resolve_scope(kind="quarterly", period=world.quarter)
    inputs = assemble(scope)
    rows = {(r["code"], r["lead_unit"]): r for s in inputs["appendix"] for r in s["rows"]}
    a1 = rows[("1.1", "Sở Alpha")]
    assert a1["status"] == "Hoàn thành đúng hạn" and a1["completion"] == "100.0"
    assert a1["evidence"] == Evidence.objects.filter(report__assignment=world.assignments["a1"]).count() == 2
    assert rows[("1.1", "Sở Beta")]["status"] == "Hoàn thành trễ hạn"
    assert rows[("1.2", "Sở Alpha")]["status"] == "Chờ thẩm định"
    assert rows[("1.2", "Sở Gamma")]["flags"] == ["Quá hạn"]
    assert rows[("2.1", "Sở Gamma")]["status"] == "Chờ hoàn thiện"
    assert rows[("2.1", "Sở Gamma")]["completion"] == "80.0"
    # the group's two communes roll up in one row: one in progress at 30 % (the 60 % came later), one not started
    group = rows[("2.2", "UBND cấp xã (2 đơn vị)")]
    assert group["status"] == "Đang thực hiện (0/2 hoàn thành)" and group["completion"] == "15.0"
    assert sum(len(s["rows"]) for s in inputs["appendix"]) == 8


def test_the_next_period_lists_what_falls_due_in_it(world):
    inputs = assemble(resolve_scope(kind="quarterly", period=world.quarter))
    assert [i["code"] for i in inputs["next_period"]["items"]] == ["2.1", "2.3"]
    monthly = assemble(resolve_scope(kind="monthly", period=world.month))
    assert [i["code"] for i in monthly["next_period"]["items"]] == ["2.1"]
    # section III names each with the plan's words, its own full stop not doubled before the dash
    item = monthly["next_period"]["items"][0]
    monthly["next_period"]["items"][0] = {**item, "subtask": item["subtask"].rstrip(".") + "."}
    text = default_narrative(monthly)["next_tasks"]
    assert f"- 2.1 {item['subtask'].rstrip('.')} — " in text and ". —" not in text


def test_units_own_words_come_from_this_periods_latest_version(world):
    inputs = assemble(resolve_scope(kind="monthly", period=world.month))
    assert [i["text"] for i in inputs["proposals"]["items"]] == [
        "Đề nghị gia hạn",
        "@SUM(A1:A3) bổ sung biên chế",
    ]
    # November's difficulty is not December's
    assert [i["text"] for i in inputs["difficulties"]["items"]] == ["+1 cán bộ nghỉ việc"]
    quarter = assemble(resolve_scope(kind="quarterly", period=world.quarter))
    assert "Thiếu kinh phí thực hiện" in [i["text"] for i in quarter["difficulties"]["items"]]


def test_one_unit_report_counts_only_its_assignments(world):
    unit = world.units["A"]
    inputs = assemble(resolve_scope(kind="quarterly", period=world.quarter, unit=unit))
    assert {k: inputs["totals"][k] for k in EXPECTED} == independent_counts(world, unit)
    group = assemble(resolve_scope(kind="quarterly", period=world.quarter, unit=world.units["G"]))
    assert group["totals"]["total"] == 2 and group["totals"]["in_progress"] == 1


def test_changes_after_the_cutoff_change_nothing(world):
    scope = resolve_scope(kind="quarterly", period=world.quarter)
    before = assemble(scope)
    user, reviewer = world.staff, world.reviewer
    a4, a5 = world.assignments["a4"], world.assignments["a5"]
    # after the cut-off: a4 claims and is approved, a5 reports, flags open and close, evidence is added
    r = ProgressReport.objects.create(
        assignment=a4, period=world.month, version=1, status=ReportStatus.SUBMITTED, completion=100, is_claim=True,
        results="Xong", created_by=user, created_at=at(2025, 12, 21), updated_at=at(2025, 12, 21),
        submitted_by=user, submitted_at=at(2025, 12, 21),
    )  # fmt: skip
    Evidence.objects.create(
        report=r, stored_name="evidence/late.pdf", original_name="x.pdf", sha256="f" * 64, size=1,
        content_type="application/pdf", uploaded_by=user, uploaded_at=at(2025, 12, 21),
    )  # fmt: skip
    Review.objects.create(report=r, assignment=a4, reviewer=reviewer, decision=Decision.APPROVED,
                          decided_at=at(2025, 12, 22))  # fmt: skip
    RedFlag.objects.filter(assignment=a4).update(resolved_at=at(2025, 12, 22))
    RedFlag.objects.create(kind=FlagKind.LAGGING, assignment=a5, subtask=a5.subtask, unit=a5.unit,
                           message_vi="mới", raised_at=at(2026, 1, 2))  # fmt: skip
    ProgressReport.objects.create(
        assignment=a5, period=world.month, version=1, status=ReportStatus.SUBMITTED, completion=20,
        created_by=user, created_at=at(2026, 1, 3), updated_at=at(2026, 1, 3), submitted_by=user,
        submitted_at=at(2026, 1, 3),
    )  # fmt: skip
    after = assemble(scope)
    assert after == before
    assert inputs_sha256(after) == inputs_sha256(before)


def test_the_document_prints_the_figures_not_the_narrative(world):
    inputs = assemble(resolve_scope(kind="quarterly", period=world.quarter))
    narrative = default_narrative(inputs)
    assert "(Sở Alpha; 2.3)" in narrative["results"]
    header = {
        "parent_body": "UBND TỈNH ĐỒNG NAI", "issuing_body": "BAN CHỈ ĐẠO", "symbol": "BC-BCĐ", "place": "Đồng Nai",
        "date": "2026-01-05", "title": "Tình hình thực hiện", "recipients": ["UBND tỉnh"], "distribution": ["Lưu: VT"],
        "authority": ["TM. BAN CHỈ ĐẠO"], "signer_title": "TRƯỞNG BAN", "signer_name": "Nguyễn Văn A",
    }  # fmt: skip
    doc = build_document(
        inputs, header, {**narrative, "results": "Đã hoàn thành 999 nhiệm vụ"}, sha256="ab" * 32
    )
    table = doc.sections[0].blocks[2]
    assert table.total == ("Tổng cộng", 9, 1, 1, 1, 3, 2, 1, 2)
    assert doc.cut_off.date() == datetime.date(2025, 12, 20)
    assert doc.appendix.row_count == 8


def test_the_appendix_carries_the_bodys_counts_and_the_number_as_printed(world):
    inputs = assemble(resolve_scope(kind="quarterly", period=world.quarter))
    header = {
        "parent_body": "UBND TỈNH ĐỒNG NAI", "issuing_body": "BAN CHỈ ĐẠO", "number": "5", "symbol": "BC-BCĐ",
        "place": "Đồng Nai", "date": "2026-01-05", "title": "Tình hình thực hiện", "recipients": ["UBND tỉnh"],
        "distribution": ["Lưu: VT"], "authority": [], "signer_title": "TRƯỞNG BAN", "signer_name": "",
    }  # fmt: skip
    doc = build_document(inputs, header, default_narrative(inputs))
    appendix = doc.appendix
    assert (appendix.subtask_count, appendix.assignment_count, appendix.unit_count) == (5, 9, 5)
    assert appendix.row_count == 8
    assert doc.number_line == "Số: 05/BC-BCĐ"
    assert appendix.note.startswith("(Kèm theo Báo cáo số 05/BC-BCĐ ngày 05/01/2026;")  # as the "Số:" line
    blank = build_document(inputs, {**header, "number": ""}, default_narrative(inputs))
    assert blank.appendix.note.startswith(
        "(Kèm theo Báo cáo số \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/BC-BCĐ ngày"
    )


def test_part_two_never_says_none_beside_overdue_tasks():
    """Flags are the sweep's; when none was open at the cut-off, Part II still names the overdue
    count Part I prints, rather than saying there is nothing to report."""
    from reports.assembly.document import flags_sentence

    no_flags = {"assignments": 0, "subtasks": 0, "by_kind": {}}
    said = flags_sentence({"flags": no_flags, "totals": {"overdue": 923}})
    assert "923 lượt giao chủ trì đã quá hạn mà chưa hoàn thành" in said and "không có" not in said
    assert "có 1.034 lượt" in flags_sentence({"flags": no_flags, "totals": {"overdue": 1034}})
    calm = flags_sentence({"flags": no_flags, "totals": {"overdue": 0}})
    assert calm == "Tại thời điểm chốt số liệu không có cảnh báo đỏ nào đang mở."


def test_table_two_lists_units_in_vietnamese_dictionary_order(world):
    # By code point "Điện lực…" would come after every "S…" and "U…"; a reader looks for đ after d.
    world.units["C"].name = "Điện lực Gamma"
    world.units["C"].save(update_fields=["name"])
    inputs = assemble(resolve_scope(kind="quarterly", period=world.quarter))
    assert [r["label"] for r in inputs["by_unit"]] == [
        "Điện lực Gamma",
        "Sở Alpha",
        "Sở Beta",
        "UBND xã Hai",
        "UBND xã Một",
    ]


def test_the_drafted_narrative_fits_the_form_however_long_the_lists(world):
    """A province with hundreds of flagged tasks (the real appendix in its second year): the draft
    the server writes must be one the form and the service accept, each part within the limit, and
    say how many entries it left out."""
    from reports.assembly.document import NARRATIVE_MAX
    from reports.services import clean_narrative

    inputs = assemble(resolve_scope(kind="quarterly", period=world.quarter))
    long_text = "Chưa hoàn thành do thiếu kinh phí và nhân lực thực hiện; " * 12
    late = {
        "code": "5.4", "subtask": "Xây dựng cơ sở dữ liệu chuyên ngành " * 4, "section": "V",
        "section_title": "Dữ liệu", "general_task": "5", "general_task_title": "Cơ sở dữ liệu",
        "deadline": "2025-11-30", "days_late": 51, "pending": 60, "members": 95, "unit_word": "xã, phường",
        "leads": "UBND cấp xã", "kinds": ["overdue"], "flagged": 60, "position": 1,
    }  # fmt: skip
    said = {"text": long_text * 3, "codes": ["2.3"], "by": "Sở Alpha", "units": 1}
    inputs = {
        **inputs,
        "late": [{**late, "general_task": str(n)} for n in range(922)],
        "results_condensed": [{**said, "text": f"{n} {said['text']}"} for n in range(450)],
    }
    narrative = default_narrative(inputs)
    for key, text in narrative.items():
        assert len(text) <= NARRATIVE_MAX, key
    assert clean_narrative(narrative) == narrative
    lines = narrative["shortcomings"].splitlines()
    shown = len(lines) - 2  # the note where the complete list is, and how many more
    assert 0 < shown < 922 and lines[-1].startswith(f"(Còn {922 - shown} nội dung khác")
    lines = narrative["results"].splitlines()
    assert lines[-1].startswith(f"(Còn {450 - (len(lines) - 1)} nội dung khác")
