"""The room's state on the clinic network: a listener that publishes whenever something changes.

Shaped as the kiosk's listener protocol (``on_plan``, ``on_events``, ``on_idle``, ``on_frame``,
``close``), all called on the main thread. Building the state is cheap and done there (the
snapshot belongs to the engine's thread); sending is the link's worker's business, so nothing
here waits on the network. A step change reaches the broker in the same frame it happens in.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from kiosk.clinic.protocol import dumps, state_from_snapshot
from kiosk.listeners import Listener

log = logging.getLogger(__name__)


class StatePublisher(Listener):
    """Publishes ``controller``'s state through ``link`` (anything with ``publish_state(bytes)``,
    ``look_for_sessions()`` and ``close()``); ``session_id()`` is the journal's id of the running
    session, if any; ``desk`` holds the message on screen."""

    def __init__(self, controller, link, *, room_id: str, desk=None,
                 session_id: Callable[[], int | None] = lambda: None, wall: Callable[[], float] = time.time):
        self.controller = controller
        self.link = link
        self.room_id = room_id
        self.desk = desk
        self.session_id = session_id
        self.wall = wall
        self._started: tuple[object, float] | None = None  # (the session, wall time of its start)
        self._last_id: int | None = None
        if desk is not None:
            desk.message_listeners.append(lambda _message: self.publish())

    # --- the listener protocol -----------------------------------------------------------------

    def on_plan(self, plan) -> None:
        self.publish()

    def on_events(self, events) -> None:
        self.publish()
        if any(e.kind == "session_finished" for e in events):
            self.link.look_for_sessions()

    def on_idle(self) -> None:
        self.publish()

    def on_frame(self, now: float) -> None:
        if self.desk is not None:
            self.desk.expire(now)

    def close(self) -> None:
        self.link.close()

    # --- the state ----------------------------------------------------------------------------

    def state(self) -> dict:
        """The state object as of now (``schema/clinic-state.schema.json``)."""
        c = self.controller
        wall = self.wall()
        snap = c.snapshot() if c.session is not None else None
        started = None
        if snap is not None and snap.state != "ready":
            if self._started is None or self._started[0] is not c.session:
                self._started = (c.session, wall - snap.session_elapsed_s)
                self._last_id = self.session_id()
            started = self._started[1]
            if self._last_id is None:
                self._last_id = self.session_id()
        sid = f"{self.room_id}/{self._last_id}" if started is not None and self._last_id is not None else None
        message = self.desk.message.to_json() if self.desk is not None and self.desk.message else None
        routine = c.routine.name if c.routine is not None and snap is not None else None
        return state_from_snapshot(snap, room=self.room_id, routine=routine, wall_now=wall,
                                   started_wall=started, session_id=sid, message=message)

    def publish(self) -> None:
        try:
            payload = dumps(self.state())
        except Exception:  # the room's screen matters more than its status message
            log.exception("clinic: building the room's state failed")
            return
        self.link.publish_state(payload)
