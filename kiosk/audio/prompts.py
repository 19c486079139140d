"""Gets each chosen routine's sounds ready: its steps' own .wav files, and its spoken prompts.

Spoken prompts are rendered with espeak-ng, which takes a while on a Pi for a long routine, so
:class:`PromptLoader` renders them on a thread of their own and the session starts with the cues
alone; the prompts join in as soon as they are ready. The finished files come back through the
kiosk's one main-thread hand-off (:mod:`kiosk.inputs.handoff`), since the player and the cue
listener belong to Kivy's main thread. Each plan gets a ticket: files rendered for a routine that
is no longer the one chosen are never switched on.

A routine is spoken in its own ``language:``, else in the room's language, read when it is chosen.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Protocol

from kiosk.audio.cues import CueListener
from kiosk.audio.speech import Script, SpeechPrompts
from kiosk.listeners import Listener

if TYPE_CHECKING:
    from kiosk.audio.player import CuePlayer

log = logging.getLogger(__name__)


class Handoff(Protocol):
    """What the loader needs of :class:`kiosk.inputs.handoff.MainThreadHandoff`."""

    def call(self, fn: Callable[..., object], *args: object) -> None: ...


def in_background(work: Callable[[], None]) -> None:
    """Run ``work`` on a daemon thread (a kiosk that leaves does not wait for espeak-ng)."""
    threading.Thread(target=work, name="spoken prompts", daemon=True).start()


class PromptLoader(Listener):
    """Loads a plan's own sounds into ``player`` and, when prompts are wanted, renders them.

    ``spoken()`` is the kiosk's current setting for spoken prompts; a routine's own ``speak:``
    wins over it either way. ``room_language()`` is the room's language (a BCP 47 tag), spoken by
    routines that name none. ``cache_dir`` holds the rendered WAVs (no data folder: no prompts).
    ``notify`` shows a notice on screen (espeak-ng missing, or without a voice for the routine's
    language). ``run`` starts the rendering; tests pass one that runs it when they say so.
    """

    def __init__(self, cues: CueListener, player: "CuePlayer", *, cache_dir: Path | None,
                 spoken: Callable[[], bool], handoff: Handoff, notify: Callable[[str], object],
                 room_language: Callable[[], str] = lambda: "en",
                 run: Callable[[Callable[[], None]], None] = in_background,
                 make_speech: Callable[[Path], SpeechPrompts] = SpeechPrompts):
        self.cues = cues
        self.room_language = room_language
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
        self._told: set[str] = set()  # languages without a voice the screen has named already

    def on_plan(self, plan) -> None:
        own = getattr(plan.routine, "speak", None)
        wanted = self.spoken() if own is None else bool(own)
        if wanted and self.cache_dir is not None and self.speech is None:
            self.speech = self.make_speech(self.cache_dir)
            if self.speech.notice:
                self.notify(self.speech.notice)
        self.ticket += 1
        self.cues.speech = self.cues.script = None  # the last routine's prompts must not speak this one's
        self.cues.prepare(plan.steps, warning_s=plan.routine.warning_s)  # the routine's own sounds
        speech = self.speech
        if not (wanted and speech is not None and speech.available):
            return
        language = getattr(plan.routine, "language", None) or self.room_language()
        steps, warning_s, ticket = plan.steps, plan.routine.warning_s, self.ticket

        def render() -> None:
            with self._rendering:  # espeak-ng's voice list is read here too, off the main thread
                script = speech.script(language)
                files = speech.render(script.lines(steps, warning_s))
            self.handoff.call(self._ready, ticket, files, script)

        self.run(render)

    def _ready(self, ticket: int, files: dict[str, Path], script: Script) -> None:
        """On the main thread: switch the prompts on if their routine is still the one chosen."""
        if ticket == self.ticket:
            self.player.load(files)
            self.cues.speech, self.cues.script = self.speech, script
            notice, tag = script.notice, script.choice.tag.lower()
            if notice and tag not in self._told:  # said once: not at every choice of the routine
                self._told.add(tag)
                log.warning("%s", notice)
                self.notify(notice)
