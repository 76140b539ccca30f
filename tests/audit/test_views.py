"""The secretariat's search of the audit trail, its CSV export and the object history partial."""

import csv
import datetime
import io
import re
from html.parser import HTMLParser

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from audit.exporting import safe_cell
from audit.selectors import history_for
from audit.services import audit_record
from tests.factories import PlanFactory, UnitFactory, UserFactory
from units.models import Role

pytestmark = pytest.mark.django_db
TZ = timezone.get_fixed_timezone(7 * 60)


def at(day, hour=9):
    return datetime.datetime(2026, 3, day, hour, 0, tzinfo=TZ)


@pytest.fixture
def secretariat(client):
    user = UserFactory(roles=[Role.SECRETARIAT], unit=None, username="thuongtruc")
    client.force_login(user)
    return user


@pytest.fixture
def trail():
    tp, yt = UnitFactory(name="Sở Tư pháp"), UnitFactory(name="Sở Y tế")
    a = UserFactory(username="tuphap1", unit=tp)
    b = UserFactory(username="yte1", unit=yt)
    plan = PlanFactory(title="Kế hoạch 07")
    audit_record(actor=a, action="plan.import", obj=plan, now=at(1), ip="10.0.0.1")
    audit_record(actor=b, action="report.submit", obj=plan, changes={"completion": [10, 40]}, now=at(5, 23))
    audit_record(actor=b, action="auth.login", obj=b, now=at(10))
    return {"tp": tp, "yt": yt, "a": a, "b": b, "plan": plan}


def rows(client, **params):
    """The results fragment only (the filter form lists every action and would match too)."""
    return client.get(reverse("audit:event_list"), params, HTTP_HX_REQUEST="true").content.decode()


def test_it_searches_by_user_unit_object_action_and_dates(client, secretariat, trail):
    html = rows(client, actor="tuphap")
    assert "tuphap1" in html and "yte1" not in html
    html = rows(client, unit=trail["yt"].pk)
    assert "yte1" in html and "tuphap1" not in html
    html = rows(client, object_type="tasks.plan", object_id=str(trail["plan"].pk))
    assert "tuphap1" in html and "yte1" in html and "Đăng nhập" not in html
    html = rows(client, action="auth.login")
    assert "yte1" in html and "tuphap1" not in html
    # Dates are local days, dd/mm/yyyy, both ends included: 05/03 23:00 (UTC+7) is on the 5th.
    html = rows(client, date_from="02/03/2026", date_to="05/03/2026")
    assert "05/03/2026 23:00" in html and "tuphap1" not in html and "10/03/2026" not in html


def test_a_bad_date_is_shown_beside_its_field_and_kept(client, secretariat, trail):
    page = lambda **p: client.get(reverse("audit:event_list"), p).content.decode()  # noqa: E731
    html = page(date_from="2026-03-01", date_to="01/02/2026")
    assert 'id="id_date_from_error"' in html and "dd/mm/yyyy" in html
    assert 'value="2026-03-01"' in html
    html = page(date_from="05/03/2026", date_to="01/03/2026")
    assert 'id="id_date_to_error"' in html


class _Element(HTMLParser):
    """The outer HTML of the element with one id (html.parser: no extra dependency)."""

    VOID = {"input", "br", "img", "meta", "link", "hr", "source", "col", "wbr"}

    def __init__(self, element_id):
        super().__init__(convert_charrefs=False)
        self.element_id, self.depth, self.parts = element_id, 0, []

    def handle_starttag(self, tag, attrs):
        if self.depth or dict(attrs).get("id") == self.element_id:
            self.parts.append(self.get_starttag_text())
            if tag not in self.VOID:
                self.depth += 1

    def handle_endtag(self, tag):
        if self.depth:
            self.parts.append(f"</{tag}>")
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def oob_field(html: str, name: str) -> str:
    """The field block an htmx response swaps in beside the results ('' when it sends none)."""
    parser = _Element(f"audit-field-{name}")
    parser.feed(html)
    return "".join(parser.parts)


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("31/02/2026", "Ngày 31/02/2026 không tồn tại. Hãy kiểm tra lại ngày và tháng."),
        ("abc", "Hãy nhập ngày theo dạng dd/mm/yyyy, ví dụ 31/12/2025."),
    ],
)
def test_with_htmx_a_bad_date_comes_back_beside_its_field_and_is_not_applied(
    client, secretariat, trail, typed, error
):
    html = rows(client, date_from=typed)
    field = oob_field(html, "date_from")
    assert 'hx-swap-oob="true"' in field and error in field and f'value="{typed}"' in field
    assert 'id="id_date_from_error"' in field and 'aria-invalid="true"' in field
    # The other fields come back too, without errors (one fixed since the last search loses its own).
    assert 'hx-swap-oob="true"' in oob_field(html, "date_to") and "errorlist" not in oob_field(
        html, "date_to"
    )
    # The list is not filtered by the bad date, and says so.
    assert "Điều kiện ở ô có lỗi chưa được áp dụng" in html
    everything = rows(client)
    count = re.search(r"(\d+) sự kiện", everything).group(0)
    assert "tuphap1" in html and "10/03/2026" in html and count in html


