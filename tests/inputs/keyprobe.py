"""Child process for test_keys_window: a real Kivy window that types keys at itself through X.

Prints one JSON line per key sent: the X key name, what Kivy passed to on_key_down and what
:class:`KeyMap` made of it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_NO_CONFIG", "1")

from kivy.app import App  # noqa: E402
from kivy.clock import Clock  # noqa: E402
from kivy.core.window import Window  # noqa: E402
from kivy.uix.label import Label  # noqa: E402

from kiosk.inputs.actions import Action  # noqa: E402
from kiosk.inputs.keys import KeyMap  # noqa: E402

MARK = "a"  # sent before each key, so every key's events can be told apart


def main(names: list[str]) -> None:
    keys = KeyMap({"f13": Action.BACK, "f14": Action.EXTEND})
    groups: list[list[dict]] = []

    def down(_window, key, scancode, _codepoint, modifiers):
        if key == ord(MARK):
            groups.append([])
        elif groups:
            action = keys.key_down(key, scancode, modifiers)
            groups[-1].append({"key": key, "scancode": scancode, "action": action and action.value})
        return True

    def up(_window, key, scancode=None, *_args):
        keys.key_up(key, scancode)
        return True

    Window.bind(on_key_down=down, on_key_up=up)

    class Probe(App):
        def build(self):
            return Label(text="key probe")

        def on_start(self):
            def send(_dt):
                for name in names:
                    subprocess.run(["xdotool", "key", MARK, name], check=True)
                Clock.schedule_once(lambda _dt: self.stop(), 0.5)

            Clock.schedule_once(send, 0.5)

    Probe().run()
    for name, events in zip(names, groups):
        print(json.dumps({"name": name, "events": events}))


if __name__ == "__main__":
    main(sys.argv[1:])
