"""Section II as a committee writes it: a group's fan-out folded into one line per sub-task, day
counts as of the cut-off, the units' words condensed, and nothing cut (what does not fit the body
goes complete to the appendix of the same document)."""

import datetime
from types import SimpleNamespace

import pytest

from reports.assembly.document import (
    BODY_LIST_MAX,
    NARRATIVE_MAX,
    _appendix,
    default_narrative,
    late_lines,
    overflow_lists,
)
from reports.assembly.late import attribution, condensed, is_empty_answer, late_line, late_subtasks
from reports.assembly.snapshot import LeadState
from units.models import UnitKind

from .world import build_world

CUTOFF = datetime.date(2026, 1, 20)
DEADLINE = datetime.date(2025, 11, 30)


def _unit(pk, name, kind=UnitKind.COMMUNE):
    return SimpleNamespace(pk=pk, name=name, kind=kind)


def _sub(pk, code, position, deadline=DEADLINE):
    return {
        "pk": pk,
        "code": code,
        "title": f"Rà soát {code}",
        "deadline": deadline,
        "position": position,
        "general_task__code": code.split(".")[0],
        "general_task__title": f"Nhiệm vụ chung {code.split('.')[0]}",
        "general_task__section__code": "I",
        "general_task__section__title": "Hoàn thiện thể chế",
    }


def _fan_out(n_units=95, n_done=35):
    """Sub-task 1.1 given to the group of 95 communes, 35 of them done; one flag raised on
    30/11 whose stored message says "Quá hạn 1 ngày"; sub-task 2.1 of one department, not late."""
    units = {900: _unit(900, "UBND cấp xã", UnitKind.GROUP)}
    states = {}
    for n in range(n_units):
        units[n] = _unit(n, f"Xã {n:03d}")
        states[n] = LeadState(
            assignment_id=n,
            subtask_id=1,
            unit_id=n,
            via_group_id=900,
            status="completed" if n < n_done else "in_progress",
            flags=[] if n < n_done else [("overdue", "Quá hạn 1 ngày (thời hạn 30/11/2025)")],
        )
    units[500] = _unit(500, "Sở Alpha", UnitKind.DEPARTMENT)
    states[1000] = LeadState(assignment_id=1000, subtask_id=2, unit_id=500, via_group_id=None)
    subs = {1: _sub(1, "1.1", 0), 2: _sub(2, "2.1", 1, deadline=datetime.date(2026, 6, 30))}
    grouped = {1: [s for s in states.values() if s.subtask_id == 1], 2: [states[1000]]}
    for state in states.values():  # the deadline in force at the cut-off, as the snapshot sets it
        state.deadline = subs[state.subtask_id]["deadline"]
    return grouped, subs, units


def test_a_groups_fan_out_is_one_line_per_subtask_with_days_as_of_the_cutoff():
    grouped, subs, units = _fan_out()
    items = late_subtasks(grouped, subs, units, CUTOFF, unit_scope=False)
    assert len(items) == 1  # 2.1 is neither late nor flagged
    line = late_line(items[0])
    assert line.startswith("- 1.1 Rà soát 1.1: 60/95 xã, phường chưa hoàn thành, quá hạn 51 ngày")
    assert "(thời hạn 30/11/2025)" in line
    assert "Quá hạn 1 ngày" not in line  # never the message of the day the flag was raised
    # a later cut-off: the same flags, a later count
    later = late_subtasks(grouped, subs, units, datetime.date(2026, 2, 20), unit_scope=False)
    assert "quá hạn 82 ngày" in late_line(later[0])
    # the plan's own full stop is not doubled by the colon
    titled = {**items[0], "subtask": "Hoàn thành ban hành. "}
    assert late_line(titled).startswith("- 1.1 Hoàn thành ban hành: 60/95 xã, phường")


def test_the_most_severe_and_longest_late_come_first_grouped_by_general_task():
    grouped, subs, units = _fan_out()
    # 1.2: one department, late since 31/12 (fewer days than 1.1); 3.1: late since 31/10 (most days)
    units[501] = _unit(501, "Sở Beta", UnitKind.DEPARTMENT)
    subs[3] = _sub(3, "1.2", 2, deadline=datetime.date(2025, 12, 31))
    subs[4] = _sub(4, "3.1", 3, deadline=datetime.date(2025, 10, 31))
    grouped[3] = [
        LeadState(
            assignment_id=2000, subtask_id=3, unit_id=501, via_group_id=None, deadline=subs[3]["deadline"]
        )
    ]
    grouped[4] = [
        LeadState(
            assignment_id=2001, subtask_id=4, unit_id=501, via_group_id=None, deadline=subs[4]["deadline"]
        )
    ]
    items = late_subtasks(grouped, subs, units, CUTOFF, unit_scope=False)
    assert [i["code"] for i in items] == ["3.1", "1.1", "1.2"]
    lines = late_lines({"late": items})
    assert lines[0] == "Mục I. Hoàn thiện thể chế:"
    assert lines[1] == "Nhiệm vụ 1. Nhiệm vụ chung 1:"
    assert lines[2].startswith("- 1.1 ") and lines[3].startswith("- 1.2 Rà soát 1.2: Sở Beta chưa hoàn thành")
    assert lines[4] == "Nhiệm vụ 3. Nhiệm vụ chung 3:"


