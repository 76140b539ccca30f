"""The secretariat's account pages."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from tests.factories import UnitFactory, UserFactory
from units.models import Role, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat(client):
    user = UserFactory(roles=[Role.SECRETARIAT], unit=None, username="thuongtruc")
    client.force_login(user)
    return user


def test_it_lists_users_with_unit_roles_state_and_last_login(client, secretariat):
    unit = UnitFactory(name="Sở Tư pháp")
    UserFactory(username="canbo1", unit=unit, roles=[Role.STAFF, Role.HEAD])
    UserFactory(username="dakhoa", unit=unit, is_active=False)
    html = client.get(reverse("units:user_list")).content.decode()
    for text in ("canbo1", "Sở Tư pháp", "Cán bộ đơn vị", "Thủ trưởng đơn vị", "Đã khoá", "Chưa đăng nhập"):
        assert text in html


def test_it_filters_and_answers_htmx_with_the_rows_only(client, secretariat):
    a, b = UnitFactory(name="Sở Y tế"), UnitFactory(name="Sở Xây dựng")
    UserFactory(username="yte1", unit=a)
    UserFactory(username="xd1", unit=b)
    response = client.get(reverse("units:user_list"), {"unit": a.pk}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "yte1" in html and "xd1" not in html
    assert "<html" not in html
    html = client.get(reverse("units:user_list"), {"role": Role.SECRETARIAT}).content.decode()
    assert "thuongtruc" in html and "yte1" not in html
    html = client.get(reverse("units:user_list"), {"q": "XD1"}).content.decode()
    assert "xd1" in html and "yte1" not in html


def test_the_list_costs_the_same_queries_for_few_and_many(client, secretariat, django_assert_max_num_queries):
    unit = UnitFactory()
    UserFactory(unit=unit)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("units:user_list"))
    for _ in range(30):
        UserFactory(unit=UnitFactory(), roles=[Role.STAFF, Role.HEAD])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("units:user_list"))


def test_it_creates_a_user(client, secretariat):
    unit = UnitFactory(name="Sở Nội vụ")
    response = client.post(
        reverse("units:user_create"),
        {
            "username": "noivu1",
            "full_name": "Lê Văn C",
            "email": "c@snv.vn",
            "position": "Chuyên viên",
            "unit": unit.pk,
            "roles": [Role.STAFF],
            "password": "mot-mat-khau-dai-123",
        },
    )
    user = User.objects.get(username="noivu1")
    assert response.status_code == 302
    assert response.url == reverse("units:user_detail", kwargs={"user_id": user.pk})
    assert user.unit == unit and user.role_set == {Role.STAFF}
    assert AuditEvent.objects.filter(action="user.create", actor=secretariat).exists()


def test_form_errors_are_beside_their_fields_in_vietnamese_and_keep_the_input(client, secretariat):
    UserFactory(username="trung")
    response = client.post(
        reverse("units:user_create"),
        {
            "username": "trung",
            "full_name": "Phạm Thị D",
            "email": "khong-phai-email",
            "roles": [Role.STAFF],
            "password": "123",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_email_error"' in html and "Địa chỉ thư điện tử không hợp lệ." in html
    assert 'id="id_unit_error"' in html and "phải thuộc một đơn vị" in html
    assert 'value="Phạm Thị D"' in html
    assert not User.objects.filter(full_name="Phạm Thị D").exists()
    # With the field errors fixed, the service's own checks show beside their fields too.
    response = client.post(
        reverse("units:user_create"),
        {"username": "trung", "email": "d@x.vn", "roles": [Role.LEADERSHIP], "password": "123"},
    )
    html = response.content.decode()
    assert 'id="id_username_error"' in html and "đã có người dùng" in html
    assert 'id="id_password_error"' in html and "Mật khẩu quá ngắn: cần ít nhất 10 ký tự." in html


USERNAME_RULE = "Tên đăng nhập chỉ gồm chữ cái, chữ số và các ký tự @ . + - _ (không có dấu cách)"


def test_a_bad_username_shows_with_the_other_errors_at_once(client, secretariat):
    response = client.post(
        reverse("units:user_create"),
        {
            "username": "nguyen van a",
            "full_name": "Nguyễn Văn A",
            "email": "khong-phai-email",
            "roles": [Role.LEADERSHIP],
            "password": "123",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_username_error"' in html and USERNAME_RULE in html
    assert 'id="id_email_error"' in html and "Địa chỉ thư điện tử không hợp lệ." in html
    assert 'id="id_password_error"' in html and "Mật khẩu quá ngắn" in html
    assert 'value="nguyen van a"' in html and 'value="khong-phai-email"' in html
    assert "Điền tên đăng nhập hợp lệ" not in html  # Django's own wording never reaches the page
    assert not User.objects.filter(full_name="Nguyễn Văn A").exists()


def test_editing_shows_a_bad_username_and_dropping_ones_own_role_with_the_other_errors(client, secretariat):
    user = UserFactory(username="chuyen", unit=UnitFactory(), roles=[Role.STAFF])
    response = client.post(
        reverse("units:user_edit", kwargs={"user_id": user.pk}),
        {"username": "chuyen vien", "email": "sai", "unit": user.unit_id, "roles": [Role.STAFF]},
    )
    html = response.content.decode()
    assert USERNAME_RULE in html and "Địa chỉ thư điện tử không hợp lệ." in html
    assert 'value="chuyen vien"' in html
    # Editing oneself: giving up one's own secretariat role is refused together with the rest.
    response = client.post(
        reverse("units:user_edit", kwargs={"user_id": secretariat.pk}),
        {"username": "thuong truc", "email": "sai", "roles": [Role.LEADERSHIP]},
    )
    html = response.content.decode()
    assert 'id="id_roles_error"' in html and "Bạn không thể tự bỏ vai trò Thường trực của mình." in html
    assert USERNAME_RULE in html and "Địa chỉ thư điện tử không hợp lệ." in html
    user.refresh_from_db()
    secretariat.refresh_from_db()
    assert user.username == "chuyen" and secretariat.username == "thuongtruc"
    assert Role.SECRETARIAT in User.objects.get(pk=secretariat.pk).role_set


def test_it_edits_a_user_and_shows_the_history(client, secretariat):
    old, new = UnitFactory(name="Sở Cũ"), UnitFactory(name="Sở Mới")
    user = UserFactory(username="chuyen", unit=old, roles=[Role.STAFF])
    page = client.get(reverse("units:user_edit", kwargs={"user_id": user.pk}))
    assert 'value="chuyen"' in page.content.decode()
    response = client.post(
        reverse("units:user_edit", kwargs={"user_id": user.pk}),
        {
            "username": "chuyen",
            "full_name": user.full_name,
            "email": user.email,
            "unit": new.pk,
            "roles": [Role.HEAD],
        },
    )
    assert response.status_code == 302
    detail = client.get(response.url).content.decode()
    assert "Lịch sử thay đổi" in detail
    assert "Sở Cũ" in detail and "Sở Mới" in detail
    assert "Sửa người dùng" in detail


def test_it_deactivates_but_not_yourself(client, secretariat):
    user = UserFactory()
    response = client.post(reverse("units:user_deactivate", kwargs={"user_id": user.pk}), follow=True)
    user.refresh_from_db()
    assert not user.is_active
    assert "lịch sử của tài khoản được giữ nguyên" in response.content.decode()
    response = client.post(reverse("units:user_deactivate", kwargs={"user_id": secretariat.pk}), follow=True)
    secretariat.refresh_from_db()
    assert secretariat.is_active
    assert "Bạn không thể tự khoá tài khoản của mình." in response.content.decode()
    client.post(reverse("units:user_activate", kwargs={"user_id": user.pk}))
    user.refresh_from_db()
    assert user.is_active


def test_deactivate_only_answers_post(client, secretariat):
    user = UserFactory()
    assert client.get(reverse("units:user_deactivate", kwargs={"user_id": user.pk})).status_code == 405
    user.refresh_from_db()
    assert user.is_active


@pytest.mark.parametrize("role", [Role.STAFF, Role.HEAD, Role.REVIEWER, Role.LEADERSHIP])
def test_no_other_role_sees_the_account_pages(client, role):
    client.force_login(UserFactory(roles=[role]))
    target = UserFactory()
    assert client.get(reverse("units:user_list")).status_code == 404
    assert client.get(reverse("units:user_create")).status_code == 404
    for name in ("user_detail", "user_edit"):
        assert client.get(reverse(f"units:{name}", kwargs={"user_id": target.pk})).status_code == 404
    assert client.post(reverse("units:user_deactivate", kwargs={"user_id": target.pk})).status_code == 404
    target.refresh_from_db()
    assert target.is_active


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("units:user_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("role", "sees_admin_links"),
    [(Role.STAFF, False), (Role.LEADERSHIP, False), (Role.REVIEWER, False), (Role.SECRETARIAT, True)],
)
def test_the_nav_shows_users_and_log_to_the_secretariat_only(client, role, sees_admin_links):
    client.force_login(UserFactory(roles=[role]))
    html = client.get(reverse("password_change")).content.decode()
    assert (reverse("units:user_list") in html) is sees_admin_links
    assert (reverse("audit:event_list") in html) is sees_admin_links
