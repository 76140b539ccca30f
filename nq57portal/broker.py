"""The Redis transport Celery uses, with one fix: a worker survives Redis going away while it holds
a message.

When the broker connection drops, the worker closes the channel, and closing it tries to put back
the messages it holds unacknowledged (a delayed dashboard refresh, a job running with acks_late).
By then kombu has detached the channel's transport from its connection, so building a Redis client
for that fails with AttributeError ("'NoneType' object has no attribute 'hostname'"), which Celery
does not expect there: the worker stops ("Unrecoverable error"), every time (celery/kombu#582's
path; celery 5.7.0, kombu 5.7.0, redis 8.1.0).

Those messages need no putting back: kombu keeps each unacknowledged message in Redis (the
`unacked` hash) until it is acknowledged, and any worker puts back those older than the visibility
timeout. So when the transport is detached, the restore is left to that, as it already is when
Redis cannot be reached at all, and the worker reconnects as it does after any other broker error.
Jobs are idempotent, so a message run twice (once before the drop, once after) does no harm.
"""

import logging

from kombu.transport import redis

logger = logging.getLogger(__name__)


class QoS(redis.QoS):
    def restore_unacked(self, client=None):
        if client is None and self.channel.connection.client is None:
            logger.warning(
                "Broker connection lost holding %d unacknowledged message(s); Redis keeps them and "
                "they are delivered again after the visibility timeout",
                len(self._delivered),
            )
            self._delivered.clear()
            return None
        return super().restore_unacked(client)


class Channel(redis.Channel):
    QoS = QoS


class Transport(redis.Transport):
    Channel = Channel
