"""Railway's per-hour request limit and its X-RateLimit-* response headers."""
import threading
import time

WINDOW_SECONDS = 3600
SHOWN_LIMIT_WHEN_OFF = 10000      # Railway's Pro plan; shown in headers, never enforced


class RateLimitWindow:
    def __init__(self, limit_per_hour=None, clock=time.time):
        self.limit = limit_per_hour
        self.clock = clock
        self.window_start = None
        self.used = 0
        self.lock = threading.Lock()

    def count_request(self, force_exhausted=False):
        """Count one request: (headers to send, whether the limit is exceeded)."""
        with self.lock:
            now = self.clock()
            if self.window_start is None or now >= self.window_start + WINDOW_SECONDS:
                self.window_start, self.used = now, 0
            self.used += 1
            limit = self.limit or SHOWN_LIMIT_WHEN_OFF
            reset_at = int(self.window_start + WINDOW_SECONDS)
            exceeded = bool(self.limit) and self.used > self.limit
            remaining = 0 if force_exhausted else max(limit - self.used, 0)
            headers = [("X-RateLimit-Limit", str(limit)), ("X-RateLimit-Remaining", str(remaining)),
                       ("X-RateLimit-Reset", str(reset_at))]
            if exceeded:
                headers.append(("Retry-After", str(max(reset_at - int(now), 1))))
            return headers, exceeded
