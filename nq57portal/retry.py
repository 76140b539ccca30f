"""Running a user's action again when PostgreSQL aborted it to break a deadlock or a serialization
conflict (SQLSTATE 40P01, 40001): the transaction was rolled back whole, so running the view again
is safe, and the user sees the action done instead of an error page."""

import functools
import logging
import random
import time

from django.db import OperationalError, connection

logger = logging.getLogger(__name__)

RETRIED_SQLSTATES = {"40P01", "40001"}  # deadlock_detected, serialization_failure
ATTEMPTS = 3


def is_conflict(error: BaseException) -> bool:
    return getattr(error.__cause__, "sqlstate", None) in RETRIED_SQLSTATES


def retry_on_conflict(view):
    """For views whose writes run in their own transaction (never under ATOMIC_REQUESTS)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return view(request, *args, **kwargs)
            except OperationalError as error:
                if attempt == ATTEMPTS or not is_conflict(error) or connection.in_atomic_block:
                    raise
                logger.warning(
                    "%s: %s; running it again (%d)", request.path, error.__cause__.sqlstate, attempt
                )
                for _name, files in request.FILES.lists():
                    for upload in files:
                        upload.seek(0)
                time.sleep(random.uniform(0.05, 0.25) * attempt)  # noqa: S311 - jitter, not secrecy
        raise AssertionError("unreachable")

    return wrapped
