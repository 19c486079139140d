"""Gets each chosen routine's sounds ready: its steps' own .wav files, and its spoken prompts.

Spoken prompts are rendered with espeak-ng, which takes a while on a Pi for a long routine, so
:class:`PromptLoader` renders them on a thread of their own and the session starts with the cues
alone; the prompts join in as soon as they are ready. The finished files come back through the
kiosk's one main-thread hand-off (:mod:`kiosk.inputs.handoff`), since the player and the cue
listener belong to Kivy's main thread. Each plan gets a ticket: files rendered for a routine that
is no longer the one chosen are never switched on.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Protocol

from kiosk.audio.cues import CueListener, spoken_texts
from kiosk.audio.speech import SpeechPrompts
from kiosk.listeners import Listener

if TYPE_CHECKING:
    from kiosk.audio.player import CuePlayer


class Handoff(Protocol):
    """What the loader needs of :class:`kiosk.inputs.handoff.MainThreadHandoff`."""

    def call(self, fn: Callable[..., object], *args: object) -> None: ...


def in_background(work: Callable[[], None]) -> None:
    """Run ``work`` on a daemon thread (a kiosk that leaves does not wait for espeak-ng)."""
    threading.Thread(target=work, name="spoken prompts", daemon=True).start()


class PromptLoader(Listener):
    """Loads a plan's own sounds into ``player`` and, when prompts are wanted, renders them.

    ``spoken()`` is the kiosk's current setting for spoken prompts; a routine's own ``speak:``
    wins over it either way. ``cache_dir`` holds the rendered WAVs (no data folder: no prompts).
    ``notify`` shows a notice on screen (espeak-ng missing). ``run`` starts the rendering;
    tests pass one that runs it when they say so.
    """

    def __init__(self, cues: CueListener, player: "CuePlayer", *, cache_dir: Path | None,
                 spoken: Callable[[], bool], handoff: Handoff, notify: Callable[[str], object],
                 run: Callable[[Callable[[], None]], None] = in_background,
                 make_speech: Callable[[Path], SpeechPrompts] = SpeechPrompts):
        self.cues = cues
        self.player = player
        self.cache_dir = cache_dir
        self.spoken = spoken
        self.handoff = handoff
        self.notify = notify
        self.run = run
        self.make_speech = make_speech
        self.speech: SpeechPrompts | None = None  # made the first time prompts are wanted
        self.ticket = 0  # which plan the prompts being rendered belong to
        self._rendering = threading.Lock()  # one espeak-ng run at a time: they share the cache folder

    def on_plan(self, plan) -> None:
        own = getattr(plan.routine, "speak", None)
        wanted = self.spoken() if own is None else bool(own)
        if wanted and self.cache_dir is not None and self.speech is None:
            self.speech = self.make_speech(self.cache_dir)
            if self.speech.notice:
                self.notify(self.speech.notice)
        self.ticket += 1
        self.cues.speech = None  # the last routine's prompts must not speak this one's steps
        self.cues.prepare(plan.steps, warning_s=plan.routine.warning_s)  # the routine's own sounds
        speech = self.speech
        if not (wanted and speech is not None and speech.available):
            return
        texts, ticket = spoken_texts(plan.steps, plan.routine.warning_s), self.ticket

        def render() -> None:
            with self._rendering:
                files = speech.render(texts)
            self.handoff.call(self._ready, ticket, files)

        self.run(render)

    def _ready(self, ticket: int, files: dict[str, Path]) -> None:
        """On the main thread: switch the prompts on if their routine is still the one chosen."""
        if ticket == self.ticket:
            self.player.load(files)
            self.cues.speech = self.speech