def test_with_htmx_a_reversed_range_is_shown_beside_the_end_date(client, secretariat, trail):
    html = rows(client, date_from="05/03/2026", date_to="01/03/2026")
    field = oob_field(html, "date_to")
    assert "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu." in field and 'value="01/03/2026"' in field
    assert "errorlist" not in oob_field(html, "date_from")
    assert "Điều kiện ở ô có lỗi chưa được áp dụng" in html
    # The start still applies (as on the plan page): the 1st is left out, the 5th and 10th stay.
    assert "tuphap1" not in html and "05/03/2026 23:00" in html and "10/03/2026" in html


def test_with_htmx_good_dates_bring_no_warning(client, secretariat, trail):
    html = rows(client, date_from="02/03/2026", date_to="05/03/2026")
    assert "Điều kiện ở ô có lỗi chưa được áp dụng" not in html and "errorlist" not in html
    assert 'id="audit-field-date_from"' in html  # an error shown before is cleared


def test_a_history_restore_gets_the_whole_page(client, secretariat, trail):
    response = client.get(
        reverse("audit:event_list"),
        {"date_from": "abc"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    assert "<html" in response.content.decode() and "HX-Request" in response["Vary"]


def test_htmx_gets_the_results_only(client, secretariat, trail):
    response = client.get(reverse("audit:event_list"), {"actor": "yte"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="audit-results"' in html and "<html" not in html


def test_the_page_costs_the_same_queries_for_few_and_many(
    client, secretariat, trail, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("audit:event_list"))
    for i in range(40):
        audit_record(actor=UserFactory(unit=UnitFactory()), action="x.y", changes={"n": [i, i + 1]})
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("audit:event_list"))


def test_it_exports_the_filtered_trail_as_formula_safe_csv(client, secretariat, trail):
    audit_record(
        actor=None,
        action="auth.login_failed",
        object_repr='=HYPERLINK("http://x")',
        changes={"username": "@SUM(1)"},
    )
    response = client.get(reverse("audit:event_export"), {"date_from": "01/01/2020"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert table[0][0] == "Thời điểm"
    assert len(table) == 1 + 5  # the trail, the failed login, and the secretariat's own sign-in
    cells = [cell for row in table for cell in row]
    assert '\'=HYPERLINK("http://x")' in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert any(cell == "Sở Tư pháp" for cell in cells)
    filtered = b"".join(
        client.get(reverse("audit:event_export"), {"actor": "tuphap"}).streaming_content
    ).decode()
    assert "tuphap1" in filtered and "yte1" not in filtered


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"])
def test_formula_like_cells_are_neutralised(value):
    assert safe_cell(value) == "'" + value


def test_plain_cells_are_left_alone():
    assert safe_cell("Sở Tư pháp") == "Sở Tư pháp"
    assert safe_cell(None) == ""
    assert safe_cell(12) == "12"


@pytest.mark.parametrize("role", [Role.STAFF, Role.HEAD, Role.REVIEWER, Role.LEADERSHIP])
def test_only_the_secretariat_sees_the_trail(client, trail, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(reverse("audit:event_list")).status_code == 404
    assert client.get(reverse("audit:event_export")).status_code == 404


def test_anonymous_is_sent_to_login(client):
    for name in ("audit:event_list", "audit:event_export"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_history_for_an_object_is_newest_first(trail):
    events = history_for(trail["plan"])
    assert [e.action for e in events] == ["report.submit", "plan.import"]


def test_the_history_partial_renders_before_and_after(trail):
    viewer = UserFactory(roles=[Role.STAFF])
    html = Template("{% load audit_tags %}{% audit_history plan %}").render(
        Context({"plan": trail["plan"], "user": viewer})
    )
    assert "Lịch sử thay đổi" in html
    assert "<del>10</del>" in html and "<ins>40</ins>" in html
    assert "10.0.0.1" not in html  # addresses are for the secretariat's eyes
    boss = UserFactory(roles=[Role.SECRETARIAT])
    html = Template("{% load audit_tags %}{% audit_history plan %}").render(
        Context({"plan": trail["plan"], "user": boss})
    )
    assert "10.0.0.1" in html


def test_domain_actions_fields_and_statuses_read_in_words(client, secretariat, trail):
    audit_record(
        actor=trail["b"],
        action="claim.approve",
        obj=trail["plan"],
        changes={"status": ["awaiting_review", "completed"], "on_time": True},
        now=at(6),
    )
    html = client.get(reverse("audit:event_list")).content.decode()
    assert (
        "Gửi báo cáo tiến độ" in html and "Nhập phụ lục kế hoạch" in html and "Công nhận hoàn thành" in html
    )
    assert "report.submit" not in html.split("<tbody", 1)[1]
    assert "Tỷ lệ hoàn thành" in html and "Chờ thẩm định" in html and "Đúng hạn" in html
    assert "awaiting_review" not in html.split("<tbody", 1)[1]


def test_the_filter_choices_come_from_the_code_not_from_the_trail(client, secretariat, trail):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("audit:event_list"))
    form = response.context["form"]
    sql = " ".join(q["sql"].upper() for q in ctx.captured_queries)
    assert "DISTINCT" not in sql  # no scan of a million events for the two lists
    actions = dict(form.fields["action"].choices)
    assert (
        actions["claim.return"] == "Trả lại đề nghị hoàn thành" and "period.lock" in actions
    )  # none recorded yet
    types = dict(form.fields["object_type"].choices)
    assert "tasks.plan" in types and "kpis.progressreport" in types and "audit.auditevent" in types
    # An action without a name here (another app's) still filters when a link asks for it.
    audit_record(actor=trail["a"], action="x.unnamed", obj=trail["plan"], now=at(12))
    html = rows(client, action="x.unnamed")
    assert "x.unnamed" in html and "Đăng nhập" not in html


def test_a_long_trail_is_counted_only_up_to_a_bound(client, secretariat, trail, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from audit.paging import BoundedPaginator

    monkeypatch.setattr(BoundedPaginator, "bound", 5)
    for i in range(8):
        audit_record(actor=trail["b"], action="report.submit", obj=trail["plan"], now=at(11, i))
    with CaptureQueriesContext(connection) as ctx:
        html = rows(client)
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT 6" in sql for sql in counts)  # never a count of the whole trail
    assert "khoảng" in html and "(ước tính)" in html
    exact = rows(client, actor="tuphap")
    assert "1 sự kiện" in exact and "ước tính" not in exact


def test_plan_status_dates_decimals_and_counts_read_in_words(client, secretariat, trail):
    audit_record(
        actor=trail["b"],
        action="plan.update",
        obj=trail["plan"],
        changes={"status": ["draft", "in_force"], "issue_date": ["2025-11-15", "2025-11-16"]},
        now=at(6),
    )
    audit_record(
        actor=None,
        action="flags.sweep",
        object_type="kpis.redflag",
        changes={"today": "2025-11-20", "raised": {"overdue": 923, "lagging": 12}, "resolved": {}},
        now=at(7),
    )
    audit_record(
        actor=trail["b"],
        action="report.submit",
        obj=trail["plan"],
        changes={"completion": "100.00"},
        now=at(8),
    )
    body = client.get(reverse("audit:event_list")).content.decode().split("<tbody", 1)[1]
    assert "Dự thảo</del>" in body and "Đang thực hiện</ins>" in body
    assert "in_force" not in body and "2025-11-15" not in body and "15/11/2025" in body
    assert "Quá hạn: 923; Chậm tiến độ: 12" in body and "{&#x27;overdue&#x27;" not in body
    assert "Cảnh báo mới" in body and "20/11/2025" in body
    assert "100.00" not in body and "<ins>100</ins>" in body
    csv = b"".join(client.get(reverse("audit:event_export")).streaming_content).decode("utf-8-sig")
    assert "Trạng thái: Dự thảo → Đang thực hiện" in csv and "Quá hạn: 923" in csv
