"""The portal runs as a role that owns nothing: it may read and append to the audit trail, never rewrite,
empty or unguard it. Only the owner of the tables (migrations, restores) could, and the portal never
connects as the owner (ops/dbroles.py)."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from audit.models import AuditEvent
from audit.services import audit_record
from kpis.services import periods_ensure, report_save_draft, report_submit
from tests.factories import AssignmentFactory, PlanFactory, UserFactory
from tests.kpis.conftest import at, data
from tests.roles import APP_ROLE
from units.models import Role

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="roles and privileges are PostgreSQL's; SQLite has none"
)


def connect_as(role):
    import psycopg

    db = connection.settings_dict
    return psycopg.connect(
        dbname=db["NAME"], user=role, host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, autocommit=True
    )


def refused(conn, *statements) -> str:
    """Run the statements in one transaction; return the error PostgreSQL refused them with."""
    import psycopg

    with pytest.raises(psycopg.errors.InsufficientPrivilege) as caught, conn.transaction():
        for statement in statements:
            conn.execute(statement)
    return str(caught.value)


@pytest.fixture
def portal(app_role, transactional_db):
    audit_record(actor=UserFactory(), action="user.update", changes={"x": [1, 2]})
    with connect_as(app_role) as conn:
        yield conn
    assert AuditEvent.objects.filter(action="user.update").count() == 1


def test_the_portal_role_cannot_update_delete_or_truncate_the_audit_trail(portal):
    assert "permission denied" in refused(portal, "UPDATE audit_auditevent SET action = 'forged'")
    assert "permission denied" in refused(portal, "DELETE FROM audit_auditevent")
    assert "permission denied" in refused(portal, "TRUNCATE audit_auditevent")
    # The flag the test harness uses to empty tables is no key for the portal's role.
    assert "permission denied" in refused(
        portal, "SET LOCAL nq57.audit_truncate = 'allow'", "TRUNCATE audit_auditevent"
    )
    assert "permission denied" in refused(portal, "TRUNCATE audit_auditevent, units_user CASCADE")
    # It reads and appends.
    assert portal.execute("SELECT count(*) FROM audit_auditevent").fetchone() == (1,)


def test_the_portal_role_cannot_disable_drop_or_rewrite_the_append_only_trigger(portal):
    for statement in (
        "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_no_update_delete",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_auditevent_no_truncate ON audit_auditevent",
        "DROP TRIGGER audit_auditevent_no_update_delete ON audit_auditevent",
        "DROP TABLE audit_auditevent CASCADE",
        "ALTER TABLE audit_auditevent RENAME TO old_audit",
        "CREATE OR REPLACE FUNCTION audit_auditevent_refuse() RETURNS trigger AS $$ BEGIN RETURN NULL; END; $$ LANGUAGE plpgsql",
        "DROP FUNCTION audit_auditevent_refuse() CASCADE",
        "SET session_replication_role = replica",
    ):
        assert refused(portal, statement), statement
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_auditevent'::regclass AND tgenabled = 'O'"
        )
        assert {name for (name,) in cursor.fetchall()} == {
            "audit_auditevent_no_update_delete",
            "audit_auditevent_no_truncate",
        }


def test_the_portal_role_owns_nothing_and_holds_no_special_power(portal):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles WHERE rolname = %s",
            [APP_ROLE],
        )
        assert cursor.fetchone() == (False, False, False, False)
        cursor.execute(
            "SELECT count(*) FROM pg_class WHERE relowner = %s::regrole "
            "UNION ALL SELECT count(*) FROM pg_proc WHERE proowner = %s::regrole "
            "UNION ALL SELECT count(*) FROM pg_namespace WHERE nspowner = %s::regrole",
            [APP_ROLE] * 3,
        )
        assert [n for (n,) in cursor.fetchall()] == [0, 0, 0]
        cursor.execute(
            "SELECT privilege_type FROM information_schema.role_table_grants "
            "WHERE grantee = %s AND table_name = 'audit_auditevent' ORDER BY 1",
            [APP_ROLE],
        )
        assert [p for (p,) in cursor.fetchall()] == ["INSERT", "SELECT"]


@pytest.mark.django_db
def test_the_portal_works_as_its_role(app_role, client):
    """Everything below runs with the privileges of the portal's role: a service write with its audit
    event, pages, and a sign-in through the real login form."""
    with connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{app_role}"')
        cursor.execute("SELECT current_user")
        assert cursor.fetchone() == (app_role,)

    plan = PlanFactory(issue_date=datetime.date(2025, 11, 1))
    lead = AssignmentFactory(
        subtask__general_task__section__plan=plan,
        subtask__start_date=datetime.date(2025, 11, 1),
        subtask__deadline=datetime.date(2025, 12, 31),
    )
    staff = UserFactory(unit=lead.unit, roles=[Role.STAFF], password="mat-khau-du-dai-1")
    periods_ensure(now=at(2026, 1, 5))
    november = plan.periods.get(kind="monthly", start=datetime.date(2025, 11, 1))
    report = report_save_draft(
        assignment=lead, period=november, actor=staff, data=data("40"), now=at(2025, 11, 10)
    )
    report_submit(report=report, actor=staff, now=at(2025, 11, 12))
    assert report.completion == Decimal(40)
    assert AuditEvent.objects.filter(object_id=str(report.pk), action="report.submit").exists()

    response = client.post(
        "/accounts/login/", {"username": staff.username, "password": "mat-khau-du-dai-1"}, follow=True
    )
    assert response.status_code == 200 and response.context["user"] == staff
    assert AuditEvent.objects.filter(action="auth.login", actor=staff).exists()
    assert client.get("/kpis/").status_code == 200
    assert client.get(f"/kpis/assignments/{lead.pk}/report/").status_code == 200
    # And still may not rewrite what it wrote.
    with pytest.raises(Exception, match="permission denied"), transaction.atomic():
        AuditEvent.objects.filter(action="auth.login").update(action="forged")


@pytest.mark.django_db(transaction=True)
def test_migrate_runs_as_the_owner_and_grants_the_portal_role(app_role, settings):
    """With DATABASE_OWNER_URL the portal's own connection (DATABASE_URL) never runs DDL: `migrate`
    switches to the owner and grants the portal's role on the way out (here: after its grants were taken)."""
    owner = dict(connection.settings_dict)
    with connection.cursor() as cursor:
        cursor.execute(f'REVOKE ALL ON ALL TABLES IN SCHEMA public FROM "{app_role}"')
        cursor.execute("SELECT has_table_privilege(%s, 'kpis_progressreport', 'INSERT')", [app_role])
        assert cursor.fetchone() == (False,)
    settings.DATABASE_OWNER = {key: owner[key] for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT")}
    connection.close()
    connection.settings_dict["USER"] = app_role  # the portal's DATABASE_URL
    try:
        call_command("migrate", verbosity=0)
        assert connection.settings_dict["USER"] == app_role
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone() == (app_role,)
    finally:
        connection.close()
        connection.settings_dict["USER"] = owner["USER"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT has_table_privilege(%s, 'kpis_progressreport', 'INSERT'), "
            "has_table_privilege(%s, 'audit_auditevent', 'INSERT'), "
            "has_table_privilege(%s, 'audit_auditevent', 'UPDATE'), "
            "has_table_privilege(%s, 'audit_auditevent', 'TRUNCATE'), "
            "has_table_privilege(%s, 'django_migrations', 'INSERT')",
            [app_role] * 5,
        )
        assert cursor.fetchone() == (True, True, False, False, False)
