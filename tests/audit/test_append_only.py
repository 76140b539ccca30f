"""On PostgreSQL the audit table refuses UPDATE, DELETE and TRUNCATE, even to raw SQL."""

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEvent
from audit.services import audit_record
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the append-only trigger is PostgreSQL's; SQLite (laptop default) has no such guard",
    ),
]


@pytest.fixture
def event():
    return audit_record(actor=UserFactory(), action="user.update", changes={"x": [1, 2]})


def test_update_is_refused(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditevent SET actor_name = 'x' WHERE id = %s", [event.pk])
    event.refresh_from_db()
    assert event.action == "user.update"


def test_delete_is_refused(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_truncate_is_refused_outside_the_test_harness(event):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # The test settings let the harness empty tables; a normal session has no such flag.
        cursor.execute("SET LOCAL nq57.audit_truncate = 'off'")
        cursor.execute("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_inserting_still_works(event):
    audit_record(actor=None, action="auth.login_failed")
    assert AuditEvent.objects.count() == 2
