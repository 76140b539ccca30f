"""The portal's clock, set by a test.

Services and jobs take `now=`; a page cannot, it reads `django.utils.timezone.now()` (and
`localdate()`, which reads it). A test that builds its data as of a fixed day and then opens pages
sets the clock to that day too, so what the pages call "today" is the data's today on any calendar
day (and under faketime). Code that imported `now` by name keeps the real clock: the portal's code
reads it through the module (`timezone.now()`).
"""

import datetime
import time

from django.utils import timezone


class Clock:
    def __init__(self, monkeypatch):
        self._monkeypatch = monkeypatch

    def set(self, at: datetime.datetime, *, tick: bool = False) -> None:
        """From now on the portal's clock says `at`; with tick=True it then runs on from there."""
        if timezone.is_naive(at):
            raise ValueError("the clock takes an aware moment")
        at = at.astimezone(datetime.UTC)
        started = time.monotonic()

        def now():
            return at + datetime.timedelta(seconds=time.monotonic() - started) if tick else at

        self._monkeypatch.setattr(timezone, "now", now)
