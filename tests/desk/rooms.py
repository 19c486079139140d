"""Rooms in chosen states, published as the rooms themselves would (their own broker users)."""

from __future__ import annotations

import time

from kiosk.clinic.protocol import build_state, dumps, iso
from tests.clinic.conftest import Watcher


def running(room: str, *, step: str, side: str | None, step_left: float, session_left: float,
            over_s: float | None = None, state: str = "running", routine: str = "Back massage",
            message: dict | None = None) -> dict:
    now = time.time()
    started = now - 1800
    target = None if over_s is None else now + session_left - over_s
    return build_state(
        room=room, state=state, updated_at=now, routine=routine,
        step={"index": 3, "name": step, "side": side, "kind": "timed",
              "ends_at": iso(now + step_left) if state == "running" else None, "remaining_s": step_left,
              "reps": None},
        next_step="Cool-down", message=message,
        session={"id": f"{room}/12", "started_at": iso(started), "ends_at": iso(now + session_left),
                 "target_end": iso(target), "over_s": over_s})


def simple(room: str, state: str, routine: str | None = None, length_s: float | None = None) -> dict:
    session = None
    if length_s is not None:
        session = {"id": None, "started_at": None, "ends_at": None, "target_end": None, "over_s": None,
                   "length_s": length_s}
    if state == "finished":
        now = time.time()
        session = {"id": f"{room}/11", "started_at": iso(now - 3700), "ends_at": None, "target_end": None,
                   "over_s": None}
    return build_state(room=room, state=state, updated_at=time.time(), routine=routine, session=session)


class FakeRoom:
    """A paho client logged in as the room's user that publishes its state and availability."""

    def __init__(self, broker, room: str):
        self.room = room
        self.client = Watcher(broker, user=room, topics=(f"kiosk/{room}/command",))

    def show(self, state: dict | None, online: bool = True) -> None:
        c = self.client.client
        c.publish(f"kiosk/{self.room}/availability", b"online" if online else b"offline", qos=1,
                  retain=True).wait_for_publish(5)
        if state is not None:
            c.publish(f"kiosk/{self.room}/state", dumps(state), qos=1, retain=True).wait_for_publish(5)

    def close(self) -> None:
        self.client.close()
