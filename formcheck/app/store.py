"""A small in-memory store shared by every session of one app process.

Results are kept by key (content hash + settings) so a video is analysed once, however many people open it or
how often the page reruns. While one session computes a key, others asking for the same key wait for that result
instead of starting a second analysis; a failure is not stored, so the next try starts afresh. Only the most
recently used entries are kept, which bounds memory.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class ResultStore(Generic[Value]):
    def __init__(self, max_entries: int = 8) -> None:
        self._max_entries = max_entries
        self._values: OrderedDict[Hashable, Value] = OrderedDict()
        self._key_locks: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Value | None:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            return None

    def get_or_compute(self, key: Hashable, compute: Callable[[], Value]) -> Value:
        found = self.get(key)
        if found is not None:
            return found
        with self._lock:
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            found = self.get(key)  # another session may have finished it while we waited
            if found is not None:
                return found
            value = compute()
            with self._lock:
                self._values[key] = value
                self._values.move_to_end(key)
                while len(self._values) > self._max_entries:
                    self._values.popitem(last=False)
                self._key_locks.pop(key, None)
            return value

    def __len__(self) -> int:
        with self._lock:
            return len(self._values)
