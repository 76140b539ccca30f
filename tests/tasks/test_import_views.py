"""The browser import: upload → preview → apply, for the secretariat only."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tasks.models import Assignment, Plan, SubTask
from tests.factories import PlanFactory, UserFactory
from units.models import Role, Unit, UnitAlias, UnitKind

from ._import_helpers import load_registry, small_rows, write_xlsx

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def secretariat(client):
    load_registry()
    user = UserFactory(roles=[Role.SECRETARIAT], unit=None)
    client.force_login(user)
    return user


def _upload(client, path, **fields):
    with open(path, "rb") as handle:
        upload = SimpleUploadedFile(path.name, handle.read(), content_type=XLSX)
    return client.post(reverse("tasks:import_plan"), {"file": upload, **fields})


def _stored_files():
    folder = settings.PRIVATE_ROOT / "imports"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_upload_preview_apply_imports_the_real_appendix(client, secretariat, appendix_xlsx):
    response = client.get(reverse("tasks:import_plan"))
    assert response.status_code == 200
    assert "Nhập phụ lục kế hoạch từ Excel" in response.content.decode()

    response = _upload(client, appendix_xlsx, title="Kế hoạch 07")
    assert response.status_code == 302
    preview_url = response["Location"]
    token = preview_url.rstrip("/").rsplit("/", 1)[-1]
    assert len(token) == 32
    assert _stored_files() == [f"{token}.json", f"{token}.xlsx"]
    assert Plan.objects.count() == 0

    page = client.get(preview_url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Chưa có gì được ghi" in html
    assert "Tạo mới" in html and "9.3" in html
    assert "Dòng" in html and "đánh số “8.1”" in html
    assert Plan.objects.count() == 0

    response = client.post(reverse("tasks:import_apply", args=[token]))
    plan = Plan.objects.get()
    assert response.status_code == 302
    # A new plan is a draft: the secretariat is taken to its settings to put it in force.
    assert response["Location"] == reverse("tasks:plan_settings", args=[plan.pk])
    assert plan.title == "Kế hoạch 07"
    assert SubTask.objects.filter(plan=plan).count() == 50
    assert _stored_files() == []


def test_a_bad_file_gets_a_message_beside_the_field_and_nothing_is_stored(client, secretariat, tmp_path):
    path = tmp_path / "khong-phai.xlsx"
    path.write_bytes(b"%PDF-1.7 not a workbook")
    response = _upload(client, path)
    html = response.content.decode()
    assert response.status_code == 200
    assert "không phải là bảng tính Excel" in html
    assert 'class="field has-error"' in html
    assert _stored_files() == []
    assert Plan.objects.count() == 0


def test_row_errors_block_the_apply(client, secretariat, tmp_path):
    response = _upload(client, write_xlsx(tmp_path / "sai.xlsx", small_rows(deadline="31/02/2026")))
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    html = client.get(response["Location"]).content.decode()
    assert "31/02/2026" in html and "không tồn tại" in html
    assert "disabled" in html
    response = client.post(reverse("tasks:import_apply", args=[token]))
    assert response.status_code == 400
    assert Plan.objects.count() == 0


def test_unknown_unit_names_are_listed_and_can_be_mapped_on_apply(client, secretariat, tmp_path):
    rows = small_rows(lead="Sở KH và CN", co="Ban Chuyển đổi số mới")
    response = _upload(client, write_xlsx(tmp_path / "ten.xlsx", rows))
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    html = client.get(response["Location"]).content.decode()
    assert "Không tìm thấy đơn vị “Sở KH và CN”" in html
    science = Unit.objects.get(name="Sở Khoa học và Công nghệ")
    # The picker offers units under their kind, each kind in Vietnamese order.
    assert f'<optgroup label="{UnitKind(science.kind).label}">' in html
    assert f'<option value="{science.pk}" >Sở Khoa học và Công nghệ</option>' in html
    # Names in order of first appearance: 0 = "Sở KH và CN", 1 = "Ban Chuyển đổi số mới".
    client.post(reverse("tasks:import_apply", args=[token]), {"map-0": str(science.pk), "map-1": "__new__"})
    plan = Plan.objects.get()
    assert UnitAlias.objects.filter(name="Sở KH và CN", unit=science).exists()
    new_unit = Unit.objects.get(name="Ban Chuyển đổi số mới")
    sub = SubTask.objects.get(plan=plan, code="1.1")
    assert sub.lead_names == ["Sở KH và CN"]
    assert set(Assignment.objects.filter(subtask=sub).values_list("unit", "role")) == {
        (science.pk, "lead"),
        (new_unit.pk, "co"),
    }


def test_importing_into_an_existing_plan_shows_no_change_the_second_time(client, secretariat, tmp_path):
    path = write_xlsx(tmp_path / "lai.xlsx", small_rows())
    response = _upload(client, path)
    client.post(reverse("tasks:import_apply", args=[response["Location"].rstrip("/").rsplit("/", 1)[-1]]))
    plan = Plan.objects.get()
    response = _upload(client, path, plan=str(plan.pk))
    html = client.get(response["Location"]).content.decode()
    assert "Không có gì thay đổi" in html
    client.post(reverse("tasks:import_apply", args=[response["Location"].rstrip("/").rsplit("/", 1)[-1]]))
    assert Plan.objects.count() == 1
    assert SubTask.objects.count() == 2


def test_a_new_plan_code_that_exists_is_an_error_beside_the_field(client, secretariat, tmp_path):
    PlanFactory(code="5-KH/BCĐ")
    response = _upload(client, write_xlsx(tmp_path / "ma.xlsx", small_rows()), code="5-KH/BCĐ")
    html = response.content.decode()
    assert "Đã có kế hoạch số “5-KH/BCĐ”" in html
    assert 'value="5-KH/BCĐ"' in html


@pytest.mark.parametrize("role", [Role.STAFF, Role.HEAD, Role.REVIEWER, Role.LEADERSHIP])
def test_others_get_404_on_every_import_page(client, role, tmp_path):
    load_registry()
    owner = UserFactory(roles=[Role.SECRETARIAT], unit=None)
    client.force_login(owner)
    response = _upload(client, write_xlsx(tmp_path / "x.xlsx", small_rows()))
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    client.force_login(UserFactory(roles=[role]))
    assert client.get(reverse("tasks:import_plan")).status_code == 404
    assert client.post(reverse("tasks:import_plan")).status_code == 404
    assert client.get(reverse("tasks:import_preview", args=[token])).status_code == 404
    assert client.post(reverse("tasks:import_apply", args=[token])).status_code == 404
    assert Plan.objects.count() == 0


def test_another_secretary_cannot_use_someone_elses_token(client, tmp_path):
    load_registry()
    client.force_login(UserFactory(roles=[Role.SECRETARIAT], unit=None))
    response = _upload(client, write_xlsx(tmp_path / "x.xlsx", small_rows()))
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    client.force_login(UserFactory(roles=[Role.SECRETARIAT], unit=None))
    # Someone else's preview reads exactly as one that does not exist (nothing told about it).
    theirs = client.get(reverse("tasks:import_preview", args=[token]))
    missing = client.get(reverse("tasks:import_preview", args=["0" * 32]))
    assert theirs.status_code == missing.status_code == 302
    assert theirs["Location"] == missing["Location"] == reverse("tasks:plan_list")
    assert client.post(reverse("tasks:import_apply", args=[token])).status_code == 302
    assert Plan.objects.count() == 0
    assert client.get(reverse("tasks:import_preview", args=["..%2F..%2Fsettings"])).status_code == 404


def test_back_to_an_applied_preview_says_it_was_applied(client, tmp_path):
    load_registry()
    client.force_login(UserFactory(roles=[Role.SECRETARIAT], unit=None))
    response = _upload(client, write_xlsx(tmp_path / "x.xlsx", small_rows()))
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    client.post(reverse("tasks:import_apply", args=[token]))
    again = client.post(reverse("tasks:import_apply", args=[token]), follow=True)  # a second click
    assert Plan.objects.count() == 1
    assert "đã được áp dụng hoặc đã hết hạn" in again.content.decode()
    back = client.get(reverse("tasks:import_preview", args=[token]), follow=True)
    assert "đã được áp dụng hoặc đã hết hạn" in back.content.decode()


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(reverse("tasks:import_plan"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
