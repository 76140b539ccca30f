"""schemathesis over the schema the portal serves, against the test app: no server error, and every
answer as the schema describes it (status code, content type, headers, body), for a province client
with both scopes reading a small plan (tests.api.world)."""

import json

import pytest
import schemathesis
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis import checks

from api.models import Scope
from tests.api.world import api_world

pytestmark = pytest.mark.django_db


def _served_schema() -> dict:
    """What /api/schema/ serves (its view runs this generator), as JSON."""
    return json.loads(
        json.dumps(SchemaGenerator().get_schema(request=None, public=True), cls=DjangoJSONEncoder)
    )


schema = schemathesis.openapi.from_dict(_served_schema())
schema.app = get_wsgi_application()


@pytest.fixture
def token(make_client):
    api_world()
    _, http = make_client(scopes=[Scope.FIGURES, Scope.TEXTS])
    return http.token


@pytest.fixture(autouse=True)
def _requests_keep_the_test_connection():
    """schemathesis calls the real WSGI handler, whose request_started/request_finished signals run
    close_old_connections: inside the test's transaction autocommit is off, so Django takes the
    connection for one left broken and closes it (PostgreSQL: every later query fails with 'the
    connection is closed'; SQLite's in-memory database ignores the close, hence green there).
    django.test.Client disconnects the same receiver around each request; so do we here."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_answers_as_its_schema_says(case, token):
    # All of schemathesis' checks but the rejection of schema-violating input: an empty filter
    # (`?plan=`, as an HTML form sends it) is read as no filter rather than refused.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"}, excluded_checks=[checks.negative_data_rejection]
    )


def test_the_schema_is_served_with_its_documentation(db):
    served = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert served.status_code == 200
    assert json.loads(served.content) == _served_schema()
    docs = Client().get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()
    assert b"/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs.content
