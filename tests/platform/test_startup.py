"""Start-up that explains itself: a late display is waited for, a missing one is named, with STATUS=."""

from __future__ import annotations

import logging
import socket
import uuid

import pytest

from kiosk.platform import startup
from kiosk.platform.sdnotify import Notifier


class FakeTime:
    """A clock that moves only when the code under test sleeps."""

    def __init__(self):
        self.now = 0.0
        self.on_sleep = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        for hook in self.on_sleep:
            hook(self.now)


@pytest.fixture
def x_display():
    """A listening abstract socket like Xvfb's, on a display number nobody uses; yields (DISPLAY, listen)."""
    number = 9000 + uuid.uuid4().int % 900
    socks = []

    def listen() -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(b"\0/tmp/.X11-unix/X%d" % number)
        sock.listen(1)
        socks.append(sock)

    yield f":{number}", listen
    for sock in socks:
        sock.close()


class TestDisplayProblem:
    def test_a_listening_x_display_is_ready(self, x_display):
        display, listen = x_display
        listen()
        assert startup.display_problem({"DISPLAY": display}) == (None, False)
        assert startup.display_problem({"DISPLAY": display + ".0"}) == (None, False)

    def test_an_x_display_nobody_listens_on_is_worth_waiting_for(self, x_display):
        display, _ = x_display
        reason, wait = startup.display_problem({"DISPLAY": display})
        assert wait and f"DISPLAY={display}" in reason and "not accepting connections" in reason

    def test_a_missing_wayland_socket_is_named(self, tmp_path):
        reason, wait = startup.display_problem({"WAYLAND_DISPLAY": "wayland-1", "XDG_RUNTIME_DIR": str(tmp_path)})
        assert wait and str(tmp_path / "wayland-1") in reason


class TestWaitForDisplay:
    def test_a_display_that_comes_late_is_waited_for_with_one_status_line(self, x_display):
        display, listen = x_display
        t = FakeTime()
        up = []

        def display_comes_up(now: float) -> None:  # Xvfb starts listening 5 s in
            if now >= 5 and not up:
                listen()
                up.append(now)

        t.on_sleep.append(display_comes_up)
        said = []
        assert startup.wait_for_display(said.append, {"DISPLAY": display}, timeout=60,
                                        clock=t.clock, sleep=t.sleep) is None
        assert 5 <= t.now < 6
        assert len(said) == 1 and said[0].startswith("waiting for the display:") and display in said[0]

    def test_a_display_that_never_comes_is_given_up_with_the_reason(self, x_display):
        display, _ = x_display
        t = FakeTime()
        reason = startup.wait_for_display(lambda s: None, {"DISPLAY": display, "KIOSK_DISPLAY_WAIT": "4"},
                                          clock=t.clock, sleep=t.sleep)
        assert reason.startswith("no display after 4 s:") and f"DISPLAY={display}" in reason
        assert 4 <= t.now < 5


class TestStartupReport:
    @pytest.fixture
    def systemd(self, tmp_path):
        path = tmp_path / "notify"
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(str(path))
        sock.settimeout(2)
        yield Notifier(str(path)), lambda: sock.recv(4096).decode()
        sock.close()

    def test_a_failure_is_one_log_line_and_the_status(self, systemd, caplog):
        notifier, receive = systemd
        report = startup.StartupReport(notifier)
        with caplog.at_level(logging.ERROR):
            report.fail("no display after 60 s: the X display DISPLAY=:0 is not accepting connections")
            report.fail("a second reason is not said")
        assert receive() == "STATUS=cannot start: no display after 60 s: the X display DISPLAY=:0 is not accepting connections"
        assert [r.getMessage() for r in caplog.records] == [
            "kiosk cannot start: no display after 60 s: the X display DISPLAY=:0 is not accepting connections"]

    def test_a_window_kivy_could_not_open_is_explained_with_kivys_reason(self, systemd):
        notifier, receive = systemd
        report = startup.StartupReport(notifier)

        def kivy_run():
            logging.getLogger("kivy").critical("App: Unable to get a Window, abort.")
            raise SystemExit(1)

        with pytest.raises(SystemExit):
            startup.run_explained(kivy_run, report, lambda: False)
        assert receive().startswith("STATUS=cannot start: no window: App: Unable to get a Window, abort.")

    def test_leaving_after_the_first_frame_is_not_a_start_up_failure(self, systemd):
        notifier, _ = systemd
        report = startup.StartupReport(notifier)
        with pytest.raises(SystemExit):
            startup.run_explained(lambda: (_ for _ in ()).throw(SystemExit(1)), report, lambda: True)
        assert report.said is None

    def test_by_hand_without_any_screen_it_says_so_at_once(self, capsys):
        report = startup.StartupReport(Notifier(None))
        assert report.screen_ready(lambda: False) is False
        assert "no screen here" in capsys.readouterr().err


def test_ready_notes_name_an_unusable_data_folder():
    notes = startup.ready_notes(data_dir_usable=False, console=False)
    assert notes and "sessions are not saved for good" in notes[0] and "temporary folder" in notes[0]
    assert startup.ready_notes(data_dir_usable=True, console=False) == ()
