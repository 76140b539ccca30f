"""Signals for side effects that belong to other apps (dashboards keep summary rows).

Sent by the services and jobs that change progress: report submission, review decisions, the
red-flag sweep. Receivers schedule work (on commit) or bring their own read-only projections of
the changed assignments up to date in the sender's transaction (the dashboard rows); they never
change the portal's state.
"""

import contextlib
import contextvars

from django.dispatch import Signal

# kwargs: now (aware datetime or None); assignment_ids (the assignments changed, when known)
progress_changed = Signal()

# Replaying months of history in one go (the demo) makes thousands of reports and decisions; each
# would otherwise sweep its own assignment, rewrite its dashboard rows and send the e-mail outbox
# at once. Inside `assignment_updates_deferred()` those per-assignment updates are skipped and the
# caller runs the full sweep and dashboard rebuild itself, as the periodic jobs would (the e-mails
# of a replayed past are not sent).
_deferred = contextvars.ContextVar("assignment_updates_deferred", default=False)


@contextlib.contextmanager
def assignment_updates_deferred():
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)


def assignment_updates_are_deferred() -> bool:
    return _deferred.get()
