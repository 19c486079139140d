"""Kivy's settings for a kiosk, applied before Kivy opens its window.

Kivy reads its environment and Config when first imported, so this module must run before any
``kivy.core`` import. It keeps Kivy from writing log files (SD card wear: logs go to the journal
through stderr), from reading a per-user config.ini, and from leaving on Escape.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


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
