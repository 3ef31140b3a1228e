"""How the app talks to Redis when it is a helper (rate limits, health), not the truth.

Redis holds nothing that is not somewhere else too, so a Redis that does not answer must cost
an event a fraction of a second, not the client's default: ten retries with backoff on a
refused connection, and no timeout at all on a frozen one.
"""

import redis
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError
from redis.retry import Retry


def client_options(config) -> dict:
    """Keyword arguments for `redis.Redis` (and `limits`' Redis storage): short timeouts,
    and one retry without waiting when a connection was dropped (a Redis restarted since the
    last use), none after a timeout (a frozen Redis would only cost the wait twice)."""
    timeout = float(config.get("REDIS_TIMEOUT_SECONDS", 0.5))
    return {
        "socket_connect_timeout": timeout,
        "socket_timeout": timeout,
        "retry": Retry(NoBackoff(), 1, supported_errors=(ConnectionError,)),
    }


def ping(url: str, config) -> str | None:
    """None when Redis at `url` answers a ping, else the error's class name."""
    client = redis.Redis.from_url(url, **client_options(config))
    try:
        client.ping()
        return None
    except Exception as exc:  # any error of the client or the socket means "not answering"
        return type(exc).__name__
    finally:
        client.close()
