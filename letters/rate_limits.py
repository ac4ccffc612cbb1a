"""Where rate limits are counted: one process's memory by default, or a shared store.

``limits``' own in-memory store (5.8.0, the newest release) can start the same expiry timer
twice when two threads hit it at the moment the previous timer ends: "threads can only be
started once", a 500, and a letter not counted. Threaded servers (``flask run``, gunicorn's
``gthread`` workers) meet that. The fix upstream (alisaifee/limits#352) is not released yet,
so the default store here is the same memory store with every operation under one lock.

Several worker processes need a store they share, or each counts alone and a limit of 60 an
hour lets 60 per worker through: set ``LETTERS_RATELIMIT_STORAGE_URI=redis://…``.
"""

from __future__ import annotations

import threading
from typing import Any

from limits.storage import MemoryStorage

#: The default ``RATELIMIT_STORAGE_URI``: this module's locked memory store.
LOCKED_MEMORY_URI = "letters-memory://"


class LockedMemoryStorage(MemoryStorage):
    """``limits``' memory store with its operations serialised: a hit costs microseconds, so
    the lock costs nothing a visitor could notice."""

    STORAGE_SCHEME = ["letters-memory"]  # noqa: RUF012 - limits' registry reads a list

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: Any):
        self._lock = threading.RLock()
        super().__init__(uri, wrap_exceptions, **options)


def _locked(name: str) -> Any:
    unlocked = getattr(MemoryStorage, name)

    def method(self: LockedMemoryStorage, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return unlocked(self, *args, **kwargs)

    method.__name__ = name
    method.__doc__ = unlocked.__doc__
    return method


# Every public operation: each may schedule the expiry timer or read what it expires.
for _name in (
    "incr",
    "decr",
    "get",
    "clear",
    "acquire_entry",
    "get_expiry",
    "get_moving_window",
    "acquire_sliding_window_entry",
    "get_sliding_window",
    "clear_sliding_window",
    "check",
    "reset",
):
    setattr(LockedMemoryStorage, _name, _locked(_name))
