"""Kivy's settings for a kiosk, applied before Kivy opens its window.

Kivy reads its environment and Config when first imported, so this module must run before any
``kivy.core`` import. It keeps Kivy from writing log files (SD card wear: logs go to the journal
through stderr), from reading a per-user config.ini, and from leaving on Escape.
"""

from __future__ import annotations

import ctypes
import math
import os
from dataclasses import dataclass
from pathlib import Path


#: SDL video drivers whose event wait sleeps until input arrives (SDL 2.0.16+), not a 1 ms poll.
WAITING_DRIVERS = ("x11", "wayland", "windows", "cocoa")
#: How often the loop runs while nothing happens, once it wakes on input (:func:`wake_on_input`):
#: keys, touches, the session's deadlines and the big clock's seconds start a frame at once.
IDLE_FPS = 20


@dataclass(frozen=True)
class WindowChoice:
    fullscreen: bool
    size: tuple[int, int] | None
    reason: str


def can_own_screen(env: dict | None = None) -> bool:
    """True on a console with a DRM device and no desktop: the kiosk takes the whole screen."""
    env = os.environ if env is None else env
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return False
    return any(Path("/dev/dri").glob("card*"))


def choose_window(*, windowed: bool, size: tuple[int, int] | None, fullscreen: bool | None = None,
                  env: dict | None = None) -> WindowChoice:
    """Full screen on a console that can be owned (a Pi at boot), windowed on a desktop.

    ``fullscreen`` is the room config's choice: None (auto), True or False.
    """
    env = os.environ if env is None else env
    if windowed:
        return WindowChoice(False, size or (800, 480), "--windowed")
    if fullscreen is True:
        return WindowChoice(True, size, "room config display.fullscreen")
    if fullscreen is False:
        return WindowChoice(False, size or (800, 480), "room config display.fullscreen")
    if can_own_screen(env):
        return WindowChoice(True, size, "console with a DRM device")
    return WindowChoice(False, size or (800, 480), "desktop session")


def has_any_screen(env: dict | None = None) -> bool:
    env = os.environ if env is None else env
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY") or any(Path("/dev/dri").glob("card*"))
                or env.get("SDL_VIDEODRIVER"))


def configure(choice: WindowChoice, *, home: Path | None = None, maxfps: int = 60,
              rotation: int = 0, clock: str | None = "free_all") -> None:
    """Set Kivy's environment and Config for the kiosk window. Call before importing kivy.core.

    ``clock="free_all"`` (KIVY_CLOCK in the environment wins): Kivy's default clock sleeps a whole
    frame whatever is scheduled, so a step change waited up to 17 ms before its frame even began.
    Under ``free_all`` an event scheduled with ``schedule_once_free`` wakes the loop at its time
    and the frame is drawn then; other events behave as on the default clock. (``interrupt``
    wakes for every event, but spins on the per-frame callback and cost more CPU.) Measured in
    bench/bench_timing.py.
    """
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")  # Kivy logs through logging: one line each
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ.setdefault("KIVY_NO_CONFIG", "1")
    if home is not None:
        home.mkdir(parents=True, exist_ok=True)
        os.environ.setdefault("KIVY_HOME", str(home))
    if clock:
        os.environ.setdefault("KIVY_CLOCK", clock)
    from kivy.config import Config

    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "log_enable", "0")
    Config.set("kivy", "pause_on_minimize", "0")
    Config.set("graphics", "maxfps", str(maxfps))
    Config.set("graphics", "rotation", str(rotation))
    Config.set("graphics", "allow_screensaver", "0")
    Config.set("graphics", "resizable", "0" if choice.fullscreen else "1")
    # One provider per touch device: SDL2's own (touch on the console and on X11) plus the mouse,
    # which steps aside while touches arrive. Kivy's probesysfs would add the same touchscreen a
    # second time, and every tap would count twice.
    if Config.has_option("input", "%(name)s"):
        Config.remove_option("input", "%(name)s")
    Config.set("input", "mouse", "mouse,disable_multitouch,disable_on_activity")
    if choice.fullscreen:
        Config.set("graphics", "fullscreen", "auto")
        Config.set("graphics", "show_cursor", "0")
    else:
        Config.set("graphics", "fullscreen", "0")
        Config.set("graphics", "show_cursor", "1")
    if choice.size:
        Config.set("graphics", "width", str(choice.size[0]))
        Config.set("graphics", "height", str(choice.size[1]))


def _nothing(_dt) -> None:
    """A clock event that only wakes the loop."""


