"""Railway's request budgets: per token, an hourly window and a per-second limit, with X-RateLimit-* headers.

Railway's plans allow so many requests an hour and a second (realism.PLANS, docs `integrations/api.md`).
Each token (the account token, the workspace token, each project token) has its own budget. The hourly
window starts with the token's first request and lasts an hour; once it is used up every request gets
429 with `Retry-After` up to the window's end. Past the per-second limit (the requests of the last
second) a request gets 429 with `Retry-After: 1`. A refused request does not count.
"""
import collections
import threading
import time

WINDOW_SECONDS = 3600
SHOWN_LIMIT_WHEN_OFF = 10000      # Railway's Pro plan; shown in headers, never enforced


class TokenBudget:
    """One token's hourly window and the times of its requests of the last second."""

    def __init__(self):
        self.window_start = None
        self.used = 0
        self.recent = collections.deque()

    def roll(self, now):
        if self.window_start is None or now >= self.window_start + WINDOW_SECONDS:
            self.window_start, self.used = now, 0
        while self.recent and self.recent[0] <= now - 1.0:
            self.recent.popleft()


class RateLimiter:
    """Counts requests per token; `override_per_hour` (`--railway-rate-limit N`) replaces the plan's hourly limit."""

    def __init__(self, override_per_hour=None, clock=time.time):
        self.override_per_hour = override_per_hour
        self.clock = clock
        self.budgets = {}
        self.lock = threading.Lock()

    def limits(self, plan, enforced):
        """(hourly limit or None, per-second limit or None) in force."""
        hourly = self.override_per_hour or (plan["requests_per_hour"] if enforced else None)
        per_second = plan["requests_per_second"] if enforced else None
        return hourly, per_second

    def count_request(self, token_key, plan, enforced, force_exhausted=False):
        """Count one request of `token_key`: (headers to send, Retry-After seconds when refused, else None)."""
        hourly, per_second = self.limits(plan, enforced)
        with self.lock:
            now = self.clock()
            budget = self.budgets.setdefault(token_key, TokenBudget())
            budget.roll(now)
            reset_at = int(budget.window_start + WINDOW_SECONDS)
            retry_after = None
            if hourly and budget.used >= hourly:
                retry_after = max(reset_at - int(now), 1)
            elif per_second and len(budget.recent) >= per_second:
                retry_after = 1
            elif not force_exhausted:
                budget.used += 1
                budget.recent.append(now)
            shown = hourly or SHOWN_LIMIT_WHEN_OFF
            remaining = 0 if force_exhausted else max(shown - budget.used, 0)
            headers = [("X-RateLimit-Limit", str(shown)), ("X-RateLimit-Remaining", str(remaining)),
                       ("X-RateLimit-Reset", str(reset_at))]
            return headers, retry_after

    def new_window(self):
        """Every token starts a fresh hour (the control API's `new_window`)."""
        with self.lock:
            self.budgets.clear()

    def view(self, plan, enforced):
        hourly, per_second = self.limits(plan, enforced)
        with self.lock:
            now = self.clock()
            tokens = {}
            for key, budget in self.budgets.items():
                budget.roll(now)
                tokens[key] = {"used": budget.used, "window_ends_at": int(budget.window_start + WINDOW_SECONDS),
                               "last_second": len(budget.recent)}
        return {"requests_per_hour": hourly, "requests_per_second": per_second, "tokens": tokens}
