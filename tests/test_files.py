"""No user file can hang or fool the kiosk: FIFOs, devices, symlink loops and huge files are refused
by name, before anything blocks on them, in every command that reads one."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from kiosk.files import FileReadError, read_regular_file

ROUTINE = "version: 1\nname: Tiny\nsteps:\n  - name: One\n    time: 1m\n"


class TestReadRegularFile:
    def test_a_fifo_is_refused_at_once(self, tmp_path):
        fifo = tmp_path / "back.yaml"
        os.mkfifo(fifo)
        with pytest.raises(FileReadError, match=r"back\.yaml: the routine is not a regular file \(a FIFO"):
            read_regular_file(fifo, 1000, "routine")

    def test_dev_zero_is_a_device_not_a_large_file(self):
        with pytest.raises(FileReadError, match=r"not a regular file \(a device\)") as exc:
            read_regular_file("/dev/zero", 1000)
        assert "too large" not in str(exc.value)

    def test_a_symlink_loop_is_called_one(self, tmp_path):
        (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
        (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
        with pytest.raises(FileReadError, match="symlink loop"):
            read_regular_file(tmp_path / "a.yaml", 1000)

    def test_a_file_over_the_limit_is_too_large_with_its_size(self, tmp_path):
        big = tmp_path / "big.yaml"
        big.write_bytes(b"#" * 5000)
        with pytest.raises(FileReadError, match=r"too large \(5 KiB; at most 1000 bytes\)"):
            read_regular_file(big, 1000)

    def test_a_regular_file_and_a_link_to_one_are_read(self, tmp_path):
        good = tmp_path / "good.yaml"
        good.write_text(ROUTINE)
        (tmp_path / "link.yaml").symlink_to(good)
        assert read_regular_file(tmp_path / "link.yaml", 1000) == ROUTINE.encode()


def kiosk(*args, cwd=None, env=None) -> subprocess.CompletedProcess:
    """A kiosk command that must finish on its own (a hang is a failure, not a stuck test run)."""
    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True, text=True, timeout=60,
                          cwd=cwd, env={**os.environ, **(env or {})})


@pytest.fixture
def folder_with_fifo(tmp_path):
    routines = tmp_path / "routines"
    routines.mkdir()
    (routines / "good.yaml").write_text(ROUTINE)
    os.mkfifo(routines / "stuck.yaml")
    return routines


class TestCommandsNeverHang:
    def test_validate_names_the_fifo_and_checks_the_rest(self, folder_with_fifo):
        out = kiosk("validate", str(folder_with_fifo))
        assert out.returncode == 1
        assert f"{folder_with_fifo / 'stuck.yaml'}: error: is not a regular file (a FIFO" in out.stdout + out.stderr
        assert "Traceback" not in out.stderr

    @pytest.mark.parametrize("command", [["plan"], ["simulate", "--press", "1:advance"]])
    def test_plan_and_simulate_refuse_a_fifo_routine(self, folder_with_fifo, command):
        out = kiosk(command[0], str(folder_with_fifo / "stuck.yaml"), *command[1:])
        assert out.returncode != 0
        assert "is not a regular file (a FIFO" in out.stderr and "Traceback" not in out.stderr

    def test_a_fifo_as_the_room_config_is_named_by_validate_and_doctor(self, tmp_path):
        fifo = tmp_path / "room.yaml"
        os.mkfifo(fifo)
        out = kiosk("doctor", "--config", str(fifo), "--only", "config")
        assert f"{fifo}: error: is not a regular file (a FIFO" in out.stdout + out.stderr, out
        assert "Traceback" not in out.stderr


@pytest.fixture(scope="module")
def screen():
    from kiosk_testkit.xvfb import Xvfb

    with Xvfb(1280, 800) as x:
        yield x


@pytest.mark.ui
@pytest.mark.slow
class TestTheKioskStarts:
    def test_with_fifos_as_config_settings_and_a_routine(self, screen, tmp_path, folder_with_fifo):
        from kiosk_testkit.process import KioskProcess

        data = tmp_path / "data"
        data.mkdir()
        os.mkfifo(data / "settings.json")
        config = tmp_path / "room.yaml"
        os.mkfifo(config)
        kiosk = KioskProcess(screen, "--windowed", "--data-dir", str(data), "--config", str(config),
                             "--routine", str(folder_with_fifo / "stuck.yaml"))
        with kiosk:
            kiosk.wait_log(r"notice on screen: .*room\.yaml.*is not a regular file \(a FIFO", timeout=20)
            kiosk.wait_log(r"ignoring unreadable settings file .*settings\.json.*not a regular file", timeout=5)
