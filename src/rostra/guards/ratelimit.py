"""Rate limits as a generic cell rate algorithm (GCRA): `per_minute` requests per rolling minute,
which may come in one burst; in memory by default, in Redis when several workers must share counts."""

from __future__ import annotations

import threading
import time
from typing import Protocol

WINDOW_SECONDS = 60.0


class RateLimiter(Protocol):
    def hit(self, bucket: str, per_minute: int) -> float | None:
        """Count one request in `bucket`: None when allowed, else the seconds to wait before retrying."""


def _gcra(theoretical_arrival: float, now: float, per_minute: int) -> tuple[float, float | None]:
    """(new theoretical arrival time, seconds to wait or None) for one request at `now`."""
    interval = WINDOW_SECONDS / per_minute
    arrival = max(theoretical_arrival, now) + interval
    allowed_from = arrival - WINDOW_SECONDS
    if now < allowed_from:
        return theoretical_arrival, allowed_from - now
    return arrival, None


class MemoryRateLimiter:
    """Counts within this process (enough for one worker)."""

    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._arrivals: dict[str, float] = {}
        self._lock = threading.Lock()
        self._next_sweep = 0.0

    def hit(self, bucket: str, per_minute: int) -> float | None:
        if per_minute <= 0:
            return None
        now = self._clock()
        with self._lock:
            if now >= self._next_sweep:
                self._arrivals = {key: value for key, value in self._arrivals.items() if value > now}
                self._next_sweep = now + WINDOW_SECONDS
            arrival, wait = _gcra(self._arrivals.get(bucket, 0.0), now, per_minute)
            self._arrivals[bucket] = arrival
        return wait


# The same algorithm as `_gcra`, run atomically inside Redis on Redis's own clock.
_GCRA_SCRIPT = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local window = tonumber(ARGV[1])
local interval = window / tonumber(ARGV[2])
local stored = tonumber(redis.call('GET', KEYS[1]) or '0')
local arrival = math.max(stored, now) + interval
local allowed_from = arrival - window
if now < allowed_from then
  return tostring(allowed_from - now)
end
redis.call('SET', KEYS[1], tostring(arrival), 'PX', math.ceil((arrival - now) * 1000) + 1000)
return false
"""


class RedisRateLimiter:
    """Counts shared by every worker and machine that uses the same Redis."""

    def __init__(self, url: str, prefix: str = "rostra:ratelimit:"):
        import redis

        self._redis = redis.Redis.from_url(url)
        self._script = self._redis.register_script(_GCRA_SCRIPT)
        self._prefix = prefix

    def hit(self, bucket: str, per_minute: int) -> float | None:
        if per_minute <= 0:
            return None
        wait = self._script(keys=[self._prefix + bucket], args=[WINDOW_SECONDS, per_minute])
        return None if wait is None else float(wait)


def limiter_for(redis_url: str | None) -> RateLimiter:
    """Redis when a URL is configured, otherwise in memory."""
    return RedisRateLimiter(redis_url) if redis_url else MemoryRateLimiter()
