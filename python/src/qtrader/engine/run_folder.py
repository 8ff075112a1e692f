"""The rules of a run folder: what may be replaced, how a run is written, and how a failed one is marked.

- A QTrader run folder is marked by ``.qtrader-run`` (JSON: format, run id, name, status, message). Nothing else
  makes a folder a run folder (never the name of a file in it), and nothing that is not one is ever deleted: a
  non-empty folder without the marker is refused.
- A run writes into a new hidden folder beside the target and replaces the target only when it completed (two
  renames; the previous run is kept until the new one is complete, then deleted).
- A lock (``flock`` on ``.<name>.lock`` beside the target) refuses a second run on the same folder.
- A run that fails or is interrupted is marked so (status ``failed`` or ``interrupted``, with the message) and
  left where the user looks for it: at the target when that held no earlier run, else beside it as
  ``<name>.failed`` (the earlier, complete run is left untouched). A disk that fills up leaves nothing: the
  partial folder is deleted, so no half-written file is left that looks complete.
- Free disk space is checked at the start (``check_free_space``) and, through the event log, while the run writes.

The marker's fields are what a run store will keep per run; the rules above move onto it unchanged.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from qtrader.errors import RunFolderError, bounded

MARKER = ".qtrader-run"
MARKER_FORMAT = 1
RUNNING, COMPLETE, FAILED, INTERRUPTED = "running", "complete", "failed", "interrupted"
#: A run does not start, or stops, with less free space than this where it writes.
MIN_FREE_BYTES = 64 << 20


def read_marker(folder: Path) -> dict[str, Any] | None:
    """The folder's run marker, or None when it has none (then it is not a run folder)."""
    path = folder / MARKER
    if not path.is_file():
        return None
    try:
        marker = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"status": "unreadable"}
    return marker if isinstance(marker, dict) else {"status": "unreadable"}


def incomplete_run(folder: Path) -> str | None:
    """Why the run in ``folder`` is not complete (its status and message), or None when it is complete or the
    folder has no marker (written before markers existed)."""
    marker = read_marker(folder)
    if marker is None or marker.get("status") == COMPLETE:
        return None
    message = marker.get("message")
    return f"the run did not complete (status {marker.get('status')!r}" + (f": {message})" if message else ")")


def _write_marker(folder: Path, fields: dict[str, Any]) -> None:
    """Written whole or not at all (a temporary file renamed over the old marker)."""
    temporary = folder / f"{MARKER}.tmp"
    temporary.write_text(json.dumps(fields, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temporary, folder / MARKER)


def is_disk_full(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)


def check_free_space(folder: Path, needed: int = MIN_FREE_BYTES) -> None:
    """A RunFolderError when the file system holding ``folder`` has less than ``needed`` bytes free."""
    free = shutil.disk_usage(folder).free
    if free < needed:
        raise RunFolderError(f"{folder}: only {free / 2**20:,.0f} MiB free on this disk, a run needs at least "
                             f"{needed / 2**20:,.0f} MiB: free some space or write the run elsewhere (--output)")


def _refuse_foreign(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise RunFolderError(f"run folder {target} is a file: choose another run.output_dir or --output")
    if target.is_dir() and read_marker(target) is None and any(target.iterdir()):
        raise RunFolderError(f"run folder {target} exists, is not empty and is not a QTrader run folder (it has no "
                             f"{MARKER}): refusing to write into it; choose another run.output_dir or --output")


@dataclass
class RunFolder:
    """One run's way into its folder: ``with RunFolder(target, run_id, name).writing() as work: ...``."""

    target: Path
    run_id: str
    name: str
    #: Where the partial output of a failed run was left (None while the run goes on or when it completed).
    failed_at: Path | None = None
    _lock: int | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.target = Path(os.path.abspath(self.target))

    @contextmanager
    def writing(self) -> Iterator[Path]:
        """Yield the working folder; on success replace the target with it, on failure mark and keep it."""
        work = self._open()
        try:
            yield work
        except BaseException as exc:
            self._close_failed(work, exc)
            raise
        else:
            self._commit(work)
        finally:
            self._unlock()

    # -- steps ------------------------------------------------------------------------------------------------

    def _fields(self, status: str, message: str | None = None) -> dict[str, Any]:
        fields: dict[str, Any] = {"format": MARKER_FORMAT, "run_id": self.run_id, "name": self.name, "status": status}
        if message:
            fields["message"] = bounded(message)
        return fields

    def _open(self) -> Path:
        target = self.target
        _refuse_foreign(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        self._lock_target()
        try:
            check_free_space(target.parent)
            work = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
            _write_marker(work, self._fields(RUNNING))
        except BaseException:
            self._unlock()
            raise
        return work

    def _lock_target(self) -> None:
        path = self.target.parent / f".{self.target.name}.lock"
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            raise RunFolderError(f"another qtrader run is writing to {self.target} (it holds {path}): wait for it to "
                                 "end, or write this run elsewhere (--output)") from None
        self._lock = handle

    def _unlock(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # closing releases the flock
            self._lock = None

    def _commit(self, work: Path) -> None:
        _write_marker(work, self._fields(COMPLETE))
        target = self.target
        try:
            _refuse_foreign(target)  # something was put there while the run went on: keep both, say where
        except RunFolderError as exc:
            raise RunFolderError(f"{exc} (the run completed: it is in {work})") from None
        if not target.exists():
            os.rename(work, target)
            return
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        os.rename(target, old / "run")
        try:
            os.rename(work, target)
        except OSError:
            os.rename(old / "run", target)  # put the previous run back
            raise
        shutil.rmtree(old, ignore_errors=True)

    def _close_failed(self, work: Path, exc: BaseException) -> None:
        if is_disk_full(exc):
            shutil.rmtree(work, ignore_errors=True)  # frees the space; nothing half-written is left
            return
        status = INTERRUPTED if isinstance(exc, KeyboardInterrupt) else FAILED
        message = "interrupted (Ctrl-C)" if status == INTERRUPTED else f"{type(exc).__name__}: {exc}"
        try:
            _write_marker(work, self._fields(status, message))
            self.failed_at = self._keep_failed(work)
        except OSError:
            self.failed_at = work  # left as it is, marked running: never taken for a complete run

    def _keep_failed(self, work: Path) -> Path:
        """Where the partial output stays: the target if it held no earlier run, else ``<name>.failed``."""
        target = self.target
        if not target.exists() or (target.is_dir() and not any(target.iterdir())):
            if target.exists():
                target.rmdir()
            os.rename(work, target)
            return target
        beside = target.with_name(f"{target.name}.failed")
        marker = read_marker(beside) if beside.is_dir() else None
        if beside.exists() and (marker is None or marker.get("status") == COMPLETE):
            return work  # not ours to replace
        if beside.exists():
            shutil.rmtree(beside)
        os.rename(work, beside)
        return beside


def disk_full_error(exc: OSError, target: Path) -> RunFolderError:
    """The error a run that filled the disk stops with."""
    return RunFolderError(f"the disk filled up while writing the run to {target} ({exc.strerror}): the partial "
                          "output was deleted and the previous run folder, if any, is unchanged; free some space "
                          "and run again")
