"""Sign-in safety: audit of sign-ins, lockout and its cool-off, session rotation and expiry, CSRF."""

import datetime
import re
import time

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from tests.factories import UserFactory
from units.models import Role

pytestmark = pytest.mark.django_db
PASSWORD = "mat-khau-thu-nghiem-1"


def login(client, username, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_it_logs_in_and_out_and_records_both_with_the_ip(client):
    user = UserFactory(roles=[Role.STAFF])
    response = login(client, user.username, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="auth.login")
    assert (event.actor, event.ip, event.object_id) == (user, "10.1.2.3", str(user.pk))
    client.post(reverse("logout"))
    assert AuditEvent.objects.filter(action="auth.logout", actor=user).exists()
    user.refresh_from_db()
    assert user.last_login is not None


def test_it_records_a_failed_login_without_the_password(client):
    user = UserFactory()
    response = login(client, user.username, "sai-mat-khau")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.actor is None
    assert event.object_id == str(user.pk)
    assert event.changes == {"username": user.username}
    assert "sai-mat-khau" not in str(event.changes)


def test_a_failed_login_for_an_unknown_name_is_recorded_too(client):
    login(client, "khong-ton-tai", "x")
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert (event.object_id, event.object_repr) == ("", "khong-ton-tai")


def test_it_locks_out_after_five_failures_and_the_cool_off_ends_by_itself(client):
    user = UserFactory()
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(5):
        login(client, user.username, "sai-mat-khau")
    locked = login(client, user.username)  # even the right password is refused now
    assert locked.status_code in (403, 429)
    assert "Tạm khoá đăng nhập" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.lockout").exists()
    # Another user from the same IP is not locked (lockout by username + IP).
    other = UserFactory()
    assert login(Client(), other.username).status_code == 302
    # The cool-off (0.25 h) passes: move the recorded attempts back 16 minutes.
    assert settings.AXES_COOLOFF_TIME == 0.25
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    response = login(client, user.username)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_it_is_not_locked_out_before_the_cool_off_ends(client):
    user = UserFactory()
    for _ in range(5):
        login(client, user.username, "sai-mat-khau")
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=14))
    assert login(client, user.username).status_code in (403, 429)


def deactivated_user():
    secretariat = UserFactory(roles=[Role.SECRETARIAT])
    user = UserFactory(roles=[Role.STAFF])
    from units.services import user_deactivate

    user_deactivate(user=user, actor=secretariat)
    return user


def test_a_deactivated_account_with_its_right_password_is_told_it_is_locked(client):
    """The tester signed in to a locked account with its right password and read "Tên đăng nhập hoặc
    mật khẩu không đúng": now the account says it is locked and whom to ask."""
    user = deactivated_user()
    response = login(client, user.username)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Tài khoản này đã bị khoá. Hãy liên hệ Thường trực Ban Chỉ đạo." in body
    assert "Tên đăng nhập hoặc mật khẩu không đúng" not in body
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.login_failed", object_id=str(user.pk)).exists()


def test_a_deactivated_account_with_a_wrong_password_reveals_nothing(client):
    user = deactivated_user()
    body = login(client, user.username, "sai-mat-khau").content.decode()
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in body and "đã bị khoá" not in body
    unknown = login(Client(), "khong-ton-tai", PASSWORD).content.decode()
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in unknown and "đã bị khoá" not in unknown


def test_the_lockout_after_five_failures_still_holds_for_a_deactivated_account(client):
    user = deactivated_user()
    for _ in range(5):
        login(client, user.username, "sai-mat-khau")
    locked = login(client, user.username)  # the right password: still the lockout, nothing more
    assert locked.status_code in (403, 429)
    body = locked.content.decode()
    assert "Tạm khoá đăng nhập" in body and "Tài khoản này đã bị khoá" not in body


def test_login_gives_the_session_a_new_key(client):
    user = UserFactory()
    planted = SessionStore()
    planted["planted"] = "by an attacker"
    planted.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key
    login(client, user.username)
    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != planted.session_key
    assert not Session.objects.filter(session_key=planted.session_key).exists()
    assert Session.objects.get(session_key=new_key).get_decoded()["_auth_user_id"] == str(user.pk)


def session_of(client):
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def move_session_back(client, *, refreshed, expires):
    """As if its expiry was last extended `refreshed` ago and it ends `expires` from now."""
    store = SessionStore(client.cookies[settings.SESSION_COOKIE_NAME].value)
    store["_refreshed"] = int(time.time() - refreshed.total_seconds())
    store.save()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() + expires)


def session_updates(queries):
    return [q["sql"] for q in queries.captured_queries if 'UPDATE "django_session"' in q["sql"]]


def test_sessions_last_two_idle_hours_and_are_extended_at_most_every_five_minutes():
    assert settings.SESSION_COOKIE_AGE == 2 * 60 * 60
    assert settings.SESSION_REFRESH_SECONDS == 5 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE  # so only the server-side expiry matters
    assert not getattr(settings, "SESSION_SAVE_EVERY_REQUEST", False)


