"""Signals for side effects that belong to other apps (dashboards keep summary rows).

Sent by the services and jobs that change progress: report submission, review decisions, the
red-flag sweep. Receivers must only schedule work (on commit), never change state themselves.
"""

from django.dispatch import Signal

# kwargs: now (aware datetime or None)
progress_changed = Signal()
