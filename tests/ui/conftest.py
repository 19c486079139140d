"""Real Kivy windows under Xvfb, driven frame by frame with a fake session clock."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from kiosk_testkit.xvfb import Xvfb, artifacts_dir

DATA = Path(__file__).resolve().parent.parent / "data" / "ui"
SIZES = [(800, 480), (1024, 600), (1280, 720), (1920, 1080)]

# Kivy key codes and SDL scancodes of the keys the tests press.
KEYS = {"space": (32, 44), "p": (112, 19), "plus": (43, 87), "left": (276, 80), "right": (275, 79),
        "escape": (27, 41), "pagedown": (281, 78), "e": (101, 8)}
#: What the kiosk factory's ``settings`` put in the room config rather than in the kiosk's settings.
ROOM_ONLY = ("room", "pin", "exit_chord", "language")


@pytest.fixture(scope="session")
def kivy_window():
    """One real window for the whole run (Kivy allows one per process), on a private Xvfb."""
    screen = Xvfb().start()
    os.environ["DISPLAY"] = screen.display
    os.environ.pop("WAYLAND_DISPLAY", None)
    from kiosk.ui import bootstrap

    bootstrap.configure(bootstrap.WindowChoice(False, (800, 480), "tests"))
    from kivy.core.window import Window

    yield Window
    screen.stop()


class Driver:
    """Drives a running KioskApp: frames, keys, touches, the session clock, screenshots."""

    def __init__(self, app, clock):
        from kivy.base import EventLoop
        from kivy.core.window import Window

        self.app, self.clock = app, clock
        self.loop, self.window = EventLoop, Window

    @property
    def screen(self) -> str:
        return self.app.sm.current

    def frames(self, n: int = 3) -> None:
        for _ in range(n):
            self.loop.idle()

    def wait(self, seconds: float, step: float = 0.5) -> None:
        """Let session time pass (fake clock), drawing a frame every ``step`` seconds."""
        end = self.clock.now() + seconds
        while self.clock.now() < end - 1e-9:
            self.clock.advance(min(step, end - self.clock.now()))
            self.frames(1)
        self.frames(2)

    def key(self, name: str) -> None:
        key, scancode = KEYS[name]
        self.window.dispatch("on_key_down", key, scancode, None, [])
        self.window.dispatch("on_key_up", key, scancode)
        self.frames(2)

    def touch(self, widget, *, hold_s: float = 0.0, move: tuple[float, float] = (0, 0)) -> None:
        """Press ``widget`` at its centre for ``hold_s`` real seconds, optionally sliding off."""
        from kivy.tests.common import UnitTestTouch

        x, y = widget.to_window(*widget.center)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        self.frames(1)
        if move != (0, 0):
            touch.touch_move(x + move[0], y + move[1])
            self.frames(1)
        end = time.monotonic() + hold_s
        while time.monotonic() < end:
            self.frames(1)
            time.sleep(0.02)
        touch.touch_up()
        self.frames(2)

    def tap(self, widget) -> None:
        self.touch(widget)

    def hold(self, widget) -> None:
        self.touch(widget, hold_s=max(0.45, getattr(widget, "hold_s", 0.3) + 0.15))

    def resize(self, size) -> None:
        self.window.size = size
        self.frames(4)

    def screenshot(self, name: str) -> Path:
        self.window.canvas.ask_update()  # a resized window must be drawn again before it is read
        self.frames(2)
        folder = Path(artifacts_dir("screens"))
        taken = self.window.screenshot(str(folder / f"{name}.png"))  # Kivy numbers the file
        target = folder / f"{name}.png"
        os.replace(taken, target)
        return target

    def ids(self, screen: str):
        return self.app.sm.get_screen(screen).ids


@pytest.fixture
def kiosk(kivy_window, tmp_path):
    """A factory: ``kiosk(routine=..., routines=[...], practice=True)`` -> Driver on a fresh app."""
    from kivy.app import App
    from kivy.core.window import Window

    from kiosk.composition import RunOptions, attach_journal, build_services, open_start
    from kiosk.config import RoomConfig
    from kiosk.engine.clock import FakeClock
    from kiosk.ui.kiosk_app import KioskApp

    made = []

    def make(*, routines=(DATA / "good",), routine=None, length=None, skip=(), settings=None,
             size=(800, 480)):
        options = RunOptions(routines=tuple(Path(p) for p in routines), routine=routine and str(routine),
                             length=length, skip=tuple(skip), data_dir=tmp_path / "data")
        clock = FakeClock(1000.0)
        # The room's name, PIN and exit chord come from the room config; the rest are kiosk settings.
        room = RoomConfig(**{k: v for k, v in (settings or {}).items() if k in ROOM_ONLY})
        services = build_services(options, clock=clock, config=room)
        attach_journal(services, room, tmp_path / "data")
        open_start(services, options, room)
        for key, value in (settings or {}).items():
            if key not in ROOM_ONLY:
                services.settings.set(key, value)
        Window.size = size
        app = KioskApp(services)
        app._run_prepare()
        made.append(app)
        driver = Driver(app, clock)
        driver.frames(4)
        return driver

    yield make
    for app in made:
        app.dispatch("on_stop")  # closes the journal too
        Window.unbind(on_key_down=app._on_key_down, on_key_up=app._on_key_up,
                      on_request_close=app._on_request_close, focus=app._on_focus)
        for child in list(Window.children):
            Window.remove_widget(child)
        App._running_app = None
