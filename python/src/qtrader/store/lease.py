"""Who writes a run, and whether that writer is still alive: the rule ``recover()`` applies.

A run's row names its writer (host, pid and the process's start time) and carries a heartbeat that every append
refreshes. On the writer's own host the process table answers (the pid is gone, a zombie, or reused by a process
that started at another time: the writer is gone). From another host only the heartbeat can: a run whose heartbeat
is older than ``stale_after_seconds`` is taken as gone.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from qtrader.store.model import Writer

#: How old a heartbeat may be before a writer on another host is taken as gone.
STALE_AFTER_SECONDS = 300.0


def _proc_stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name, or None where there is no such process or no /proc."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as file:
            text = file.read().decode("ascii", "replace")
    except OSError:
        return None
    return text[text.rfind(")") + 2:].split()  # the command name may contain spaces and parentheses


def process_started(pid: int) -> str:
    """The process's start time in clock ticks since boot (Linux), or "" where the OS does not say."""
    fields = _proc_stat(pid)
    return fields[19] if fields is not None and len(fields) > 19 else ""


def this_writer() -> Writer:
    pid = os.getpid()
    return Writer(host=socket.gethostname(), pid=pid, started=process_started(pid))


def _process_alive(writer: Writer) -> bool:
    fields = _proc_stat(writer.pid)
    if fields is not None:
        state, started = fields[0], fields[19] if len(fields) > 19 else ""
        return state not in ("Z", "X") and (not writer.started or started == writer.started)
    if os.path.isdir("/proc"):
        return False
    try:  # no /proc (macOS, BSD): only whether some process has the pid
        os.kill(writer.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def writer_gone(writer: Writer | None, heartbeat_at: datetime | None, now: datetime,
                stale_after_seconds: float = STALE_AFTER_SECONDS) -> str | None:
    """Why the writer of a running run is taken as gone, or None while it may still be at work."""
    if writer is not None and writer.host == socket.gethostname():
        if _process_alive(writer):
            return None
        return f"its writer process {writer.pid} on {writer.host} is gone"
    if heartbeat_at is not None and now - heartbeat_at < timedelta(seconds=stale_after_seconds):
        return None
    where = f"process {writer.pid} on {writer.host}" if writer is not None else "writer"
    last = heartbeat_at.isoformat() if heartbeat_at is not None else "never"
    return f"its {where} sent no heartbeat for over {stale_after_seconds:g} s (last: {last})"
