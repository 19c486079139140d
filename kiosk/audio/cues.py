"""Which sound each engine event makes, and the listener that plays them.

The listener turns a batch of engine events into at most one cue (and at most one spoken
prompt), so a late tick that delivers several events at once never piles sounds on top of
each other: the most important one plays, the stale ones are dropped.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Iterable

from kiosk.audio.speech import SpeechPrompts, key, left_phrase, switch_sides_phrase

log = logging.getLogger(__name__)

#: The shipped cues, one sounds/<name>.wav each (made by scripts/make_sounds.py).
CUES: tuple[str, ...] = (
    "step_start", "warning", "window", "rep_tick", "side_switch", "pause", "resume", "session_end",
)

#: Engine event kind -> cue. ``halfway`` has none on purpose: a client half asleep does not need
#: to hear it, and the screen shows it.
EVENT_CUES: dict[str, str] = {
    "step_started": "step_start",
    "warning": "warning",
    "min_reached": "window",
    "max_reached": "window",
    "rep": "rep_tick",
    "side_switched": "side_switch",
    "paused": "pause",
    "resumed": "resume",
    "session_finished": "session_end",
}

#: Lower plays first when one batch holds several events.
_RANK = {"session_finished": 0, "side_switched": 1, "step_started": 2, "paused": 3, "resumed": 3,
         "warning": 4, "min_reached": 5, "max_reached": 5, "rep": 6}

#: A step that starts this soon after a side switch is announced by the switch's cue alone.
SIDE_SWITCH_COVERS_S = 1.0


def cue_files(folder: str | Path | None = None) -> dict[str, Path]:
    """``{cue: folder/cue.wav}`` for every shipped cue; ``folder`` defaults to sounds/."""
    from kiosk.paths import SOUNDS_DIR

    base = Path(folder) if folder is not None else SOUNDS_DIR
    return {name: base / f"{name}.wav" for name in CUES}


def spoken_texts(steps: Iterable, warning_s: float | None = None) -> list[str]:
    """What a routine's spoken prompts say: each step's name, "switch sides", the heads-up."""
    steps = list(steps)
    texts = [step.name for step in steps]
    if any(getattr(step, "side", None) for step in steps):
        texts.append(switch_sides_phrase())
    if warning_s:
        texts.append(left_phrase(warning_s))
    return texts


class CueListener:
    """Plays the cue for each batch of engine events on ``player`` (a CuePlayer).

    A step's own ``sound`` (a cue name or a .wav path) replaces ``step_start`` for that step; a
    side switch replaces the ``step_start`` of the step it leads into. With ``speech`` (a
    :class:`~kiosk.audio.speech.SpeechPrompts`), step names, the heads-up and "switch sides" are
    also spoken, at the speech's whisper gain.
    """

    def __init__(self, player, *, speech: SpeechPrompts | None = None):
        self.player = player
        self.speech = speech
        self._switched_at: float | None = None

    def prepare(self, steps: Iterable, *, warning_s: float | None = None) -> None:
        """Load what a routine needs beyond the shipped cues: its steps' own .wav files and, with
        speech on, the spoken prompts. Call when a routine is loaded, before it starts."""
        steps = list(steps)
        own: dict[str, Path] = {}
        for step in steps:
            sound = getattr(step, "sound", None)
            if sound and sound not in CUES and sound.lower().endswith(".wav"):
                own[sound] = Path(sound)
        if own:
            self.player.load(own)
        if self.speech is None:
            return
        self.player.load(self.speech.render(spoken_texts(steps, warning_s)))

    def on_events(self, events: Iterable) -> list[str]:
        """Play what this batch calls for; return the names played (empty: nothing sounded),
        so a silent kiosk can flash the screen instead."""
        best: tuple[int, str, str | None] | None = None
        for event in events:
            choice = self._choose(event)
            if choice is not None and (best is None or choice[0] < best[0]):
                best = choice
        if best is None:
            return []
        _, cue, text = best
        played = [cue]
        self.player.play(cue)
        if text is not None and self.speech is not None and self.player.loaded(key(text)):
            self.player.play(key(text), gain=self.speech.gain)
            played.append(key(text))
        return played

    def _choose(self, event) -> tuple[int, str, str | None] | None:
        """``(rank, cue, spoken text)`` for one event, or ``None`` when it makes no sound."""
        kind = event.kind
        if kind not in EVENT_CUES:
            return None
        rank = _RANK[kind]
        if kind == "side_switched":
            self._switched_at = event.at
            return rank, "side_switch", switch_sides_phrase()
        if kind == "step_started":
            if self._switched_at is not None and 0 <= event.at - self._switched_at <= SIDE_SWITCH_COVERS_S:
                self._switched_at = None
                return None
            return rank, self._step_cue(event.step), event.step.name
        if kind == "rep" and getattr(event, "rep", None) == 1:
            return None  # the first rep begins with the step, which has its own cue
        if kind == "warning":
            return rank, "warning", left_phrase(event.seconds) if hasattr(event, "seconds") else None
        return rank, EVENT_CUES[kind], None

    def _step_cue(self, step) -> str:
        sound = getattr(step, "sound", None)
        if sound and self.player.loaded(sound):
            return sound
        if sound:
            log.warning("step %r: sound %r is not loaded; playing step_start", step.name, sound)
        return "step_start"
