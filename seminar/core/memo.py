"""A worker's small store of values computed from the database.

Each value is kept under a key that names everything it was computed from (a revision, a
state, the minute), so a changed input is a different key, never a stale value; `seconds`,
where given, also bounds how long a value is used. Bounded in size: the oldest go first.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, MutableMapping
from typing import Any, TypeVar

T = TypeVar("T")


class Memo:
    def __init__(self, size: int, seconds: float | None = None) -> None:
        self.size = size
        self.seconds = seconds
        self._lock = threading.Lock()  # gunicorn's threaded workers share one
        self._entries: dict[Hashable, tuple[float, Any]] = {}

    def _fresh(self, stored_at: float, now: float) -> bool:
        return self.seconds is None or now - stored_at < self.seconds

    def get(
        self, key: Hashable, compute: Callable[[], T], keep: Callable[[T], bool] | None = None
    ) -> T:
        """The value kept under `key`, else computed (and kept, unless `keep` says no)."""
        now = time.monotonic()
        with self._lock:
            found = self._entries.get(key)
        if found is not None and self._fresh(found[0], now):
            return found[1]  # type: ignore[no-any-return]
        value = compute()  # outside the lock: two threads may both compute, never wait
        if keep is not None and not keep(value):
            return value
        with self._lock:
            self._entries.pop(key, None)
            if len(self._entries) >= self.size:
                kept = {k: v for k, v in self._entries.items() if self._fresh(v[0], now)}
                while len(kept) >= self.size:  # insertion order: the oldest first
                    del kept[next(iter(kept))]
                self._entries = kept
            self._entries[key] = (now, value)
        return value


def memo_in(
    store: MutableMapping[str, Any], name: str, size: int, seconds: float | None = None
) -> Memo:
    """The memo called `name` in `store` (an app's extensions: one per app and worker)."""
    found = store.get(name)
    if found is None:
        found = store[name] = Memo(size, seconds)
    return found  # type: ignore[no-any-return]
