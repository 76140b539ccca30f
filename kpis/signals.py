"""Signals for side effects that belong to other apps (dashboards keep summary rows).

Sent by the services and jobs that change progress: report submission, review decisions, the
red-flag sweep. Receivers schedule work (on commit) or bring their own read-only projections of
the changed assignments up to date in the sender's transaction (the dashboard rows); they never
change the portal's state.
"""

from django.dispatch import Signal

# kwargs: now (aware datetime or None); assignment_ids (the assignments changed, when known)
progress_changed = Signal()
