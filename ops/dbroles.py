"""The two PostgreSQL roles of a deployment.

The portal (web, worker, beat) connects with DATABASE_URL as a role that owns nothing: it reads and
writes the tables, but may only read and append to the audit trail — no UPDATE, DELETE or TRUNCATE —
and, not owning the table, can neither disable nor drop its append-only trigger. The tables belong to
DATABASE_OWNER_URL's role, which runs the migrations and restores (`migrate` and `restore` switch to
it) and then grants the portal's role exactly that (`grant_app_role`). Without DATABASE_OWNER_URL
(laptop, SQLite) everything runs as DATABASE_URL, as before.
"""

from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.utils import DatabaseError

# The audit trail: the portal reads and appends, nothing else (ALTER/DROP need ownership, which it lacks).
APPEND_ONLY_TABLES = ("audit_auditevent",)
# Which migrations ran: only `migrate`, as the owner, writes it.
READ_ONLY_TABLES = ("django_migrations",)

# What the owner's URL replaces: the database stays the one the portal uses (a test database stays itself).
CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT")


class RoleError(Exception):
    pass


def owner_settings() -> dict | None:
    return getattr(settings, "DATABASE_OWNER", None) or None


@contextmanager
def as_owner(alias: str = DEFAULT_DB_ALIAS):
    """Run the block on a connection as the owner of the tables, then grant the portal's role.

    Yields the portal's own credentials (the connection's settings before the switch), or None when
    no owner is configured (the block then runs as DATABASE_URL, unchanged)."""
    owner = owner_settings()
    connection = connections[alias]
    if not owner or connection.vendor != "postgresql":
        yield None
        return
    portal = {key: connection.settings_dict.get(key) for key in CREDENTIALS}
    connection.close()
    connection.settings_dict.update({key: owner.get(key) or "" for key in CREDENTIALS})
    try:
        yield portal
        if portal["USER"] and portal["USER"] != connection.settings_dict["USER"]:
            grant_app_role(connection, portal["USER"], password=portal["PASSWORD"] or None)
    finally:
        connection.close()
        connection.settings_dict.update(portal)


def _quote(connection, template: str, **parts) -> str:
    from psycopg import sql

    connection.ensure_connection()
    return sql.SQL(template).format(**parts).as_string(connection.connection)


def _create_role(connection, role: str, password: str | None) -> None:
    from psycopg import sql

    statement = "CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION"
    parts = {"role": sql.Identifier(role)}
    if password:
        statement += " PASSWORD {password}"
        parts["password"] = sql.Literal(password)
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(_quote(connection, statement, **parts))
    except DatabaseError as exc:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone():  # created meanwhile by another process
                return
        raise RoleError(
            f"Không tạo được vai trò {role!r} ({exc}). Hãy tạo nó (CREATE ROLE {role} LOGIN PASSWORD …) "
            "hoặc chạy bằng vai trò có quyền CREATEROLE."
        ) from exc


def grant_app_role(connection, role: str, *, password: str | None = None) -> None:
    """Create the portal's role if missing and grant it what the portal needs, nothing more. Idempotent.

    No default privileges: a table created or restored outside `migrate`/`restore` (say, a hand-run
    pg_restore) stays closed to the portal until this runs again, rather than open to it in full.

    Run as the owner of the tables (after migrate and restore). Refuses a role that could undo the
    guard: a superuser, one that may create roles, a member of the owner, or one owning objects here."""
    from psycopg import sql

    # One transaction: the role never holds, even for a moment, more than the end state.
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rolsuper, rolcreaterole, rolbypassrls FROM pg_roles WHERE rolname = %s",
                [role],
            )
            row = cursor.fetchone()
        if row is None:
            _create_role(connection, role, password)
        elif any(row):
            raise RoleError(
                f"Vai trò {role!r} của cổng là superuser hoặc có quyền CREATEROLE/BYPASSRLS: "
                "cổng phải chạy bằng một vai trò thường."
            )
        elif password:
            with connection.cursor() as cursor:
                cursor.execute(
                    _quote(
                        connection,
                        "ALTER ROLE {role} LOGIN PASSWORD {password}",
                        role=sql.Identifier(role),
                        password=sql.Literal(password),
                    )
                )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_user, current_database(), current_schema(), pg_has_role(%s, current_user, 'MEMBER')",
                [role],
            )
            owner, database, schema, member = cursor.fetchone()
            if role == owner or member:
                raise RoleError(f"Vai trò {role!r} của cổng là (hoặc thuộc) vai trò sở hữu {owner!r}.")
            cursor.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
                "WHERE r.rolname = %s AND c.relnamespace = current_schema()::regnamespace",
                [role],
            )
            if cursor.fetchone()[0]:
                raise RoleError(
                    f"Vai trò {role!r} của cổng đang sở hữu bảng: chuyển cho vai trò sở hữu "
                    f"(REASSIGN OWNED BY {role} TO {owner}) rồi chạy lại."
                )
            ids = {
                "role": sql.Identifier(role),
                "db": sql.Identifier(database),
                "schema": sql.Identifier(schema),
            }
            statements = [
                "GRANT CONNECT ON DATABASE {db} TO {role}",
                "GRANT USAGE ON SCHEMA {schema} TO {role}",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
                "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
            ]
            for statement in statements:
                cursor.execute(_quote(connection, statement, **ids))
            for tables, privileges in (
                (APPEND_ONLY_TABLES, "UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER"),
                (READ_ONLY_TABLES, "INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER"),
            ):
                for table in tables:
                    revoke = f"REVOKE {privileges} ON {{schema}}.{{table}} FROM {{role}}, PUBLIC"
                    cursor.execute(_quote(connection, revoke, table=sql.Identifier(table), **ids))
