"""A time limit for user callbacks: an endless loop in a strategy becomes a clear error, not a hung run.

One daemon thread per process watches the callbacks under a limit (at most one per thread at a time). When one
runs past its deadline it raises ``CallbackTimeout`` in the callback's thread (``PyThreadState_SetAsyncExc``):
this works in any thread (a gRPC worker too, where ``signal.setitimer`` cannot reach) and interrupts any Python
code; a callback blocked inside one C call (a long ``time.sleep``) is interrupted when that call returns.
``CallbackTimeout`` derives from BaseException, so a strategy's ``except Exception`` does not swallow it.
Guarding costs two dictionary writes and a clock read per callback, and only callbacks with a limit pay it.
"""

from __future__ import annotations

import ctypes
import threading
import time
from typing import Any

#: How often the watchdog looks (the limit is honoured to within this).
TICK_SECONDS = 0.05


class CallbackTimeout(BaseException):
    """Raised inside a callback that ran past its time limit."""


class _Watchdog:
    def __init__(self) -> None:
        self.active: dict[int, tuple[float, object]] = {}
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def _ensure_running(self) -> None:
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._watch, name="qtrader-callback-watchdog", daemon=True)
                    self._thread.start()

    def _watch(self) -> None:
        while True:
            time.sleep(TICK_SECONDS)
            now = time.monotonic()
            for thread_id, (deadline, token) in list(self.active.items()):
                if now > deadline and self.active.get(thread_id, (0.0, None))[1] is token:
                    self.active.pop(thread_id, None)
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                                               ctypes.py_object(CallbackTimeout))


_WATCHDOG = _Watchdog()


class Guard:
    """``with Guard(seconds): callback()``: raise CallbackTimeout in the callback past ``seconds``."""

    __slots__ = ("seconds", "_thread_id")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._thread_id = 0
        _WATCHDOG._ensure_running()

    def __enter__(self) -> "Guard":
        self._thread_id = threading.get_ident()
        _WATCHDOG.active[self._thread_id] = (time.monotonic() + self.seconds, self)
        return self

    def __exit__(self, *exc: Any) -> None:
        active = _WATCHDOG.active
        if active.get(self._thread_id, (0.0, None))[1] is self:
            del active[self._thread_id]
