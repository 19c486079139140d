"""A routine as the loader hands it on: frozen, checked, with source lines kept for messages.

A routine is a list of items; an item is a :class:`Step` or a :class:`Block` of items that may run
once per side, several times, or be left out when its ``optional`` tag is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Literal, Union

Kind = Literal["timed", "reps", "manual"]
Side = Literal["left", "right"]
Pace = Literal["auto", "manual"]

SIDES: tuple[str, ...] = ("left", "right")
KINDS: tuple[str, ...] = ("timed", "reps", "manual")
DEFAULT_WARNING_S = 15.0


@dataclass(frozen=True)
class Window:
    """A duration in seconds that may be anywhere from ``min_s`` to ``max_s`` (equal when fixed)."""

    min_s: float
    max_s: float


@dataclass(frozen=True)
class Count:
    """A rep target: exactly ``min`` when equal to ``max``, else a window such as 3-4."""

    min: int
    max: int

    def __str__(self) -> str:
        return str(self.min) if self.min == self.max else f"{self.min}-{self.max}"


@dataclass(frozen=True, kw_only=True)
class StepText:
    """What a step shows and plays, the same on the routine's step and on every planned run of it."""

    #: What one rep is called on screen: ``sweep`` shows "sweep 2 of 3-4" (default "rep").
    rep_name: str | None = None
    say: str = ""
    caution: str = ""
    note: str = ""
    sound: str | None = None

    def text(self) -> dict[str, Any]:
        """These fields alone, by name: what a planned step takes over from its routine step."""
        return {f.name: getattr(self, f.name) for f in fields(StepText)}


@dataclass(frozen=True)
class Step(StepText):
    """One thing the therapist does.

    ``kind`` is ``timed`` (``time:``), ``reps`` (``reps:``, optionally ``pace:`` seconds per rep)
    or ``manual`` (``until: advance``). ``estimate_s`` budgets steps that wait for the therapist.
    ``sound`` is a cue name (``window``) or, for a ``.wav`` written relative to the routine file, the
    file's absolute path as the loader found it. ``line`` is where the step starts in its file.
    """

    name: str
    kind: Kind
    time: Window | None = None
    reps: Count | None = None
    pace_s: float | None = None
    estimate_s: float | None = None
    side: Side | None = None
    optional: str | None = None
    line: int = 0

    @property
    def paced(self) -> bool:
        return self.kind == "reps" and self.pace_s is not None


@dataclass(frozen=True)
class Block:
    """A group of items, run once per entry of ``sides`` (if any), ``repeat`` times."""

    name: str
    steps: tuple["Item", ...]
    sides: tuple[Side, ...] = ()
    repeat: int = 1
    optional: str | None = None
    line: int = 0


Item = Union[Step, Block]


@dataclass(frozen=True)
class Routine:
    """A whole routine file."""

    name: str
    steps: tuple[Item, ...]
    summary: str = ""
    length_s: float | None = None
    pace: Pace = "auto"
    warning_s: float = DEFAULT_WARNING_S
    speak: bool | None = None
    #: The BCP 47 tag of the language the routine is written in; ``None``: the room's language.
    language: str | None = None
    version: int = 1
    path: str = ""
    optional_tags: tuple[str, ...] = field(default=())

    def walk(self):
        """Every :class:`Step` in file order, blocks opened but not expanded."""
        stack = list(reversed(self.steps))
        while stack:
            item = stack.pop()
            if isinstance(item, Block):
                stack.extend(reversed(item.steps))
            else:
                yield item
