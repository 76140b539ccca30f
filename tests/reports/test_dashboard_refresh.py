import pytest
from django.core.cache import cache

from kpis.signals import progress_changed
from nq57portal.celery import app
from reports.dashboard import refresh


@pytest.fixture
def with_broker(monkeypatch):
    sent = []
    app.conf.task_always_eager = False
    monkeypatch.setattr(refresh, "enqueue_on_commit", lambda job: sent.append(job))
    cache.delete(refresh.PENDING_KEY)
    yield sent
    app.conf.task_always_eager = True
    cache.delete(refresh.PENDING_KEY)


def test_progress_changes_within_the_window_share_one_rebuild(with_broker):
    for _ in range(5):
        progress_changed.send(sender="test", now=None)
    assert len(with_broker) == 1
    assert with_broker[0].name == "reports.refresh_dashboard"
    assert with_broker[0].countdown == 30


def test_a_change_after_the_window_queues_another(with_broker):
    progress_changed.send(sender="test", now=None)
    cache.delete(refresh.PENDING_KEY)  # the window has passed
    progress_changed.send(sender="test", now=None)
    assert len(with_broker) == 2


def test_nothing_is_queued_without_a_broker():
    assert app.conf.task_always_eager
    assert refresh.refresh_soon() is False
