#!/usr/bin/env python3
"""Screenshots of the session screen from two versions of the kiosk, compared pixel for pixel.

Takes the same screens (a running session, the first frame of a step change, a side switch) at
800x480 and 1280x720 from the code of a commit (default e51a9e0, before the session screen drew
from textures made ahead) and from this checkout, each in its own process on its own Xvfb with a
fake session clock and a fixed time of day, and compares them with PIL's ImageChops.

    .venv/bin/python scripts/compare_screens.py [--base e51a9e0] [--out DIR]

Prints one line per screen and exits 1 if any differs (the differing pixels' box is printed and a
diff image written next to the screenshots).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = ((800, 480), (1280, 720))
#: The time of day the screens show ("ends 10:25"): fixed, so two runs a minute apart agree.
WALL = 1_790_000_000.0


def take(out: Path) -> None:
    """In a process whose ``kiosk`` is the version under test: take every screen into ``out``."""
    os.environ["KIVY_NO_ARGS"] = "1"  # this script's arguments are not Kivy's
    from kiosk_testkit.xvfb import Xvfb

    screen = Xvfb(1920, 1080).start()
    os.environ["DISPLAY"] = screen.display
    try:
        _take(out)
    finally:
        screen.stop()


def _take(out: Path) -> None:
    from kiosk.ui import bootstrap, readout

    bootstrap.configure(bootstrap.WindowChoice(False, SIZES[0], "screens"))
    readout.time = _FixedTime(readout.time)
    from kivy.core.window import Window

    from tests.ui.conftest import DATA, Driver

    routine = DATA / "good" / "short.yaml"
    for w, h in SIZES:
        with tempfile.TemporaryDirectory() as tmp:
            d = _driver(Driver, routine, Path(tmp), (w, h), Window)
            d.app.begin()
            d.frames(2)
            d.wait(2)
            _settle(d)
            _shot(d, out / f"session-{w}x{h}.png")
            _until(d, lambda app=d.app: app.step_name == "Sweeps")
            _shot(d, out / f"step-change-{w}x{h}.png")
            _settle(d)
            _until(d, lambda app=d.app: app.side_text == "RIGHT")
            _shot(d, out / f"side-switch-{w}x{h}.png")
            d.app.dispatch("on_stop")
            Window.unbind(on_key_down=d.app._on_key_down, on_key_up=d.app._on_key_up,
                          on_request_close=d.app._on_request_close, focus=d.app._on_focus)
            for child in list(Window.children):
                Window.remove_widget(child)
            from kivy.app import App

            App._running_app = None


class _FixedTime:
    """The time module, with the wall clock held at :data:`WALL`."""

    def __init__(self, real):
        self._real = real

    def time(self):
        return WALL

    def __getattr__(self, name):
        return getattr(self._real, name)


def _driver(Driver, routine: Path, tmp: Path, size, Window):
    from kiosk.composition import RunOptions, attach_journal, build_services, open_start
    from kiosk.config import RoomConfig
    from kiosk.engine.clock import FakeClock
    from kiosk.ui.kiosk_app import KioskApp

    options = RunOptions(routines=(routine.parent,), routine=str(routine), length=None, skip=(),
                         data_dir=tmp / "data")
    clock, room = FakeClock(1000.0), RoomConfig()
    services = build_services(options, clock=clock, config=room)
    attach_journal(services, room, tmp / "data")
    open_start(services, options, room)
    Window.size = size
    app = KioskApp(services)
    app._run_prepare()
    d = Driver(app, clock)
    d.frames(4)
    return d


def _settle(d) -> None:
    """Up to the big clock's next second, when the kiosk renders the next step ahead."""
    d.wait(1.0, step=0.25)


def _until(d, shown) -> None:
    """Session time on, a tenth of a second a frame, up to the first frame where ``shown()`` holds."""
    for _ in range(2000):
        if shown():
            return
        d.clock.advance(0.1)
        d.frames(1)
    raise RuntimeError("the screen never got there")


def _shot(d, path: Path) -> None:
    d.window.canvas.ask_update()
    d.frames(1)
    taken = d.window.screenshot(str(path))
    os.replace(taken, path)


def export(commit: str, into: Path) -> Path:
    """The files of ``commit`` (read from the repository, nothing in it changed)."""
    data = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", commit], check=True,
                          capture_output=True).stdout
    into.mkdir(parents=True, exist_ok=True)
    archive = into.with_suffix(".tar")
    archive.write_bytes(data)
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    archive.unlink()
    return into


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="e51a9e0", help="the commit to compare with")
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "compare-screens")
    parser.add_argument("--take", type=Path, help=argparse.SUPPRESS)  # the child process's part
    args = parser.parse_args(argv)
    if args.take:
        take(args.take)
        return 0

    from PIL import Image, ImageChops

    with tempfile.TemporaryDirectory() as tmp:
        for tree in (export(args.base, Path(tmp) / "base"), ROOT):
            shots = args.out / ("base" if tree != ROOT else "this")
            shots.mkdir(parents=True, exist_ok=True)
            env = {**os.environ, "PYTHONPATH": f"{tree}{os.pathsep}{ROOT}"}
            env.pop("WAYLAND_DISPLAY", None)
            subprocess.run([sys.executable, str(Path(__file__).resolve()), "--take", str(shots)], cwd=tree,
                           env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    differs = 0
    for w, h in SIZES:
        for screen in ("session", "step-change", "side-switch"):
            file = f"{screen}-{w}x{h}.png"
            base = Image.open(args.out / "base" / file).convert("RGB")
            this = Image.open(args.out / "this" / file).convert("RGB")
            box = ImageChops.difference(base, this).getbbox() if base.size == this.size else (0, 0, *this.size)
            if box is None:
                print(f"{file:28} the same, pixel for pixel")
            else:
                differs += 1
                ImageChops.difference(base, this).save(args.out / f"diff-{file}")
                print(f"{file:28} DIFFERS in {box}")
    print(f"screenshots in {args.out}")
    return 1 if differs else 0


if __name__ == "__main__":
    sys.exit(main())
