"""How each run of a step went: what the summary screen charts and the journal keeps."""

from __future__ import annotations

from dataclasses import dataclass

#: Session times convert from clock times with a rounding error; closer than this is the same moment.
EPS = 1e-9


def judge(actual_s: float, min_s: float, max_s: float) -> str:
    """``early``, ``within`` or ``late``: how ``actual_s`` compares with the window ``min_s``-``max_s``."""
    if actual_s < min_s - EPS:
        return "early"
    return "late" if actual_s > max_s + EPS else "within"


@dataclass(frozen=True)
class StepRun:
    """One run of a step against its window (seconds): the part the engine's records and the
    journal's rows share, so the two can never describe a step differently."""

    index: int
    name: str
    side: str | None
    planned_s: float
    min_s: float
    max_s: float
    actual_s: float


@dataclass(frozen=True)
class StepRecord(StepRun):
    """How one run of a step went, for the summary screen and the journal (times in seconds;
    ``started_s``/``ended_s`` count from the session's start, ``actual_s`` excludes pauses).
    ``timing`` is :func:`judge`'s word for a step with a window, ``None`` for one that waits with none."""

    started_s: float
    ended_s: float
    reps_done: int | None
    paused_s: float
    extended_s: float
    extends: int
    how: str
    timing: str | None
    back: bool = False

    def to_dict(self) -> dict:
        return dict(self.__dict__)
