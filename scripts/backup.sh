#!/usr/bin/env bash
# Nightly backup: database + private files with SHA-256 manifest. Usage: scripts/backup.sh [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"; [ -x "$PY" ] || PY=python
exec "$PY" manage.py backup "${1:-backups/$(date -u +%Y%m%d-%H%M%S)}"