def test_causes_are_condensed_merged_attributed_and_empty_answers_dropped():
    units = {n: _unit(n, f"Xã {n:03d}") for n in range(14)}
    units[100] = _unit(100, "Sở A", UnitKind.DEPARTMENT)
    units[101] = _unit(101, "Sở B", UnitKind.DEPARTMENT)
    subs = {1: _sub(1, "1.1", 0)}

    def state(unit, text):
        return LeadState(assignment_id=unit, subtask_id=1, unit_id=unit, via_group_id=None, difficulties=text)

    states = [state(n, "Thiếu kinh phí thực hiện.") for n in range(12)]
    states += [state(100, "thiếu  kinh phí thực hiện"), state(101, "Thiếu kinh phí thực hiện")]
    states += [state(12, "Không"), state(13, "không có."), state(13, " - ")]
    items = condensed(states, "difficulties", subs, units)
    assert items == [
        {
            "text": "Thiếu kinh phí thực hiện",
            "codes": ["1.1"],
            "by": "Sở A, Sở B và 12 xã, phường",
            "units": 14,
        }
    ]
    assert is_empty_answer("Không có khó khăn, vướng mắc.") and not is_empty_answer("Không có kinh phí")
    assert attribution([units[100], units[1]]) == "Sở A và Xã 001"


@pytest.mark.django_db
def test_nothing_is_cut_what_does_not_fit_the_body_goes_complete_to_the_appendix():
    from reports.assembly import assemble, resolve_scope

    world = build_world()
    inputs = assemble(resolve_scope(kind="quarterly", period=world.quarter))
    late = [
        {
            "code": f"{n // 20 + 1}.{n % 20 + 1}",
            "subtask": "Xây dựng cơ sở dữ liệu chuyên ngành " * 3,
            "section": "I",
            "section_title": "Thể chế",
            "general_task": str(n // 20 + 1),
            "general_task_title": "Nhiệm vụ chung",
            "deadline": "2025-11-30",
            "days_late": 51,
            "pending": 60,
            "members": 95,
            "unit_word": "xã, phường",
            "leads": "UBND cấp xã",
            "kinds": ["overdue"],
            "flagged": 60,
            "position": n,
        }
        for n in range(900)
    ]
    cause = {"text": "Chưa hoàn thành do thiếu kinh phí " * 6, "codes": ["1.1"], "by": "Sở A", "units": 1}
    inputs = {
        **inputs,
        "late": late,
        "causes": [{**cause, "text": f"{n} {cause['text']}"} for n in range(400)],
    }
    narrative = default_narrative(inputs)
    for key, text in narrative.items():
        assert len(text) <= NARRATIVE_MAX, key
    assert len(narrative["shortcomings"]) <= BODY_LIST_MAX + 200
    assert "Phụ lục, mục A" in narrative["shortcomings"] and "Excel" not in narrative["shortcomings"]
    assert narrative["causes"].splitlines()[-1].startswith("(Còn ")
    assert "Phụ lục, mục B" in narrative["causes"]
    header = {"date": "2026-01-05", "number": "", "symbol": "BC-BCĐ"}
    appendix = _appendix(inputs, header)
    lists = {a.title[0]: a.lines for a in appendix.lists}
    assert sum(line.startswith("- ") for line in lists["A"]) == 900  # every late sub-task
    assert len(lists["B"]) == 400
    assert set(overflow_lists(inputs)) == {"shortcomings", "causes"}


@pytest.mark.django_db
def test_a_period_whose_cutoff_is_not_over_is_refused_with_the_reason():
    from django.core.exceptions import ValidationError

    from reports.services import report_draft
    from tests.factories import UserFactory
    from units.models import Role

    world = build_world()
    actor = UserFactory(unit=None, roles=[Role.SECRETARIAT])
    # the quarter's cut-off is 20/12/2025: on 07/12 it is refused, from 21/12 it is drafted
    early = datetime.datetime(2025, 12, 7, 9, tzinfo=datetime.UTC)
    with pytest.raises(ValidationError) as refused:
        report_draft(
            kind="quarterly", period=world.quarter, plan=world.plan, unit=None, actor=actor, now=early
        )
    assert "chốt số liệu đến hết ngày 20/12/2025" in str(refused.value)
    assert "từ ngày 21/12/2025" in str(refused.value)
    later = datetime.datetime(2025, 12, 21, 9, tzinfo=datetime.UTC)
    draft = report_draft(
        kind="quarterly", period=world.quarter, plan=world.plan, unit=None, actor=actor, now=later
    )
    assert draft.scope.cutoff == datetime.date(2025, 12, 20)


def test_a_heading_whose_title_ends_in_a_full_stop_takes_no_second_mark():
    """The plan writes some general tasks as sentences ("… “chỉ khai báo thông tin một lần”."): the
    list's heading reads "… một lần”:", not "… một lần”.:"."""
    item = {
        "code": "4.1", "subtask": "Rà soát", "section": "I", "section_title": "Về chuyển đổi số.",
        "general_task": "4", "general_task_title": "Bảo đảm “chỉ khai báo thông tin một lần”. ",
        "deadline": "2026-08-10", "days_late": 3, "pending": 1, "members": 1, "unit_word": "đơn vị",
        "leads": "Sở Alpha", "kinds": [], "flagged": 0, "position": 0,
    }  # fmt: skip
    lines = late_lines({"late": [item]})
    assert lines[:2] == ["Mục I. Về chuyển đổi số:", "Nhiệm vụ 4. Bảo đảm “chỉ khai báo thông tin một lần”:"]
