"""The kiosk's side of the journal: record each session as it runs, and pick up the one a power
cut or a crash interrupted.

:class:`SessionRecorder` is a listener (:mod:`kiosk.listeners`): it begins a journal record when a
session starts, hands every batch of engine events to the journal, and lets the journal save the
resume point of a running session from the frame loop. The journal decides when a save is due
(``save_every_s``, from the room config), so there is one throttle, in one place. Trouble the
journal meets while the kiosk runs (a full disk) reaches the screen once, as a late notice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from kiosk.i18n import _
from kiosk.journal.resume import RESUME_MAX_AGE_S
from kiosk.listeners import Listener

if TYPE_CHECKING:
    from kiosk.controller import Controller
    from kiosk.engine.session import Session
    from kiosk.journal.journal import Journal

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Resumption:
    """What the kiosk found of an interrupted session at start.

    ``session`` is the engine restored and paused where it was (already adopted by the
    controller), and ``message`` what the resume screen says; when the session could not be
    continued ``session`` is None and ``message`` is the notice saying so.
    """

    session: "Session | None"
    message: str


class SessionRecorder(Listener):
    """Records the sessions ``controller`` runs in ``journal``; ``notify`` shows a late notice."""

    def __init__(self, journal: "Journal", controller: "Controller", notify: Callable[[str], object]):
        self.journal = journal
        self.controller = controller
        self.notify = notify
        #: The journal's id of the session being recorded (None between sessions).
        self.session_id: int | None = None
        self._shown = journal.notice  # a problem found on opening is shown with the start-up notices

    def on_events(self, events) -> None:
        session = self.controller.session
        kinds = {e.kind for e in events}
        if "session_started" in kinds and self.controller.routine is not None:
            self.session_id = self.journal.begin(session, routine_path=self.controller.routine.path)
        if self.session_id is not None:
            self.journal.on_events(self.session_id, events, session)
        if "session_finished" in kinds:
            self.session_id = None

    def on_frame(self, now: float) -> None:
        session = self.controller.session
        if self.session_id is None or session is None:
            return
        self.journal.autosave(self.session_id, session)  # a no-op until save_every_s has passed
        notice = self.journal.notice
        if notice and notice != self._shown:  # a disk that filled up mid-session
            self._shown = notice
            self.notify(notice)

    def close(self) -> None:
        self.journal.close()

    def resume_interrupted(self, max_age_s: float = RESUME_MAX_AGE_S) -> Resumption | None:
        """Continue the session an unclean stop interrupted, paused, and go on recording it.

        None when there is none to continue (every stale one is closed as interrupted by the
        journal); a :class:`Resumption` otherwise, whose message the kiosk shows.
        """
        info = self.journal.pending_resume(max_age_s)
        if info is None:
            return None
        session = self.journal.restore(info, self.controller.clock)
        if session is None:
            return Resumption(None, _("An interrupted session of {routine} could not be continued.")
                              .format(routine=info.routine))
        self.controller.adopt(session)
        self.session_id = info.session_id
        snap = session.snapshot()
        where = _("at {step}").format(step=snap.name) if snap.name else ""
        left = f"{snap.step_remaining_s:.3f} s left" if snap.step_remaining_s is not None else "waiting"
        log.info("resuming session %s of %s %s (step %s, %s), paused", info.session_id, info.routine, where,
                 (snap.index + 1) if snap.index is not None else "-", left)
        return Resumption(session, _("{routine} was interrupted {where}; it is paused where it was. "
                                     "Tap the pedal to go on.").format(routine=info.routine, where=where))
