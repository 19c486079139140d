"""``kiosk simulate ROUTINE --realtime [--speed N] [--mqtt-config FILE]``: a room without a screen.

Plays one session on the clock (``--speed 60``: a minute a second) and, with a room config that
has an ``mqtt:`` block, publishes exactly what a room would: state, availability, discovery, the
finished session, answers to desk commands. A clinic tries its desk with it, and the tests and
benchmarks run ten rooms on one machine. The session is recorded in a journal (``--data-dir``,
else a scratch folder) because that is where a room's finished sessions are sent from.
"""

from __future__ import annotations

import queue
import sys
import tempfile
import time
from pathlib import Path

from kiosk.listeners import Listener

from kiosk.engine.simulate import _therapist_advance

#: The longest real-time sleep between looks at the desk's commands (seconds).
LOOK_S = 0.2


class ScaledClock:
    """Monotonic time running ``speed`` times faster than the wall, from 0 at the start."""

    def __init__(self, speed: float):
        self.speed = float(speed)
        self._m0 = time.monotonic()
        self._w0 = time.time()

    def now(self) -> float:
        return (time.monotonic() - self._m0) * self.speed

    def wall(self) -> float:
        """The wall clock as the simulated room sees it (it runs fast too)."""
        return self._w0 + self.now()

    def sleep_until(self, t: float, longest: float) -> None:
        time.sleep(max(0.0, min((t - self.now()) / self.speed, longest)))


class _Printer(Listener):
    """Prints each event of the session as it happens, one line each (as the dry run does)."""

    def __init__(self, plan, out):
        self.plan, self.out = plan, out

    def on_events(self, events) -> None:
        from kiosk.commands.simulate import _detail
        from kiosk.routines.durations import fmt_clock

        for e in events:
            name = self.plan.steps[e.index].name if e.index is not None else ""
            print(f"{fmt_clock(e.at):>7}  {e.kind:<16} {name}  {_detail(self.plan, e)}".rstrip(),
                  file=self.out, flush=True)


def run_realtime(args, plan, out=sys.stdout) -> int:
    """Play ``plan`` on a scaled clock; publish as a room when ``args.mqtt_config`` says how."""
    from kiosk.controller import Controller

    mqtt, room_name = None, ""
    if args.mqtt_config:
        from kiosk.config import load_config

        config, problems = load_config(args.mqtt_config)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems or config.mqtt is None:
            print(f"kiosk simulate: error: {args.mqtt_config} has no usable mqtt: block", file=sys.stderr)
            return 2
        mqtt, room_name = config.mqtt, config.room
    clock = ScaledClock(args.speed)
    controller = Controller(clock)
    controller.choose(plan.routine, plan.target_s, plan.skipped)
    scratch = None
    clinic = None
    journal = None
    calls: queue.Queue = queue.Queue()

    controller.add_listener(_Printer(plan, out))
    if mqtt is not None:
        from kiosk.clinic import attach
        from kiosk.journal.journal import Journal
        from kiosk.journal.recorder import SessionRecorder

        data = Path(args.data_dir) if args.data_dir else Path(scratch := tempfile.mkdtemp(prefix="kiosk-sim-"))
        # The journal keeps this room's time, which runs ``speed`` times faster than the real wall
        # and boot clocks: given those, it would take every record for a clock jump.
        journal = Journal.open(data, room=room_name, wall=clock.wall, boot=lambda: ("dry run", clock.now()))
        controller.add_listener(SessionRecorder(journal, controller, lambda _notice: None))
        clinic = attach(controller, mqtt, room_name=room_name, call=lambda fn, *a: calls.put((fn, a)),
                        journal=journal)
        clinic.desk.wall = clock.wall
        clinic.publisher.wall = clock.wall
        controller.add_listener(clinic.publisher)
        clinic.publisher.publish()
    try:
        controller.act("advance")
        while controller.state != "finished":
            session = controller.session
            due = [t for t in (session.next_deadline(), _therapist_advance(session, clock.now())) if t is not None]
            clock.sleep_until(min(due) if due else clock.now() + LOOK_S * args.speed, LOOK_S)
            _run_calls(calls)
            controller.tick()
            therapist = _therapist_advance(controller.session, clock.now())
            if controller.state == "running" and therapist is not None and therapist <= clock.now():
                controller.act("advance")
            controller.frame(clock.now())
        if clinic is not None:
            journal.flush()
            clinic.link.look_for_sessions()
            _drain(clinic.link, calls)
    except KeyboardInterrupt:
        return 130
    finally:
        controller.close()  # the publisher says offline, the recorder closes the journal
        if scratch:
            import shutil

            shutil.rmtree(scratch, ignore_errors=True)
    return 0


def _run_calls(calls: queue.Queue) -> None:
    while True:
        try:
            fn, args = calls.get_nowait()
        except queue.Empty:
            return
        fn(*args)


def _drain(link, calls: queue.Queue, timeout: float = 10.0) -> None:
    """Give the finished session's record a moment to reach the broker before the room leaves."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _run_calls(calls)
        outbox = link.outbox
        if link.connected and outbox is not None and link.sent_sessions > 0 and link.unsent == 0:
            return
        time.sleep(0.1)
