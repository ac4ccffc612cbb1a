"""The default rate-limit store survives threads (``letters.rate_limits``)."""

from __future__ import annotations

import threading
import time

from flask import Flask
from limits.storage import MemoryStorage

from letters.extensions import limiter
from letters.rate_limits import LockedMemoryStorage


def slow_to_swap_timers(store: type[MemoryStorage]) -> type[MemoryStorage]:
    """``store`` whose expiry timer takes a moment to be replaced: it widens, to a certainty,
    the window in which one thread starts the timer another thread has just put in place."""

    class Slow(store):  # type: ignore[valid-type, misc]
        @property
        def timer(self) -> threading.Timer:
            return self._timer

        @timer.setter
        def timer(self, value: threading.Timer) -> None:
            self._timer = value
            time.sleep(0.05)

    return Slow


def hit_together(storage: MemoryStorage) -> list[BaseException]:
    """Two threads count a hit at the same moment, after the store's expiry timer stopped."""
    storage.incr("warm", 60)
    time.sleep(0.1)  # the timer started by that hit has run and stopped
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def hit() -> None:
        barrier.wait()
        try:
            storage.incr("sent/192.0.2.1", 3600)
        except RuntimeError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=hit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_two_threads_hitting_at_once_do_not_break_the_locked_store() -> None:
    # limits' own store (5.8.0) can fail so ("threads can only be started once", and a KeyError
    # in its expiry timer), which is why the app does not use it (alisaifee/limits#352). It is
    # no longer exercised here: whether it fails depends on the expiry thread's timing, and the
    # control made CI fail at random (it passed and failed on the same code).
    locked = slow_to_swap_timers(LockedMemoryStorage)()
    assert hit_together(locked) == []
    assert locked.get("sent/192.0.2.1") == 2  # both hits counted


def test_the_app_counts_in_the_locked_store_unless_told_otherwise(app: Flask) -> None:
    assert isinstance(limiter._storage, LockedMemoryStorage)  # noqa: SLF001
    assert app.config["RATELIMIT_STORAGE_URI"] == "letters-memory://"
