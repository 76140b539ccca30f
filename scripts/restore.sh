#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh. Usage: scripts/restore.sh DIR   (replaces current data)
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"; [ -x "$PY" ] || PY=python
exec "$PY" manage.py restore "$1" --yes
