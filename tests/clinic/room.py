"""A room wired onto a real broker without a window: controller, journal, and the clinic pieces.

The main thread is played by :meth:`Room.pump`, which runs what the network handed over, the
way Kivy's clock does in the kiosk.
"""

from __future__ import annotations

import queue
import time
from pathlib import Path

from kiosk.clinic import attach
from kiosk.clinic.config import MqttConfig, TlsConfig
from kiosk.journal.recorder import SessionRecorder
from kiosk.controller import Controller
from kiosk.engine.clock import FakeClock
from kiosk.journal.journal import Journal
from kiosk.paths import ROOT
from kiosk.routines.loader import load_routine

ROUTINE = ROOT / "routines" / "back-massage.yaml"


def password_file(folder: Path, password: str) -> Path:
    """``password`` in a file only its owner can read, as the room config demands."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "mqtt-password"
    path.write_text(password + "\n")
    path.chmod(0o600)
    return path


def room_config(folder: Path, port: int, password: str, *, n: int = 3, host: str = "127.0.0.1",
                extra: str = "") -> Path:
    """``room{n}.yaml`` in ``folder`` for Room n on the broker at ``host:port`` (user room-n), its
    password in a private file; ``extra`` is more lines of the mqtt: block."""
    secret = password_file(folder / f"secret{n}", password)
    path = folder / f"room{n}.yaml"
    path.write_text(f"room: Room {n}\nmqtt:\n  broker: {host}:{port}\n  username: room-{n}\n"
                    f"  password_file: {secret}\n{extra}")
    return path


class Room:
    def __init__(self, broker, folder: Path, *, user: str = "room-3", password: str | None = None,
                 room_id: str | None = None, discovery: bool = True, keepalive: int = 30,
                 tls: TlsConfig | None = None):
        self.folder = folder
        self.clock = FakeClock(1000.0)
        self.controller = Controller(self.clock)
        self.journal = Journal.open(folder / "data", room="Room 3")
        self.calls: queue.Queue = queue.Queue()
        secret = password_file(folder, password if password is not None else broker.users[user])
        self.mqtt = MqttConfig(host="localhost" if tls else "127.0.0.1", port=broker.port, tls=tls, username=user, password_file=secret,
                               room_id=room_id, discovery=discovery, keepalive=keepalive)
        self.publisher, self.desk, self.link = attach(
            self.controller, self.mqtt, room_name="Room 3", call=lambda fn, *a: self.calls.put((fn, a)),
            journal=self.journal)
        # As the kiosk wires them: the journal records before the publisher names the session's record.
        self.controller.add_listener(SessionRecorder(self.journal, self.controller, lambda _notice: None))
        self.controller.add_listener(self.publisher)

    def pump(self, seconds: float = 0.0) -> int:
        """Run what was handed to the main thread, for up to ``seconds``; returns how many ran."""
        ran = 0
        deadline = time.monotonic() + seconds
        while True:
            try:
                fn, args = self.calls.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return ran
            fn(*args)
            ran += 1

    def choose(self, length_s: float | None = None) -> None:
        self.controller.choose(load_routine(ROUTINE), length_s)

    def run_session(self, seconds: float = 30.0, length_s: float | None = None) -> None:
        """Choose, start, let ``seconds`` pass, stop: one recorded session."""
        self.choose(length_s)
        self.controller.act("advance")
        self.clock.advance(seconds)
        self.controller.tick()
        self.controller.stop()
        self.journal.flush()

    def close(self) -> None:
        self.publisher.close()
        self.journal.close()
