"""The project's exceptions.

Every error a user can cause is a :class:`KioskError`; each also inherits the built-in it
resembles, so callers that know only the built-ins still catch it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in a file, reported the way a compiler does: ``FILE:LINE:COL: error: MESSAGE``.

    ``line`` and ``col`` count from 1; 0 means "the file as a whole".
    """

    path: str
    line: int
    col: int
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = self.path
        if self.line:
            where += f":{self.line}:{self.col}"
        text = f"{where}: error: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class KioskError(Exception):
    """Base of every error the kiosk reports to a person rather than as a traceback."""


class FileProblemsError(KioskError, ValueError):
    """A file has one or more problems; ``problems`` lists them all, in file order."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems = tuple(sorted(problems))
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def path(self) -> str:
        return self.problems[0].path if self.problems else ""


class RoutineError(FileProblemsError):
    """A routine file cannot be loaded, or a routine cannot be planned as asked."""


class ConfigError(FileProblemsError):
    """The room configuration file has problems."""


class PlanError(KioskError, ValueError):
    """A plan was asked for that the routine cannot give (for example a length out of reach)."""


class HardwareError(KioskError, OSError):
    """A device the kiosk needs is missing or owned by someone else (GPIO busy, no audio)."""


class JournalError(KioskError, OSError):
    """The session journal cannot be read or written."""
