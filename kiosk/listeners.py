"""The one shape of everything that reacts to the session: screen, cues, spoken prompts, journal,
systemd watchdog, and later the clinic's status publisher.

A listener is an object with any of the methods of :class:`Listener`; the base class gives no-op
defaults, so a listener writes only what it reacts to. All are called on Kivy's main thread, in the
order the composition root registered them (:meth:`kiosk.controller.Controller.add_listener`), so
that order is written once, in one place. A listener that raises is logged and skipped: a broken
speaker or a full disk never stops a session. Kivy-free, like the controller that calls it.
"""

from __future__ import annotations

import logging
from typing import Callable, Iterable

log = logging.getLogger(__name__)


class Listener:
    """No-op defaults for the listener methods; subclass it and write the ones you need."""

    def on_plan(self, plan) -> None:
        """A routine was chosen or an interrupted session restored; it has not started yet."""

    def on_events(self, events) -> None:
        """Engine events, in order, each delivered once."""

    def on_idle(self) -> None:
        """Back to the picker: no routine is chosen any more."""

    def on_frame(self, now: float) -> None:
        """Once per UI frame, ``now`` on the kiosk's clock; keep it cheap (no I/O every frame)."""

    def close(self) -> None:
        """The kiosk is leaving: release files, threads and hardware."""


#: The methods a listener may have; it needs at least one.
LISTENER_METHODS = ("on_plan", "on_events", "on_idle", "on_frame", "close")


class OnClose(Listener):
    """A listener for what only needs releasing when the kiosk leaves (a pin, the hand-off).

    ``OnClose(handoff.close, switch.close)`` calls each in turn; one that fails does not keep the
    others from running.
    """

    def __init__(self, *closers: Callable[[], object]):
        self.closers = closers

    def close(self) -> None:
        for closer in self.closers:
            try:
                closer()
            except Exception:
                log.exception("closing %r failed", closer)

    def __repr__(self) -> str:
        return f"OnClose({', '.join(map(repr, self.closers))})"


def notify(listeners: Iterable[object], method: str, *args: object) -> None:
    """Call ``method(*args)`` on every listener that has it, in order; log and skip one that raises."""
    for listener in listeners:
        call = getattr(listener, method, None)
        if call is None:
            continue
        try:
            call(*args)
        except Exception:  # a broken listener (audio, journal) must never stop the session
            log.exception("listener %r failed in %s", listener, method)
