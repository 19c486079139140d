"""How each run of a step went: what the summary screen charts and the journal keeps."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StepRecord:
    """How one run of a step went, for the summary screen and the journal (times in seconds;
    ``started_s``/``ended_s`` count from the session's start, ``actual_s`` excludes pauses)."""

    index: int
    name: str
    side: str | None
    planned_s: float
    min_s: float
    max_s: float
    actual_s: float
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