def wake_loop() -> None:
    """Start Kivy's next frame at once instead of at its turn.

    Kivy reads keys after drawing a frame, then sleeps until the next one is due, so a key's
    effect waited a whole frame (16.7 ms at 60 fps) before it was drawn. A "free" event due now
    ends that sleep (the ``free_all`` clock of :func:`configure`); on any other clock this does
    nothing. Called for input that changed something, so idle costs nothing more. Measured in
    bench/bench_input_latency.py ("frame wait").
    """
    from kivy.clock import Clock

    schedule = getattr(Clock, "schedule_once_free", None)
    if schedule is not None:
        schedule(_nothing, 0)


class InputWaker:
    """The event Kivy's interrupt clock sleeps on, made to wake on input as well.

    Kivy sleeps between frames on a threading event that only clock events set, and reads input
    after the sleep: a key waits for the next frame's turn, so every screen must run the loop at
    its full frame rate for keys to feel quick. This event sleeps in SDL instead
    (``SDL_WaitEventTimeout`` without taking the event, so Kivy still reads it): a key, a touch or
    a window event ends the sleep at once. A clock event set from another thread (the foot switch
    through :mod:`kiosk.inputs.handoff`) pushes an SDL user event to end it the same way. With it
    the loop can run at a low frame rate while nothing happens (see :func:`wake_on_input`).
    """

    def __init__(self, sdl, user_event: int):
        import threading

        self._sdl = sdl
        self._flag = False
        self._main = threading.main_thread()
        self._wakeup = (ctypes.c_uint8 * 64)()  # an SDL_Event: its first field is the type
        ctypes.c_uint32.from_buffer(self._wakeup).value = user_event

    def is_set(self) -> bool:
        return self._flag

    def set(self) -> None:
        self._flag = True
        import threading

        if threading.current_thread() is not self._main:
            self._sdl.SDL_PushEvent(self._wakeup)

    def clear(self) -> None:
        self._flag = False

    def wait(self, timeout: float | None = None) -> bool:
        if self._flag:
            return True
        ms = -1 if timeout is None else max(0, math.ceil(timeout * 1000))
        self._sdl.SDL_WaitEventTimeout(None, ms)
        return self._flag


def _loaded_sdl2() -> str | None:
    """The path of the SDL2 library Kivy loaded into this process (its wheel bundles one)."""
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return None
    for line in maps.splitlines():
        path = line.split()[-1] if line.split() else ""
        name = Path(path).name
        if name.startswith("libSDL2-2") or name.startswith("libSDL2.so") or name.startswith("libSDL2-2.0"):
            return path
    return None


def wake_on_input(idle_fps: int | None = None) -> bool:
    """Have Kivy's sleeping loop wake on input (:class:`InputWaker`); call once the window is open.

    With ``idle_fps`` the loop then runs at that rate while nothing happens: input, the session's
    own deadlines ("free" clock events) and :func:`wake_loop` still start a frame at once. False
    (and nothing changed) where this cannot be done: another clock than ``free_all``, no SDL2, or
    an SDL video driver that cannot wait for input (``kmsdrm``, the Pi's console without a desktop,
    where the loop stays Kivy's: frame-paced, with keys drawn at once by :func:`wake_loop`).
    """
    from kivy.clock import Clock

    if os.environ.get("KIOSK_INPUT_WAKE", "1") == "0":  # benchmarks compare the loop without it
        return False
    if not hasattr(Clock, "schedule_once_free") or not hasattr(Clock, "_event"):
        return False
    path = _loaded_sdl2()
    if path is None:
        return False
    try:
        sdl = ctypes.CDLL(path)
        sdl.SDL_GetCurrentVideoDriver.restype = ctypes.c_char_p
        driver = (sdl.SDL_GetCurrentVideoDriver() or b"").decode()
        if driver not in WAITING_DRIVERS:
            # Elsewhere (kmsdrm: a Pi's console) SDL "waits" by polling every millisecond, which
            # costs more than Kivy's own frame-paced sleep: keep that.
            return False
        sdl.SDL_WaitEventTimeout.argtypes = [ctypes.c_void_p, ctypes.c_int]
        sdl.SDL_WaitEventTimeout.restype = ctypes.c_int
        sdl.SDL_PushEvent.argtypes = [ctypes.c_void_p]
        sdl.SDL_RegisterEvents.argtypes = [ctypes.c_int]
        sdl.SDL_RegisterEvents.restype = ctypes.c_uint32
        user_event = sdl.SDL_RegisterEvents(1)
    except (OSError, AttributeError):
        return False
    if user_event == 0xFFFFFFFF:
        return False
    waker = InputWaker(sdl, user_event)
    if Clock._event is not None and Clock._event.is_set():
        waker.set()
    Clock._event = waker
    if idle_fps:
        Clock._max_fps = float(idle_fps)
    return True
