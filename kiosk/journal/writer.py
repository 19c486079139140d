"""The journal's single writer thread: the screen hands over small jobs and never waits on a disk.

Each job is a function of a connection and runs in its own transaction, in the order submitted.
A job that fails because of the disk (full, locked by another process, an I/O error) is rolled
back and *kept*: it and everything after it wait, in order, and are tried again with a growing
pause until the disk takes them, so a full disk or a held lock delays records but never loses
them. On a full disk the writer first gives back the space reserve (:mod:`kiosk.journal.reserve`),
then cuts the WAL back to nothing.
Only a job SQLite refuses as such (a constraint or a programming error) is dropped, and counted.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections import deque
from pathlib import Path
from typing import Callable

from kiosk.journal import store
from kiosk.journal.reserve import Reserve

log = logging.getLogger(__name__)

Job = Callable[[sqlite3.Connection], None]

_STOP = object()
#: Pauses between attempts while the disk refuses (seconds): short first, then every 2 s.
BACKOFF_S = (0.05, 0.1, 0.2, 0.5, 1.0, 2.0)
#: Commits between two WAL truncations, so the WAL never grows past a few pages on a small disk.
CHECKPOINT_EVERY = 8
#: Least pause between two attempts to make the space reserve again (seconds).
REFILL_EVERY_S = 30.0


def _dropped(exc: BaseException) -> bool:
    """Whether retrying cannot help: the job itself is wrong, not the disk."""
    if isinstance(exc, (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError)):
        return True
    return not isinstance(exc, (sqlite3.Error, OSError))


class Writer:
    """Runs journal jobs on one background thread with its own connection; keeps what fails."""

    def __init__(self, path: Path, on_failure: Callable[[BaseException], None],
                 connect: Callable[[Path], sqlite3.Connection] = store.connect, *,
                 on_caught_up: Callable[[int], None] | None = None, reserve: Reserve | None = None,
                 prepare: Callable[[sqlite3.Connection], None] | None = None):
        self.path = path
        self._on_failure = on_failure
        self._on_caught_up = on_caught_up
        self._connect = connect
        self._reserve = reserve
        self._prepare = prepare  # schema work opening could not do (a lock): before the first job
        self._items: deque = deque()
        self._cond = threading.Condition()
        self._closed = False
        self._give_up_at: float | None = None
        self.failures = 0     #: failed attempts (each retry counts)
        self.written = 0      #: jobs committed
        self.lost = 0         #: jobs that never reached the disk (dropped, or still waiting at close)
        self.stuck: BaseException | None = None  #: why the head job waits, while it waits
        self._held_back = 0   # jobs that waited behind a failure in the current episode
        self._since_checkpoint = 0
        self._wal_cut = False  # the WAL was cut back to make room in the current full-disk episode
        self._last_refill = float("-inf")
        self._thread = threading.Thread(target=self._run, name="journal-writer", daemon=True)
        self._thread.start()

    def submit(self, job: Job) -> None:
        """Queue ``job``; returns at once (never blocks the caller)."""
        with self._cond:
            if not self._closed:
                self._items.append(job)
                self._cond.notify_all()

    @property
    def waiting(self) -> int:
        """Jobs handed over and not yet on disk."""
        with self._cond:
            return sum(1 for item in self._items if callable(item) and item is not _STOP)

    @property
    def pending(self) -> int:
        """Jobs waiting (for tests and diagnostics)."""
        return self.waiting

    def flush(self, timeout: float | None = 5.0) -> bool:
        """Wait until every job submitted so far has run; False if ``timeout`` ran out first."""
        if self._closed or not self._thread.is_alive():
            return not self._thread.is_alive()
        done = threading.Event()
        with self._cond:
            self._items.append(done)
            self._cond.notify_all()
        return done.wait(timeout)

    def close(self, timeout: float | None = 10.0) -> bool:
        """Write what is queued (trying for up to ``timeout``), then stop; True when it stopped in time.

        Jobs the disk still refuses when ``timeout`` runs out are given up and counted in
        :attr:`lost`; the log says how many.
        """
        with self._cond:
            if not self._closed:
                self._closed = True
                self._give_up_at = None if timeout is None else time.monotonic() + max(0.0, timeout - 0.5)
                self._items.append(_STOP)
            self._cond.notify_all()
        self._thread.join(timeout)
        return not self._thread.is_alive()

    # --- the thread ---------------------------------------------------------------------------

    def _run(self) -> None:
        conn: sqlite3.Connection | None = None
        attempt = 0
        while True:
            with self._cond:
                while not self._items:
                    self._cond.wait()
                item = self._items[0]
            if item is _STOP:
                break
            if isinstance(item, threading.Event):
                with self._cond:
                    self._items.popleft()
                item.set()
                continue
            conn, error = self._attempt(conn, item)
            if error is None:
                attempt = 0
                self._done()
                conn = self._tidy(conn)
                continue
            if _dropped(error):
                log.error("journal: a record was refused and dropped: %s", error)
                with self._cond:
                    self._items.popleft()
                    self.lost += 1
                continue
            if store.is_full(error) and self._make_room(conn):
                continue  # the space given back is for exactly this write: nothing waits yet
            if self.stuck is None:
                log.warning("journal write failed, records wait and are retried: %s", error)
                self._report(error)
            self.stuck = error
            if self._gave_up():
                break
            with self._cond:
                self._cond.wait(BACKOFF_S[min(attempt, len(BACKOFF_S) - 1)])
            attempt += 1
        with self._cond:
            left = sum(1 for item in self._items if callable(item) and item is not _STOP)
            for item in self._items:
                if isinstance(item, threading.Event):
                    item.set()
            self._items.clear()
        if left:
            self.lost += left
            log.error("journal: %d record(s) could not be written before the kiosk left (%s)", left, self.stuck)
        if conn is not None:
            conn.close()

    def _attempt(self, conn, job):
        try:
            if conn is None:
                conn = self._connect(self.path)
            if self._prepare is not None:
                self._prepare(conn)
                self._prepare = None
            conn.execute("BEGIN IMMEDIATE")
            job(conn)
            conn.execute("COMMIT")
            return conn, None
        except Exception as exc:  # the session must go on whatever the disk does
            self.failures += 1
            if conn is not None:
                try:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                except sqlite3.Error:
                    conn.close()
                    conn = None
            return conn, exc

    def _make_room(self, conn: sqlite3.Connection | None) -> bool:
        """On a full disk: give back the reserve, else fold the WAL back and cut it to nothing (once)."""
        if self._reserve is not None and self._reserve.release():
            return True
        if conn is None or self._wal_cut:
            return False
        self._wal_cut = True
        try:
            busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            return not busy
        except sqlite3.Error:
            return False

    def _done(self) -> None:
        with self._cond:
            self._items.popleft()
            self.written += 1
            if self.stuck is not None:
                self._held_back += 1
            empty = not any(callable(item) and item is not _STOP for item in self._items)
        self._wal_cut = False
        if self.stuck is not None and empty:
            caught_up, self._held_back, self.stuck = self._held_back, 0, None
            log.warning("journal caught up: %d record(s) that waited are written", caught_up)
            if self._on_caught_up is not None:
                try:
                    self._on_caught_up(caught_up)
                except Exception:  # pragma: no cover - a reporting bug must not stop the writer
                    log.exception("journal caught-up handler failed")

    def _tidy(self, conn: sqlite3.Connection):
        """When idle: fold the WAL back now and then, and make the space reserve again if it is gone."""
        self._since_checkpoint += 1
        with self._cond:
            busy = any(callable(item) and item is not _STOP for item in self._items)
        if busy:
            return conn
        if self._since_checkpoint >= CHECKPOINT_EVERY:
            try:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                self._since_checkpoint = 0
            except sqlite3.Error as exc:
                log.info("journal: WAL checkpoint postponed: %s", exc)
        if self._reserve is not None and time.monotonic() - self._last_refill >= REFILL_EVERY_S:
            self._last_refill = time.monotonic()
            self._reserve.refill()
        return conn

    def _report(self, exc: BaseException) -> None:
        try:
            self._on_failure(exc)
        except Exception:  # pragma: no cover - a reporting bug must not kill the writer
            log.exception("journal failure handler failed")

    def _gave_up(self) -> bool:
        return self._give_up_at is not None and time.monotonic() >= self._give_up_at
