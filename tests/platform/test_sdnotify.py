"""sd_notify messages, checked on a real AF_UNIX datagram socket as systemd would receive them."""

from __future__ import annotations

import os
import socket
import uuid

import pytest

from kiosk.platform.sdnotify import Notifier, Watchdog, watchdog_interval


@pytest.fixture
def listener(tmp_path):
    """A datagram socket standing in for systemd's notify socket; yields (address, receive)."""
    path = tmp_path / "notify"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(2)

    def receive() -> list[str]:
        return sock.recv(4096).decode().split("\n")

    def pending() -> bool:
        sock.setblocking(False)
        try:
            sock.recv(4096, socket.MSG_PEEK)
            return True
        except BlockingIOError:
            return False
        finally:
            sock.settimeout(2)

    receive.pending = pending
    yield str(path), receive
    sock.close()


class TestNotifier:
    def test_ready_with_status_is_one_datagram(self, listener):
        address, receive = listener
        notifier = Notifier.from_env({"NOTIFY_SOCKET": address})
        assert notifier.ready("showing the picker")
        assert receive() == ["READY=1", "STATUS=showing the picker"]

    @pytest.mark.parametrize(
        ("call", "expected"),
        [
            (lambda n: n.ping(), ["WATCHDOG=1"]),
            (lambda n: n.status("session: step 3 of 12"), ["STATUS=session: step 3 of 12"]),
            (lambda n: n.status("two\nlines"), ["STATUS=two lines"]),
            (lambda n: n.stopping(), ["STOPPING=1"]),
            (lambda n: n.extend_timeout(30), ["EXTEND_TIMEOUT_USEC=30000000"]),
        ],
        ids=["ping", "status", "status-newline", "stopping", "extend"],
    )
    def test_messages(self, listener, call, expected):
        address, receive = listener
        notifier = Notifier(address)
        assert call(notifier)
        assert receive() == expected

    def test_abstract_socket_address(self):
        name = f"kiosk-test-{uuid.uuid4().hex}"
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(b"\0" + name.encode())
        sock.settimeout(2)
        try:
            assert Notifier("@" + name).ready()
            assert sock.recv(100) == b"READY=1"
        finally:
            sock.close()

    def test_reuses_one_socket_for_many_pings(self, listener):
        address, receive = listener
        notifier = Notifier(address)
        for _ in range(3):
            assert notifier.ping()
        assert [receive(), receive(), receive()] == [["WATCHDOG=1"]] * 3
        notifier.close()


class TestOutsideSystemd:
    @pytest.mark.parametrize("environ", [{}, {"NOTIFY_SOCKET": ""}, {"NOTIFY_SOCKET": "vsock:2:1234"}])
    def test_does_nothing_without_a_reachable_socket(self, environ):
        notifier = Notifier.from_env(environ)
        assert not notifier.enabled
        assert not notifier.ready()
        assert not notifier.ping()

    def test_vanished_socket_is_reported_not_raised(self, tmp_path, caplog):
        notifier = Notifier(str(tmp_path / "gone"))
        assert not notifier.ping()
        assert not notifier.ping()
        warnings = [r for r in caplog.records if "cannot notify" in r.getMessage()]
        assert len(warnings) == 1  # said once, not at every frame


class TestWatchdogInterval:
    @pytest.mark.parametrize(
        ("environ", "expected"),
        [
            ({"WATCHDOG_USEC": "20000000"}, 10.0),
            ({"WATCHDOG_USEC": "3000000", "WATCHDOG_PID": str(os.getpid())}, 1.5),
            ({}, None),
            ({"WATCHDOG_USEC": "0"}, None),
            ({"WATCHDOG_USEC": "soon"}, None),
            ({"WATCHDOG_USEC": "20000000", "WATCHDOG_PID": "1"}, None),
        ],
        ids=["set", "for-this-pid", "unset", "zero", "garbage", "other-pid"],
    )
    def test_half_of_watchdog_usec_for_this_process(self, environ, expected):
        assert watchdog_interval(environ) == expected


class TestWatchdog:
    def test_pings_once_per_interval_from_the_loop(self, listener):
        address, receive = listener
        dog = Watchdog(Notifier(address), interval=10.0)
        sent = [now for now in (0.0, 0.016, 5.0, 9.99, 10.0, 10.02, 19.9, 20.0, 35.0) if dog.tick(now)]
        assert sent == [0.0, 10.0, 20.0, 35.0]
        assert [receive() for _ in sent] == [["WATCHDOG=1"]] * 4
        assert not receive.pending()

    def test_from_env(self, listener):
        address, receive = listener
        dog = Watchdog.from_env(Notifier(address), {"WATCHDOG_USEC": "4000000"})
        assert dog.enabled and dog.interval == 2.0
        assert dog.tick(100.0)
        assert receive() == ["WATCHDOG=1"]

    @pytest.mark.parametrize("interval", [None, 10.0])
    def test_silent_without_watchdog_or_socket(self, interval):
        dog = Watchdog(Notifier(None), interval)
        assert not dog.enabled
        assert not any(dog.tick(float(t)) for t in range(0, 100, 5))
