#!/usr/bin/env python3
"""The baseline: the usual Kivy countdown, ``Clock.schedule_interval(cb, 1)`` counting ticks.

Each tick takes one second off the step's remaining time; at zero the next step starts. This is
the timer most Kivy tutorials write, and what the kiosk's engine (absolute deadlines on a
monotonic clock) is measured against. It runs on Kivy's defaults (default clock, maxfps 60), in
an 800x480 window, with the same frame probe as the kiosk (see :mod:`kiosk_probe`): ``due`` is
the session start plus the planned durations of the steps before, ``shown`` the first flip after
the step's "Step N of M" text changed.

    python bench/naive_timer.py --durations 10x60 [--begin 1.0]   # 60 steps of 10 s
    python bench/naive_timer.py --durations 4,6,4,6                # or listed
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def parse_durations(text: str) -> list[int]:
    """``10x60`` (60 steps of 10 s) or ``4,6,4`` (whole seconds: the naive timer counts ticks)."""
    if "x" in text:
        seconds, count = text.split("x", 1)
        return [int(seconds)] * int(count)
    return [int(part) for part in text.split(",") if part.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--durations", default="", help="step lengths in whole seconds")
    parser.add_argument("--begin", type=float, default=0.0,
                        help="start counting S seconds after the first frame (0: show a still screen)")
    opts = parser.parse_args(argv)
    durations = parse_durations(opts.durations)

    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ.setdefault("KIVY_NO_CONFIG", "1")
    from kivy.config import Config

    Config.set("graphics", "width", "800")
    Config.set("graphics", "height", "480")
    from kivy.app import App
    from kivy.clock import Clock
    from kivy.core.window import Window
    from kivy.lang import Builder
    from kivy.properties import StringProperty

    from kiosk_probe import FrameProbe, emit

    class NaiveTimerApp(App):
        step_of = StringProperty("Ready")
        countdown = StringProperty("")

        def build(self):
            return Builder.load_string(
                "BoxLayout:\n"
                "    orientation: 'vertical'\n"
                "    Label:\n"
                "        text: app.step_of\n"
                "        font_size: '32sp'\n"
                "    Label:\n"
                "        text: app.countdown\n"
                "        font_size: '96sp'\n"
            )

        def on_start(self):
            self.probe = FrameProbe(Window, Clock)
            self.bind(step_of=self._on_step_of)
            emit("clock", clock=type(Clock).__name__, maxfps=Clock._max_fps)
            if opts.begin and durations:
                Clock.schedule_once(lambda _dt: self.begin(), opts.begin)

        def begin(self):
            self.t0 = time.monotonic()
            self.index, self.remaining = 0, durations[0]
            self._show()
            Clock.schedule_interval(self.tick, 1)
            emit("begun", at=self.t0)

        def tick(self, _dt):
            self.remaining -= 1
            if self.remaining <= 0:
                self.index += 1
                if self.index == len(durations):
                    self.countdown = "0:00"
                    emit("finished", at=time.monotonic())
                    return False
                self.remaining = durations[self.index]
            self._show()

        def _show(self):
            self.step_of = f"Step {self.index + 1} of {len(durations)}"
            self.countdown = f"{self.remaining // 60}:{self.remaining % 60:02d}"

        def _on_step_of(self, _app, text):
            if text.startswith("Step "):
                self.probe.changed(text, step=self.index, due=self.t0 + sum(durations[:self.index]))

    NaiveTimerApp().run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
