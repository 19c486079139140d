"""Commands from the front desk: a quiet message on the room's screen, and "end by" for a booking.

:meth:`DeskCommands.receive` runs on paho's thread: it parses the bytes (never raising, whatever
they are) and either answers with the reason at once or hands the command to the main thread,
the kiosk's one way into the engine. :meth:`DeskCommands.apply` then runs there and answers too.
Kivy-free: the screen watches :attr:`DeskCommands.message` through ``message_listeners``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.clinic.protocol import Command, CommandError, dumps, iso, parse_command, result
from kiosk.errors import PlanError

log = logging.getLogger(__name__)

#: Refusals logged in full per minute; past that only counted (a flood must not flood the journal).
LOG_PER_MINUTE = 10


@dataclass(frozen=True)
class DeskMessage:
    """A message on screen: its text and when it goes (wall clock and the engine's clock)."""

    text: str
    expires_wall: float
    expires_at: float

    def to_json(self) -> dict:
        return {"text": self.text, "expires_at": iso(self.expires_wall)}


class DeskCommands:
    """Applies desk commands to the room. ``call(fn, *args)`` runs ``fn`` on the main thread
    (the hand-off); ``reply(payload)`` sends a result; ``choose_length(seconds)`` re-plans the
    chosen routine before its start (the app's ready screen shows the new length)."""

    def __init__(self, controller, *, room_id: str, call: Callable, reply: Callable[[bytes], None],
                 choose_length: Callable[[float], None] | None = None, wall: Callable[[], float] = time.time):
        self.controller = controller
        self.room_id = room_id
        self.call = call
        self.reply = reply
        self.choose_length = choose_length or self._choose_length
        self.wall = wall
        self.message: DeskMessage | None = None
        #: Called with the message (or None) whenever it changes: the banner, the state publisher.
        self.message_listeners: list[Callable[[DeskMessage | None], None]] = []
        self._log_window = (0.0, 0)

    # --- paho's thread -------------------------------------------------------------------------

    def receive(self, payload: bytes) -> None:
        """A command's raw bytes off the network: refused here with a reason, or handed over."""
        now = self.wall()
        try:
            command = parse_command(payload, now)
        except CommandError as exc:
            self._log_refusal(exc.reason)
            self.reply(dumps(result(None, ok=False, reason=exc.reason, room=self.room_id, at=now,
                                    request_id=exc.request_id)))
            return
        self.call(self.apply, command)

    def _log_refusal(self, reason: str) -> None:
        start, count = self._log_window
        now = time.monotonic()
        if now - start > 60.0:
            if count > LOG_PER_MINUTE:
                log.warning("desk: %d more commands refused in the last minute", count - LOG_PER_MINUTE)
            start, count = now, 0
        count += 1
        if count <= LOG_PER_MINUTE:
            log.warning("desk command refused: %s", reason)
        self._log_window = (start, count)

    # --- the main thread ------------------------------------------------------------------------

    def apply(self, command: Command) -> None:
        """Carry out an accepted command and answer it; a command that cannot apply now says why."""
        now = self.wall()
        try:
            reason, detail = getattr(self, f"_{command.kind}")(command, now)
        except CommandError as exc:
            self.reply(dumps(result(command, ok=False, reason=exc.reason, room=self.room_id, at=now)))
            return
        self.reply(dumps(result(command, ok=True, reason=reason, room=self.room_id, at=now, detail=detail)))

    def _message(self, command: Command, now: float):
        clock_now = self.controller.clock.now()
        self._set(DeskMessage(command.text, now + command.ttl_s, clock_now + command.ttl_s))
        log.info("desk message on screen for %g s: %s", command.ttl_s, command.text)
        return "on screen", {"expires_at": iso(now + command.ttl_s)}

    def _clear_message(self, command: Command, now: float):
        had = self.message is not None
        self._set(None)
        return ("cleared" if had else "no message was on screen"), None

    def _end_by(self, command: Command, now: float):
        controller = self.controller
        session = controller.session
        if session is None:
            raise CommandError("no routine is chosen in the room; end_by applies to a session")
        if session.state == "finished":
            raise CommandError("the session has already finished")
        left = command.end_by - now
        if session.state == "ready":
            return self._before_start(left, command, now)
        snap = controller.snapshot()
        controller.retarget(snap.session_elapsed_s + left)
        snap = controller.snapshot()
        ends = now + snap.session_remaining_s
        over = snap.over_s or 0.0
        detail = {"ends_at": iso(ends), "over_s": round(over, 3)}
        if over > 1.0:
            return f"cannot end by then: even the shortest steps end {_minutes(over)} later", detail
        if over < -1.0:
            return f"ends {_minutes(-over)} early: even the longest steps end before then", detail
        return "the session now ends by then", detail

    def _before_start(self, left: float, command: Command, now: float):
        from kiosk.routines.plan import reachable

        low, high = reachable(self.controller.routine, self.controller.skip)
        length = min(max(left, low), high)
        try:
            self.choose_length(length)
        except PlanError as exc:
            raise CommandError(f"the routine cannot be planned for that: {exc}") from None
        detail = {"length_s": round(length, 3), "over_s": round(length - left, 3)}
        if length > left + 1.0:
            return (f"the shortest plan is {_minutes(length)}; started now it ends {_minutes(length - left)} "
                    "late"), detail
        return f"the ready screen offers {_minutes(length)}", detail

    def _choose_length(self, length: float) -> None:
        c = self.controller
        c.choose(c.routine, length, c.skip)

    # --- the message on screen ----------------------------------------------------------------

    def _set(self, message: DeskMessage | None) -> None:
        self.message = message
        for listener in list(self.message_listeners):
            try:
                listener(message)
            except Exception:
                log.exception("message listener %r failed", listener)

    def dismiss(self) -> None:
        """The therapist tapped the banner away."""
        if self.message is not None:
            self._set(None)

    def expire(self, clock_now: float) -> None:
        """Take the message down once its time is up (cheap: called every frame)."""
        if self.message is not None and clock_now >= self.message.expires_at:
            self._set(None)


def _minutes(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds // 60}:{seconds % 60:02d} min"
