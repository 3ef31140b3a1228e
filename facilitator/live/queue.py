"""Redis as Socket.IO's message queue, kept a helper: a Redis that does not answer never holds
up an event.

python-socketio hands every broadcast to this process's own sockets first and then publishes
it for the other processes. Its publisher has no timeout (a frozen Redis would hold the
event, and the phone's acknowledgement, for good) and logs two errors per broadcast while
Redis is away. Here the publisher has the short timeouts of `core/redisclient`; once a
publish fails, broadcasts stay local (other processes miss them) until Redis answers again,
looked at every PROBE_EVERY seconds, and the log says so once per outage. The listener is
python-socketio's own: it reconnects by itself when Redis is back.
"""

import time

import redis
import socketio

from ..core import redisclient
from ..core.logs import log

#: Seconds between attempts to publish again once Redis stopped answering.
PROBE_EVERY = 2.0


class RedisQueue(socketio.RedisManager):
    """A RedisManager whose publishing neither waits long nor repeats itself in the log."""

    def __init__(self, url: str, channel: str, config):
        super().__init__(url, channel=channel)
        self._publisher_options = redisclient.client_options(config)
        self._publisher = None
        #: monotonic time a publish last failed; None while Redis answers.
        self.down_since: float | None = None
        self._next_try = 0.0

    def _publish(self, data):
        now = time.monotonic()
        if self.down_since is not None:
            if now < self._next_try:
                return None  # local sockets have it already; other processes miss it
            self._next_try = now + PROBE_EVERY  # before trying: other events do not wait too
        if self._publisher is None:
            self._publisher = redis.Redis.from_url(self.redis_url, **self._publisher_options)
        try:
            answer = self._publisher.publish(self.channel, self.json.dumps(data))
        except redis.RedisError as exc:
            if self.down_since is None:
                self.down_since = now
                self._next_try = now + PROBE_EVERY
                log.warning("message_queue.unreachable", error=type(exc).__name__,
                            broadcasts="this process only")
            return None
        if self.down_since is not None:
            log.info("message_queue.recovered", down_seconds=round(now - self.down_since, 1))
            self.down_since = None
        return answer