def test_a_signed_in_page_does_not_write_the_session_within_the_refresh_window(client):
    user = UserFactory(roles=[Role.SECRETARIAT])
    login(client, user.username)
    move_session_back(
        client, refreshed=datetime.timedelta(minutes=4), expires=datetime.timedelta(minutes=116)
    )
    before = session_of(client).expire_date
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("units:user_list"))
        fragment = client.get(reverse("units:user_list"), HTTP_HX_REQUEST="true")
    assert (page.status_code, fragment.status_code) == (200, 200)
    assert session_updates(queries) == []
    assert settings.SESSION_COOKIE_NAME not in page.cookies  # no re-signed cookie either
    assert session_of(client).expire_date == before


def test_a_request_after_the_refresh_window_extends_the_session_by_its_age(client):
    user = UserFactory(roles=[Role.SECRETARIAT])
    login(client, user.username)
    move_session_back(
        client, refreshed=datetime.timedelta(minutes=6), expires=datetime.timedelta(minutes=114)
    )
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("units:user_list"))
    assert response.status_code == 200
    assert len(session_updates(queries)) == 1
    session = session_of(client)
    assert session.expire_date > timezone.now() + datetime.timedelta(minutes=119)
    assert abs(session.get_decoded()["_refreshed"] - time.time()) < 60
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # still a browser-session cookie
    # The next request is inside the new window again.
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("units:user_list"))
    assert session_updates(queries) == []


def test_a_user_idle_for_longer_than_the_age_must_sign_in_again(client):
    user = UserFactory(roles=[Role.SECRETARIAT])
    login(client, user.username)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("units:user_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    # The dead session is not brought back to life by the refresh.
    assert not Session.objects.filter(session_key=key, expire_date__gt=timezone.now()).exists()


def test_a_modified_session_is_saved_at_once_even_within_the_refresh_window(client):
    user = UserFactory()
    login(client, user.username)
    move_session_back(client, refreshed=datetime.timedelta(minutes=1), expires=datetime.timedelta(minutes=30))
    # Changing the password rewrites the session (new auth hash, new key) in this very request.
    client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "mot-mat-khau-moi-9",
            "new_password2": "mot-mat-khau-moi-9",
        },
    )
    session = session_of(client)
    user.refresh_from_db()
    assert session.get_decoded()["_auth_user_hash"] == user.get_session_auth_hash()
    assert session.expire_date > timezone.now() + datetime.timedelta(minutes=119)
    assert abs(session.get_decoded()["_refreshed"] - time.time()) < 60
    assert client.get(reverse("password_change")).status_code == 200  # still signed in


def test_logging_out_deletes_the_session_and_its_cookie_without_a_new_one(client):
    user = UserFactory()
    login(client, user.username)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert response.cookies[settings.SESSION_COOKIE_NAME].value == ""
    assert not Session.objects.exists()


def test_a_deactivated_users_session_stops_working(client):
    secretariat = UserFactory(roles=[Role.SECRETARIAT])
    user = UserFactory(roles=[Role.STAFF])
    client.force_login(user)
    from units.services import user_deactivate

    user_deactivate(user=user, actor=secretariat)
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert login(Client(), user.username).status_code == 200  # refused, shown on the form


def test_csrf_is_enforced_on_posts_including_htmx():
    secretariat = UserFactory(roles=[Role.SECRETARIAT])
    target = UserFactory(roles=[Role.STAFF])
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretariat)
    url = reverse("units:user_deactivate", kwargs={"user_id": target.pk})
    assert client.post(url, HTTP_HX_REQUEST="true").status_code == 403
    target.refresh_from_db()
    assert target.is_active
    client.get(reverse("units:user_detail", kwargs={"user_id": target.pk}))  # sets the CSRF cookie
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(url, HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 302
    target.refresh_from_db()
    assert not target.is_active


def test_the_login_form_itself_needs_the_csrf_token():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    assert login(client, user.username).status_code == 403


def test_it_changes_the_password_and_records_it(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("password_change"))
    assert "Đổi mật khẩu" in page.content.decode()
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "mot-mat-khau-moi-9",
            "new_password2": "mot-mat-khau-moi-9",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("mot-mat-khau-moi-9")
    assert AuditEvent.objects.filter(action="auth.password_change", actor=user).exists()


def test_a_wrong_old_password_is_shown_beside_its_field(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": "sai", "new_password1": "mot-mat-khau-moi-9", "new_password2": "mot-mat-khau-moi-9"},
    )
    assert response.status_code == 200
    assert 'id="id_old_password_error"' in response.content.decode()


def test_it_resets_a_forgotten_password_by_email(client):
    user = UserFactory(email="canbo@sotp.vn")
    response = client.post(reverse("password_reset"), {"email": "canbo@sotp.vn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "Đặt lại mật khẩu" in message.subject
    assert user.username in message.body
    link = re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Đặt mật khẩu mới" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = client.post(
        set_url, {"new_password1": "mat-khau-moi-dai-7", "new_password2": "mat-khau-moi-dai-7"}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("mat-khau-moi-dai-7")
    assert AuditEvent.objects.filter(action="auth.password_reset", object_id=str(user.pk)).exists()


def test_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "ai-do@example.vn"})
    assert response.status_code == 302
    assert mail.outbox == []
    page = client.get(response.url)
    assert "Nếu địa chỉ này thuộc một tài khoản" in page.content.decode()
