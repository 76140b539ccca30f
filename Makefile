# Two commands: `make run` (a working portal on 127.0.0.1:8000) and `make test` (lint + all tests).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
export DJANGO_SETTINGS_MODULE ?= nq57portal.settings.local
# Debian packages the project needs: Chromium for browser tests, Vietnamese-capable
# Times-compatible fonts and HarfBuzz subsetting for WeasyPrint, poppler for pdftotext,
# docker-compose to validate the compose file, faketime to run the suite on another day.
DEB_PACKAGES := chromium fonts-liberation2 fonts-croscore libharfbuzz-subset0 poppler-utils docker-compose clamav-daemon gettext faketime
# Found when used (after sysdeps has installed it): the path holds the machine's architecture.
FAKETIME_LIB = $(firstword $(wildcard /usr/lib/*/faketime/libfaketime.so.1))
FAKETIME_OFFSET ?= +400d

.PHONY: run test test-faketime lint format sysdeps install migrate demo worker beat clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet ".[dev]"
	touch $@

install: $(VENV)/.installed

sysdeps:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian packages:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		elif command -v sudo >/dev/null && command -v apt-get >/dev/null; then \
			sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else echo "Warning: missing Debian packages:$$missing (PDF fonts and browser tests need them)"; fi; \
	fi

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

# As root, `make run` first installs the system packages (the report's Vietnamese fonts among them);
# otherwise it goes on and the report builder says which fonts are missing.
run: $(if $(filter 0,$(shell id -u)),sysdeps) demo
	@echo "Portal: http://127.0.0.1:8000/"
	$(PY) manage.py runserver 127.0.0.1:8000

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint --lint templates */templates

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djlint --reformat templates */templates || true

test: install sysdeps lint
	DJANGO_SETTINGS_MODULE=nq57portal.settings.test $(PY) -m pytest

# The suite on any day: the tests that read the calendar, with the whole process's clock moved
# $(FAKETIME_OFFSET) ahead. On SQLite, whose clock is the process's own (PostgreSQL keeps the real
# one); browser and integration tests start other processes and stay on the real clock.
test-faketime: install sysdeps
	@test -n "$(FAKETIME_LIB)" || { echo "libfaketime not found (Debian package faketime)"; exit 1; }
	env -u DATABASE_URL -u REDIS_URL FAKETIME="$(FAKETIME_OFFSET)" LD_PRELOAD="$(FAKETIME_LIB)" \
		DJANGO_SETTINGS_MODULE=nq57portal.settings.test \
		$(PY) -m pytest -m "not browser and not integration" -p no:cacheprovider

# One worker for every queue (long and short jobs, and the default); compose runs one per kind.
worker: install
	$(VENV)/bin/celery -A nq57portal worker -l info

beat: install
	$(VENV)/bin/celery -A nq57portal beat -l info

clean:
	rm -rf $(VENV) db.sqlite3 var staticfiles
