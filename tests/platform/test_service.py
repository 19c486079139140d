"""The kiosk as a systemd service, through the listener list: READY=1, pings from the frame loop,
STOPPING=1 when it leaves; checked on a real datagram socket standing in for systemd's."""

from __future__ import annotations

import os

from kiosk.controller import Controller
from kiosk.engine.clock import FakeClock
from kiosk.platform.service import ServiceNotifier
from tests.platform.test_sdnotify import listener  # noqa: F401  (the fixture)


def env(address: str, watchdog_usec: int | None = 2_000_000) -> dict[str, str]:
    out = {"NOTIFY_SOCKET": address}
    if watchdog_usec is not None:
        out.update(WATCHDOG_USEC=str(watchdog_usec), WATCHDOG_PID=str(os.getpid()))
    return out


def test_outside_systemd_there_is_nothing_to_wire():
    assert ServiceNotifier.from_env({}) is None


def test_ready_pings_from_the_frames_and_stopping(listener):  # noqa: F811
    address, receive = listener
    clock = FakeClock(10.0)
    controller = Controller(clock)
    service = controller.add_listener(ServiceNotifier.from_env(env(address)))
    service.ready()
    assert receive() == ["READY=1", "STATUS=showing the kiosk"]
    controller.frame()
    assert receive() == ["WATCHDOG=1"]
    for _ in range(3):  # frames within half of WatchdogSec (1 s of 2): no ping
        clock.advance(0.25)
        controller.frame()
    assert not receive.pending()
    clock.advance(0.25)
    controller.frame()
    assert receive() == ["WATCHDOG=1"]
    controller.close()
    assert receive() == ["STOPPING=1", "STATUS=leaving the kiosk"]


def test_without_a_watchdog_frames_send_nothing(listener):  # noqa: F811
    address, receive = listener
    controller = Controller(FakeClock(0.0))
    controller.add_listener(ServiceNotifier.from_env(env(address, watchdog_usec=None)))
    for _ in range(5):
        controller.frame()
    assert not receive.pending()
