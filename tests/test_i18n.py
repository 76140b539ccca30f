"""Vietnamese first, English by explicit choice: the catalogue is complete and really used.

The English pages are read through the language cookie, the way the switcher in base.html sets it.
The catalogue checks parse the .po with a few lines of code (no extra dependency) and read the
compiled .mo with the standard library, so a forgotten `compilemessages` fails here too.
"""

import datetime
import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import AssignmentFactory, GeneralTaskFactory, SectionFactory, SubTaskFactory, UserFactory
from units.models import Role

LOCALE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
# Letters that only Vietnamese uses: any of them in the English interface chrome is a leftover.
VIETNAMESE = re.compile(
    r"[ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]", re.IGNORECASE
)
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%%|\{\w+\}")


# ---------------------------------------------------------------- the catalogue


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgctxt, msgid, msgid_plural, msgstr / msgstr[n], flags, obsolete."""
    entries, entry, key = [], None, None

    def finish():
        if entry is not None and ("msgid" in entry):
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            entry, key = None, None
            continue
        if entry is None:
            entry = {"flags": set(), "obsolete": False, "msgstr": {}}
        if line.startswith("#~"):
            entry["obsolete"] = True
            continue
        if line.startswith("#,"):
            entry["flags"].update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            value = _unquote(line)
            if isinstance(key, tuple):
                entry["msgstr"][key[1]] += value
            else:
                entry[key] += value
            continue
        word, _, rest = line.partition(" ")
        match = re.fullmatch(r"msgstr\[(\d+)\]", word)
        if match:
            key = ("msgstr", int(match.group(1)))
            entry["msgstr"][key[1]] = _unquote(rest)
        elif word == "msgstr":
            key = ("msgstr", 0)
            entry["msgstr"][0] = _unquote(rest)
        else:
            key = word
            entry[key] = _unquote(rest)
    finish()
    return entries


def _unquote(text: str) -> str:
    body = text.strip()[1:-1]
    return re.sub(r'\\(["\\nt])', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body)


@pytest.fixture(scope="module")
def po_entries():
    entries = parse_po(LOCALE / "django.po")
    return [e for e in entries if e["msgid"] and not e["obsolete"]]


def test_the_english_catalogue_has_every_message_translated_and_nothing_fuzzy(po_entries):
    assert len(po_entries) > 300  # the whole interface, not a sample
    untranslated = [e["msgid"] for e in po_entries if not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in po_entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []
    plurals = [e for e in po_entries if "msgid_plural" in e]
    assert plurals, "plural messages are translated with both forms"
    assert all(set(e["msgstr"]) == {0, 1} for e in plurals)


def test_the_header_is_not_fuzzy_and_declares_english_plurals():
    header = next(e for e in parse_po(LOCALE / "django.po") if e["msgid"] == "")
    assert "fuzzy" not in header["flags"]
    assert "Language: en" in header["msgstr"][0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header["msgstr"][0]


def test_translations_keep_every_placeholder(po_entries):
    wrong = []
    for e in po_entries:
        for form, text in e["msgstr"].items():
            source = e["msgid_plural"] if form and "msgid_plural" in e else e["msgid"]
            if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(source)):
                wrong.append((e["msgid"], text))
    assert wrong == []


def test_english_translations_contain_no_vietnamese(po_entries):
    # Quoted examples of what an office types in a workbook stay as written (“Thường xuyên” …),
    # and so do document symbols (Decree 30/2020/NĐ-CP).
    leftovers = [
        e["msgid"]
        for e in po_entries
        for text in e["msgstr"].values()
        if VIETNAMESE.search(re.sub(r"“[^”]*”|\([^)]*\)|\S+/\S+", "", text)) and e["msgid"] != "Tiếng Việt"
    ]
    assert leftovers == []


def test_the_compiled_catalogue_matches_the_po(po_entries):
    with (LOCALE / "django.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = []
    for e in po_entries:
        msgid = e["msgid"] if "msgctxt" not in e else f"{e['msgctxt']}\x04{e['msgid']}"
        if "msgid_plural" in e:
            ctx = e.get("msgctxt")
            got = (
                compiled.npgettext(ctx, e["msgid"], e["msgid_plural"], 2)
                if ctx
                else compiled.ngettext(e["msgid"], e["msgid_plural"], 2)
            )
            if got != e["msgstr"][1]:
                stale.append(e["msgid"])
        elif compiled._catalog.get(msgid) != e["msgstr"][0]:
            stale.append(e["msgid"])
    assert stale == [], "run `manage.py compilemessages -l en --ignore=.venv`"


# ---------------------------------------------------------------- the pages


class _NavText(HTMLParser):
    """Visible text inside <nav class="mainnav"> (the main navigation)."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.chunks = []

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if self.depth or (tag == "nav" and "mainnav" in classes):
            self.depth += 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and data.strip():
            self.chunks.append(data.strip())


