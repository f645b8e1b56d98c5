"""Checkpoints of a SQLite write-ahead log on a background thread, so that the writer does
not wait for the disk.

In WAL mode a commit appends pages to the log; a checkpoint copies them into the database
file and syncs it. Run inside a commit, that copy and sync stall the writer; run here, on a
connection of its own, they overlap the writer's next batch (SQLite lets one checkpoint run
beside one writer). The log restarts from its beginning once every committed page has been
copied, so the writer waits for a checkpoint only when the log has grown past a bound.
"""

from __future__ import annotations

import sqlite3
import threading


class Checkpointer:
    """Checkpoints ``path``'s log whenever asked, one at a time, on its own thread.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "store.db"
    >>> db = sqlite3.connect(path, isolation_level=None)
    >>> db.execute("PRAGMA journal_mode = WAL").fetchone()
    ('wal',)
    >>> checkpointer = Checkpointer(str(path), max_log_pages=1000)
    >>> _ = db.execute("CREATE TABLE t (x)")
    >>> checkpointer.committed()
    >>> checkpointer.close()
    >>> checkpointer.log_pages  # the log's pages, all copied by the last checkpoint
    2
    """

    def __init__(self, path: str, *, max_log_pages: int) -> None:
        self.path = path
        self.max_log_pages = max_log_pages
        self.log_pages = 0  # pages in the log when the last checkpoint ended
        self._state = threading.Condition()
        self._wanted = False
        self._running = False
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="golden-checkpoint",
                                        daemon=True)
        self._thread.start()

    def committed(self) -> None:
        """Ask for a checkpoint of what has been committed."""
        with self._state:
            self._wanted = True
            self._state.notify_all()

    def before_write(self) -> None:
        """Wait for the pending checkpoints when the log has grown past its bound, so the
        next write restarts it from the beginning."""
        if self.log_pages > self.max_log_pages:
            self.wait()

    def wait(self) -> None:
        """Wait until no checkpoint is running or asked for."""
        with self._state:
            self._state.wait_for(
                lambda: self._stopping or not (self._wanted or self._running))

    def close(self) -> None:
        """Finish the pending checkpoint and stop the thread."""
        with self._state:
            self._stopping = True
            self._state.notify_all()
        self._thread.join()

    def _run(self) -> None:
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA busy_timeout = 30000")
            while self._next():
                try:
                    _, pages, _ = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                    self.log_pages = max(pages, 0)
                except sqlite3.Error:
                    pass  # not copied yet: the next commit asks again, closing copies all
                finally:
                    with self._state:
                        self._running = False
                        self._state.notify_all()
        finally:
            db.close()
            with self._state:
                self._stopping, self._wanted = True, False
                self._state.notify_all()

    def _next(self) -> bool:
        """Wait for a request; whether to checkpoint (False: stop)."""
        with self._state:
            self._state.wait_for(lambda: self._wanted or self._stopping)
            if not self._wanted:
                return False
            self._wanted, self._running = False, True
            return True
