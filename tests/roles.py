"""The role the portal runs as in a deployment (ops/dbroles.py). Tests themselves run as the owner of the
test database (they create, migrate and empty it); whatever runs "as the portal" connects as this role,
granted by the `app_role` fixture (tests/conftest.py)."""

APP_ROLE = "nq57_app"