def nav_text(html: str) -> list[str]:
    parser = _NavText()
    parser.feed(html)
    return parser.chunks


def html_lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def world(db):
    """A unit with one sub-task it leads, due 31/12/2025, and a member of its staff."""
    section = SectionFactory(code="I", title="Về chuyển đổi số")
    general = GeneralTaskFactory(section=section, code="5", title="Triển khai chuyển đổi số")
    subtask = SubTaskFactory(
        general_task=general,
        code="5.4",
        title="Rà soát thủ tục hành chính",
        output="Báo cáo rà soát",
        start_date=datetime.date(2025, 11, 1),
        deadline=datetime.date(2025, 12, 31),
        deadline_text="31/12/2025",
    )
    lead = AssignmentFactory(subtask=subtask)
    staff = UserFactory(unit=lead.unit, roles=[Role.STAFF])
    return {"subtask": subtask, "staff": staff, "plan": subtask.plan}


def test_login_page_in_english_by_choice(english):
    html = english.get(reverse("login")).content.decode()
    assert html_lang(html) == "en"
    for word in ("Log in", "Username", "Password", "Forgot your password?", "NQ57 Monitoring Portal"):
        assert word in html
    assert "Đăng nhập" not in html
    assert "Tên đăng nhập" not in html


def test_login_page_is_vietnamese_without_a_choice_even_if_the_browser_asks_for_english(client):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert html_lang(html) == "vi"
    assert "Đăng nhập" in html
    assert "Tên đăng nhập" in html
    assert "Log in" not in html


def test_the_switcher_sets_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    assert "Log in" in client.get(reverse("login")).content.decode()
    client.post(reverse("set_language"), {"language": "vi", "next": reverse("login")})
    assert "Đăng nhập" in client.get(reverse("login")).content.decode()


def test_plan_list_in_english(english, world):
    english.force_login(world["staff"])
    html = english.get(reverse("tasks:plan_list")).content.decode()
    assert "<h1>Plans</h1>" in html
    nav = nav_text(html)
    assert "My tasks" in nav
    assert "Plans" in nav
    assert "Change password" in nav
    assert [t for t in nav if VIETNAMESE.search(t)] == []
    assert "Log out" in html
    assert world["plan"].title in html  # the data itself stays as written


def test_plan_list_in_vietnamese(client, world):
    client.force_login(world["staff"])
    html = client.get(reverse("tasks:plan_list")).content.decode()
    assert html_lang(html) == "vi"
    nav = nav_text(html)
    assert "Nhiệm vụ của tôi" in nav
    assert "Kế hoạch" in nav
    assert "Đăng xuất" in html
    assert "My tasks" not in html


def test_every_navigation_link_is_translated_for_the_secretariat(english, db):
    english.force_login(UserFactory(unit=None, roles=[Role.SECRETARIAT]))
    nav = nav_text(english.get(reverse("tasks:plan_list")).content.decode())
    assert len(nav) >= 6
    assert [t for t in nav if VIETNAMESE.search(t)] == []
    assert "Audit log" in nav


def test_subtask_page_in_english_keeps_dates_day_first(english, world):
    english.force_login(world["staff"])
    html = english.get(reverse("tasks:subtask_detail", args=[world["subtask"].pk])).content.decode()
    for word in ("Sub-task 5.4", "Required output", "Deadline", "Lead unit", "Section I"):
        assert word in html
    assert "31/12/2025" in html
    assert "12/31/2025" not in html
    assert "Dec. 31, 2025" not in html
    assert "Thời hạn hoàn thành" not in html
    assert [t for t in nav_text(html) if VIETNAMESE.search(t)] == []


def test_subtask_page_in_vietnamese_keeps_dates_day_first(client, world):
    client.force_login(world["staff"])
    html = client.get(reverse("tasks:subtask_detail", args=[world["subtask"].pk])).content.decode()
    assert "Thời hạn hoàn thành" in html
    assert "Sản phẩm đầu ra bắt buộc" in html
    assert "31/12/2025" in html
    assert "Required output" not in html


def test_my_tasks_in_english(english, world):
    english.force_login(world["staff"])
    html = english.get(reverse("kpis:my_tasks")).content.decode()
    for word in ("<h1>My tasks</h1>", "Deadline", "Sub-task", "Search", "Filter"):
        assert word in html
    assert "31/12/2025" in html
    assert "Nhiệm vụ của tôi" not in html
    assert "5.4" in html


def test_my_tasks_in_vietnamese(client, world):
    client.force_login(world["staff"])
    html = client.get(reverse("kpis:my_tasks")).content.decode()
    assert "Nhiệm vụ của tôi" in html
    assert "Thời hạn" in html
    assert "31/12/2025" in html
    assert "My tasks" not in html


