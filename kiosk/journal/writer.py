"""The journal's single writer thread: the screen hands over small jobs and never waits on a disk.

Each job is a function of a connection and runs in its own transaction, in the order submitted.
A failing job (disk full, read-only folder, a damaged file) is rolled back and reported once
through ``on_failure``; later jobs still run, so recording picks up again when space is freed.
"""

from __future__ import annotations

import logging
import queue
import sqlite3
import threading
from pathlib import Path
from typing import Callable

from kiosk.journal import store

log = logging.getLogger(__name__)

Job = Callable[[sqlite3.Connection], None]

_STOP = object()


class Writer:
    """Runs journal jobs on one background thread with its own connection."""

    def __init__(self, path: Path, on_failure: Callable[[BaseException], None],
                 connect: Callable[[Path], sqlite3.Connection] = store.connect):
        self.path = path
        self._on_failure = on_failure
        self._connect = connect
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._closed = False
        self.failures = 0
        self._thread = threading.Thread(target=self._run, name="journal-writer", daemon=True)
        self._thread.start()

    def submit(self, job: Job) -> None:
        """Queue ``job``; returns at once (never blocks the caller)."""
        if not self._closed:
            self._queue.put(job)

    def flush(self, timeout: float | None = 5.0) -> bool:
        """Wait until every job submitted so far has run; False if ``timeout`` ran out first."""
        if self._closed or not self._thread.is_alive():
            return not self._thread.is_alive()
        done = threading.Event()
        self._queue.put(done)
        return done.wait(timeout)

    def close(self, timeout: float | None = 10.0) -> bool:
        """Run what is queued, then stop the thread; True when it stopped within ``timeout``."""
        if not self._closed:
            self._closed = True
            self._queue.put(_STOP)
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def pending(self) -> int:
        """Jobs waiting (approximate; for tests and diagnostics)."""
        return self._queue.qsize()

    def _run(self) -> None:
        conn: sqlite3.Connection | None = None
        while True:
            job = self._queue.get()
            if job is _STOP:
                break
            if isinstance(job, threading.Event):
                job.set()
                continue
            try:
                if conn is None:
                    conn = self._connect(self.path)
                conn.execute("BEGIN IMMEDIATE")
                job(conn)
                conn.execute("COMMIT")
            except Exception as exc:  # the session must go on whatever the disk does
                self.failures += 1
                if conn is not None:
                    try:
                        if conn.in_transaction:
                            conn.execute("ROLLBACK")
                    except sqlite3.Error:
                        conn.close()
                        conn = None
                log.warning("journal write failed: %s", exc)
                try:
                    self._on_failure(exc)
                except Exception:  # pragma: no cover - a reporting bug must not kill the writer
                    log.exception("journal failure handler failed")
        if conn is not None:
            conn.close()
