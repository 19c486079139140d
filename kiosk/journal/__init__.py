"""The session journal: SQLite history, crash-resume points and practice reports.

``Journal.open(data_dir)`` is the kiosk's entry point; :mod:`kiosk.journal.reports` reads the
history back for the history screen, ``kiosk history`` and CSV export.
"""

from kiosk.journal.journal import RESUME_MAX_AGE_S, SAVE_EVERY_S, Journal, ResumeInfo
from kiosk.journal.store import FILENAME, database_path

__all__ = ["FILENAME", "Journal", "RESUME_MAX_AGE_S", "ResumeInfo", "SAVE_EVERY_S", "database_path"]