@pytest.mark.parametrize(
    ("language", "message"), [(None, "Trường này là bắt buộc."), ("en", "This field is required.")]
)
def test_django_form_messages_follow_the_language(client, world, language, message):
    """Django's own messages come from its catalogues: Vietnamese by default, English when chosen."""
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(world["staff"])
    html = client.post(reverse("password_change"), {}).content.decode()
    assert message in html


# ---------------------------------------------------------------- pages Django would show in English


@pytest.mark.parametrize(
    ("language", "title"), [(None, "Biểu mẫu đã hết hiệu lực"), ("en", "This form has expired")]
)
def test_a_refused_form_explains_itself_in_the_users_language(db, language, title):
    """Django's own CSRF page is English even in Vietnamese ("Forbidden … DEBUG=True")."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(reverse("login"), {"username": "a", "password": "b"})
    html = response.content.decode()
    assert response.status_code == 403
    assert title in html
    assert "DEBUG=True" not in html


@pytest.mark.parametrize(("language", "title"), [(None, "Không tìm thấy trang"), ("en", "Page not found")])
def test_not_found_page_follows_the_language(client, world, language, title):
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(world["staff"])
    response = client.get(reverse("tasks:subtask_detail", args=[world["subtask"].pk + 999]))
    assert response.status_code == 404
    assert title in response.content.decode()


@pytest.mark.parametrize(("language", "title"), [(None, "Yêu cầu không hợp lệ"), ("en", "Bad request")])
def test_bad_request_page_follows_the_language(client, db, language, title):
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("login"), HTTP_HOST="not-a-host-we-serve.example")
    assert response.status_code == 400
    assert title in response.content.decode()


@pytest.mark.parametrize(("language", "title"), [("vi", "Lỗi hệ thống"), ("en", "System error")])
def test_server_error_page_follows_the_language(language, title):
    # Django renders 500.html without a request, under the language LocaleMiddleware activated.
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override(language):
        html = render_to_string("500.html")
    assert html_lang(html) == language
    assert f"<h1>{title}</h1>" in html


# ---------------------------------------------------------------- texts that come from Python code


@pytest.fixture
def with_periods(world):
    from kpis.services import periods_ensure

    periods_ensure()
    return world


def test_report_form_labels_in_english(english, with_periods):
    world = with_periods
    english.force_login(world["staff"])
    lead = world["subtask"].assignments.get()
    html = english.get(reverse("kpis:report_form", args=[lead.pk])).content.decode()
    for label in (
        "Completion (%)",
        "Results achieved",
        "Proposals and recommendations",
        "You can choose several files",
    ):
        assert label in html
    assert "Tỷ lệ hoàn thành (%)" not in html
    assert "Có thể chọn nhiều tệp" not in html


def test_report_form_labels_in_vietnamese(client, with_periods):
    world = with_periods
    client.force_login(world["staff"])
    lead = world["subtask"].assignments.get()
    html = client.get(reverse("kpis:report_form", args=[lead.pk])).content.decode()
    for label in ("Tỷ lệ hoàn thành (%)", "Kết quả đạt được", "Đề xuất, kiến nghị", "Có thể chọn nhiều tệp"):
        assert label in html
    assert "Completion (%)" not in html


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("vi", "Tệp “rong.pdf” bị từ chối: tệp rỗng (0 byte)."),
        ("en", "File “rong.pdf” rejected: the file is empty (0 bytes)."),
    ],
)
def test_an_upload_rejection_follows_the_language(language, message):
    from django.utils import translation

    from evidence.validation.errors import Code, reject

    with translation.override(language):
        assert reject(Code.EMPTY, name="rong.pdf").message == message


@pytest.mark.parametrize(
    ("language", "priority", "deadline"),
    [
        ("vi", "Ưu tiên (quá hạn, chậm trước)", "Thời hạn"),
        ("en", "Priority (overdue and lagging first)", "Deadline"),
    ],
)
def test_my_tasks_sort_options_follow_the_language(client, world, language, priority, deadline):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(world["staff"])
    html = client.get(reverse("kpis:my_tasks")).content.decode()
    assert f">{priority}</option>" in html
    assert f">{deadline}</option>" in html


@pytest.mark.parametrize(
    ("language", "headers", "absent"),
    [
        ("vi", ("Xếp hạng", "Được giao", "Đúng hạn", "Thiếu báo cáo"), "Assigned"),
        ("en", ("Rank", "Assigned", "On time", "Missing reports"), "Được giao"),
    ],
)
def test_dashboard_ranking_headers_follow_the_language(client, world, language, headers, absent):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(UserFactory(roles=[Role.LEADERSHIP]))
    html = client.get(reverse("reports:dashboard")).content.decode()
    thead = html.split('class="data ranking"', 1)[1].split("</thead>", 1)[0]
    for header in headers:
        assert header in thead
    assert absent not in thead
