"""A cue player for tests: it records what would have sounded instead of playing it."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from kiosk.audio.player import BasePlayer


class RecordingPlayer(BasePlayer):
    """For tests: ``played`` lists ``(name, time)`` of each cue that would have sounded, and
    ``levels`` the volume it would have had. ``clock`` gives the time (a fake clock in tests)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, **kwargs):
        super().__init__(**kwargs)
        self.clock = clock
        self.played: list[tuple[str, float]] = []
        self.levels: list[float] = []
        self.paths: dict[str, Path] = {}

    def _load_one(self, name: str, path: Path) -> None:
        self.paths[name] = path

    def _play(self, name: str, level: float) -> None:
        self.played.append((name, self.clock()))
        self.levels.append(level)

    @property
    def names(self) -> list[str]:
        """Just the names played, in order."""
        return [name for name, _ in self.played]
