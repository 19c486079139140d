"""The one way actions reach the engine: from any thread onto Kivy's main thread.

gpiozero calls back on its own threads and :class:`~kiosk.inputs.footswitch.FootSwitch` on a
timer thread too; the engine and the widgets belong to Kivy's main thread. Every input hands its
actions to one :class:`MainThreadHandoff`, which delivers them there, in the order they came, with
``Clock.schedule_once`` (thread-safe and ordered since Kivy 1.10). This is the only Kivy import
under kiosk/inputs/.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial

from kiosk.inputs.actions import Action

Schedule = Callable[[Callable[[float], object], float], object]


class MainThreadHandoff:
    """Delivers ``on_action(action, source)`` on the main thread, whoever calls :meth:`deliver`.

    ``source`` says where the action came from (``"pedal 1 on GPIO17"``, ``"key pagedown"``) for
    the log and the pedal test screen. A call made on the main thread is delivered at once, so a
    key press costs no frame; a call from any other thread waits for the next frame. After
    :meth:`close` (the app is stopping) late hardware callbacks are dropped.
    """

    def __init__(
        self,
        on_action: Callable[[Action, str], object],
        *,
        schedule: Schedule | None = None,
        main_thread: threading.Thread | None = None,
    ):
        if schedule is None:
            from kivy.clock import Clock

            # Under the kiosk's free_all clock a "free" event wakes the sleeping loop at once, so
            # a pedal press is not held until the next frame; other clocks have no such events.
            schedule = getattr(Clock, "schedule_once_free", None) or Clock.schedule_once
        self.on_action = on_action
        self._schedule = schedule
        self._main = main_thread or threading.main_thread()
        self._closed = False

    def deliver(self, action: Action, source: str = "") -> None:
        """Have ``on_action(action, source)`` run on the main thread."""
        self.call(self.on_action, Action(action), source)

    def call(self, fn: Callable[..., object], *args: object) -> None:
        """Have ``fn(*args)`` run on the main thread (for listeners such as the pedal test screen)."""
        if self._closed:
            return
        if threading.current_thread() is self._main:
            fn(*args)
        else:
            self._schedule(partial(self._run, fn, args), 0)

    def sink(self, source: str) -> Callable[[Action], None]:
        """A one-argument ``on_action`` for an input (a FootSwitch) that tags its actions with ``source``."""
        return partial(self.deliver, source=source)

    def close(self) -> None:
        """Stop delivering; actions still queued are dropped when their frame comes."""
        self._closed = True

    def _run(self, fn: Callable[..., object], args: tuple, _dt: float) -> None:
        if not self._closed:
            fn(*args)
