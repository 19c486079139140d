"""Each fault the doctor knows, staged on a fake Pi: it is found, and the fix is named."""

from __future__ import annotations

import argparse
import io
import json

import pytest

from kiosk.commands.doctor import doctor
from kiosk.doctor import FAIL, OK, SKIP, WARN, make_context, run_checks


def findings(machine, **kwargs):
    return run_checks(make_context(machine.system(), **kwargs))


def cli(machine, *extra) -> tuple[int, str]:
    args = argparse.Namespace(config=None, data_dir=None, user=None, unit="kiosk.service", only=None, json=False)
    for key, value in extra:
        setattr(args, key, value)
    out = io.StringIO()
    return doctor(args, system=machine.system(), out=out), out.getvalue()


class TestHealthyPi:
    def test_all_is_well_and_exit_0(self, machine):
        code, text = cli(machine)
        assert code == 0, text
        assert "All is well" in text
        results = findings(machine)
        assert {f.status for f in results} <= {OK, SKIP}, [f for f in results if f.status not in (OK, SKIP)]
        assert {f.check for f in results if f.status == OK} >= {
            "config", "user", "gpu", "input", "touch", "screen", "audio", "data", "service", "watchdog"}

    def test_checks_on_behalf_of_the_kiosk_user_with_the_units_settings(self, machine):
        ctx = make_context(machine.system())
        assert ctx.user == "kiosk"
        assert ctx.config.room == "Test room"  # found through the unit's KIOSK_CONFIG
        assert str(ctx.data_dir) == "/var/lib/kiosk"

    def test_json(self, machine):
        code, _ = cli(machine)
        out = io.StringIO()
        args = argparse.Namespace(config=None, data_dir=None, user=None, unit="kiosk.service", only=["gpu"], json=True)
        assert doctor(args, system=machine.system(), out=out) == code == 0
        report = json.loads(out.getvalue())
        assert report["ok"] is True and report["user"] == "kiosk"
        assert report["findings"] == [{"check": "gpu", "status": "ok", "message": "hardware GL renderer: V3D 7.1",
                                       "fix": ""}]


def _regroup(machine, group):
    """Take the kiosk user out of ``group``."""
    path = machine.root / "etc/group"
    lines = [line.replace(":pi,kiosk", ":pi") if line.startswith(f"{group}:") else line
             for line in path.read_text().splitlines()]
    path.write_text("\n".join(lines) + "\n")


def _data_dir(machine, path: str) -> None:
    """The unit's KIOSK_DATA_DIR (which wins over the room config) set to ``path``."""
    env = machine.service["Environment"].replace("KIOSK_DATA_DIR=/var/lib/kiosk ", f"KIOSK_DATA_DIR={path} ")
    machine.service.update(Environment=env)


def _damaged_journal(machine) -> None:
    """A journal from earlier days whose steps table lost its root page."""
    import sqlite3

    from kiosk.journal import schema, store
    from kiosk_testkit.journal_drive import damage_steps_root_page

    path = machine.root / "var/lib/kiosk" / store.FILENAME
    conn = sqlite3.connect(path, isolation_level=None)
    schema.migrate(conn)
    conn.close()
    damage_steps_root_page(path)


FAULTS = {
    "software-gl": (lambda m: m.journal.append("[INFO   ] [GL          ] OpenGL renderer <b'llvmpipe (LLVM 15.0.6, 128 bits)'>"),
                    "gpu", FAIL, "software (llvmpipe", "render"),
    "not-in-render": (lambda m: _regroup(m, "render"), "gpu", FAIL, "cannot open /dev/dri/renderD128", "usermod -aG render"),
    "no-gpu": (lambda m: [(m.root / p).unlink() for p in ("dev/dri/card1", "dev/dri/renderD128")],
               "gpu", FAIL, "KMS driver", "vc4-kms-v3d"),
    "input-permission": (lambda m: (m.root / "dev/input/event0").chmod(0o600), "input", FAIL,
                         "cannot read /dev/input/event0", "usermod -aG input"),
    "two-providers": (lambda m: m.write("/var/lib/kiosk/kivy/config.ini",
                                        "[input]\nmouse = mouse,disable_on_activity\n%(name)s = probesysfs\n"
                                        "ft = mtdev,/dev/input/event0\n"),
                      "touch", FAIL, "2 input providers", "delete the line(s) ft"),
    "mouse-and-touch": (lambda m: m.write("/var/lib/kiosk/kivy/config.ini", "[input]\nmouse = mouse\n%(name)s = probesysfs\n"),
                        "touch", FAIL, "arrives twice", "mouse = mouse,disable_on_activity"),
    "screen-blanks": (lambda m: m.write("/sys/module/kernel/parameters/consoleblank", "600\n"),
                      "screen", FAIL, "blanks after 600 s", "consoleblank=0"),
    "no-sound-card": (lambda m: m.write("/proc/asound/cards", "--- no soundcards ---\n"),
                      "audio", FAIL, "no sound card", "USB sound adapter"),
    "hdmi-without-speakers": (lambda m: (m.write("/proc/asound/cards", " 0 [vc4hdmi0       ]: vc4-hdmi - vc4-hdmi-0\n"),
                                         m.write("/proc/asound/card0/eld#0.0", "monitor_present\t\t0\neld_valid\t\t0\n")),
                              "audio", FAIL, "HDMI output with no display", "Pi 5 has no 3.5 mm jack"),
    "default-card-missing": (lambda m: m.write("/etc/asound.conf", "defaults.pcm.card 3\ndefaults.ctl.card 3\n"),
                             "audio", FAIL, "card 3, which does not exist", "aplay -l"),
    "card-held-by-pipewire": (lambda m: (m.write("/proc/asound/card0/pcm0p/sub0/status", "state: RUNNING\nowner_pid   : 812\n"),
                                         m.write("/proc/812/comm", "pipewire\n")),
                              "audio", WARN, "held open by pipewire", "Lite"),
    "silent-audio-driver": (lambda m: m.service.update(Environment=m.service["Environment"] + " SDL_AUDIODRIVER=dummy"),
                            "audio", WARN, "SDL_AUDIODRIVER=dummy", "systemctl edit kiosk"),
    "busy-cpu-small-audio-buffer": (lambda m: (m.write("/proc/loadavg", "6.20 5.10 4.00 3/512 999\n"),
                                               m.write("/proc/cpuinfo", "processor\t: 0\nprocessor\t: 1\n"
                                                                        "processor\t: 2\nprocessor\t: 3\n")),
                                    "audio", WARN, "the CPU is busy (load 6.2 on 4 cores): cues may crackle with "
                                    "audio_buffer 512 frames", "audio_buffer: 1024"),
    "mock-pins": (lambda m: m.service.update(Environment=m.service["Environment"] + " GPIOZERO_PIN_FACTORY=mock"),
                  "gpio", WARN, "simulated", "GPIOZERO_PIN_FACTORY"),
    "no-gpio-chip": (lambda m: (m.root / "dev/gpiochip0").unlink(), "gpio", FAIL, "no GPIO chip", "USB pedal"),
    "no-lgpio": (lambda m: setattr(m, "has_lgpio", False), "gpio", FAIL, "lgpio library is missing", "python3-lgpio"),
    "no-lgpio-says-what-still-works": (lambda m: setattr(m, "has_lgpio", False), "gpio", FAIL,
                                       "a USB or Bluetooth pedal and the touch screen still work", "Raspberry Pi archive"),
    "no-lgpio-with-mock-pins": (lambda m: (setattr(m, "has_lgpio", False), m.service.update(
        Environment=m.service["Environment"] + " GPIOZERO_PIN_FACTORY=mock")), "gpio", FAIL, "lgpio library is missing",
        "python3-lgpio"),
    "condition-unmet": (lambda m: m.service.update(ActiveState="inactive", SubState="dead", ConditionResult="no",
                                                   WatchdogUSec="0"),
                        "service", FAIL, "its condition ConditionPathExists=/dev/tty1 is not met", "systemctl edit"),
    "failed-before-ready": (lambda m: m.service.update(
        ActiveState="activating", SubState="auto-restart", Result="exit-code",
        StatusText="cannot start: no display after 60 s: no DRM device (/dev/dri/card*) yet"),
        "service", FAIL, "says: cannot start: no display after 60 s", "journalctl -u kiosk.service"),
    "gpio-permission": (lambda m: _regroup(m, "gpio"), "gpio", FAIL, "cannot open /dev/gpiochip0", "usermod -aG gpio"),
    "gpio-busy": (lambda m: (m.service.update(ActiveState="inactive", SubState="dead"),
                             setattr(m, "pin_problem", "GPIO busy: another program owns this pin")),
                  "gpio", FAIL, "pedal pin 17: GPIO busy", "gpioinfo"),
    "data-on-overlay": (lambda m: m.write("/proc/self/mountinfo", "30 1 0:25 / / rw,noatime - overlay overlay rw,lowerdir=/lower\n"),
                        "data", WARN, "lost at every reboot", "--data-device"),
    "data-read-only": (lambda m: m.write("/proc/self/mountinfo", "22 1 179:2 / / ro,noatime - ext4 /dev/mmcblk0p2 ro\n"),
                       "data", FAIL, "read-only file system", "writable partition"),
    "data-not-writable": (lambda m: __import__("os").chown(m.root / "var/lib/kiosk", 0, 0), "data", FAIL,
                          "kiosk cannot write /var/lib/kiosk", "chown -R kiosk:kiosk"),
    "data-dir-is-a-file": (lambda m: _data_dir(m, "/etc/passwd"),
                           "data", FAIL, "/etc/passwd is a file, not a folder", "set data_dir"),
    "data-dir-under-a-file": (lambda m: _data_dir(m, "/etc/passwd/kiosk"),
                              "data", FAIL, "cannot be created: /etc/passwd is a file", "set data_dir"),
    "empty-config": (lambda m: m.write("/etc/kiosk/room.yaml", "\n  \n"), "config", FAIL,
                     "the room config is empty", "edit /etc/kiosk/room.yaml"),
    "no-such-default-routine": (lambda m: m.write("/etc/kiosk/room.yaml", "room: Test room\ndefault_routine: bak-massage\n"),
                                "config", FAIL, 'no routine "bak-massage"', "back-massage"),
    "default-length-out-of-reach": (lambda m: m.write("/etc/kiosk/room.yaml",
                                                      "room: Test room\ndefault_routine: back-massage\ndefault_length: 4h\n"),
                                    "config", FAIL, "default_length 4:00:00 is out of reach for", "within that range"),
    "empty-home": (lambda m: m.service.update(Environment=m.service["Environment"] + " HOME="), "config", WARN,
                   "HOME is set but empty", "Environment=HOME="),
    "journal-damaged": (_damaged_journal, "data", FAIL, "kiosk.sqlite3 is damaged", ".recover"),
    "service-disabled": (lambda m: m.service.update(UnitFileState="disabled"), "service", FAIL,
                         "does not start at boot", "systemctl enable"),
    "service-failed": (lambda m: m.service.update(ActiveState="failed", SubState="failed", Result="exit-code"),
                       "service", FAIL, "failed/failed (last result: exit-code)", "journalctl -u kiosk.service"),
    "service-not-installed": (lambda m: m.service.update(LoadState="not-found"), "service", FAIL, "not installed",
                              "install.sh"),
    "restarts": (lambda m: m.service.update(NRestarts="3"), "service", WARN, "restarted 3 time(s)", "journalctl"),
    "watchdog-off": (lambda m: m.service.update(WatchdogUSec="0"), "watchdog", FAIL, "watchdog is off", "WatchdogSec"),
    "not-notify": (lambda m: m.service.update(Type="simple"), "watchdog", FAIL, "Type=simple", "drop-in"),
    "watchdog-fired": (lambda m: m.service.update(Result="watchdog"), "watchdog", WARN, "killed a frozen kiosk",
                       "Watchdog timeout"),
    "bad-config": (lambda m: m.write("/etc/kiosk/room.yaml", "room: Test room\nvolume: 140\n"), "config", FAIL,
                   "/etc/kiosk/room.yaml:2:9: error: volume: 140 is out of range", "at line 2"),
    "no-kiosk-user": (lambda m: m.write("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"), "user", FAIL,
                      'no user "kiosk"', "install.sh"),
}


class TestFaults:
    @pytest.mark.parametrize("fault", list(FAULTS), ids=list(FAULTS))
    def test_fault_is_found_with_its_fix(self, machine, fault):
        breaks, check, status, message, fix = FAULTS[fault]
        breaks(machine)
        found = [f for f in findings(machine) if f.check == check and f.status == status]
        assert any(message in f.message and fix in f.fix for f in found), findings(machine)
        code, text = cli(machine)
        assert code == (1 if status == FAIL else 0), text
        assert message in text

    def test_a_folder_that_is_not_the_kiosks_own_is_never_chowned(self, machine):
        import os

        (machine.root / "srv/shared").mkdir(parents=True)
        os.chown(machine.root / "srv/shared", 0, 0)
        _data_dir(machine, "/srv/shared")
        found = [f for f in findings(machine) if f.check == "data" and f.status == FAIL]
        assert found and all("chown" not in f.fix for f in found), found
        assert any("not the kiosk's own folder" in f.fix for f in found), found

    def test_a_crashing_check_does_not_hide_the_others(self, machine, monkeypatch):
        from kiosk.doctor import display

        def boom(ctx):
            raise RuntimeError("unexpected")

        monkeypatch.setattr(display, "check_gpu", boom)
        results = findings(machine)
        assert [f.status for f in results if f.check == "gpu"] == [FAIL]
        assert any(f.check == "watchdog" and f.status == OK for f in results)


class TestWatchdogWhileStopped:
    def test_a_stopped_service_with_watchdogsec_in_its_unit_is_not_called_watchdog_off(self, machine):
        machine.service.update(ActiveState="inactive", SubState="dead", WatchdogUSec="0")
        found = [f for f in findings(machine) if f.check == "watchdog"]
        assert [f.status for f in found] == [OK] and "WatchdogSec=20" in found[0].message, found

    def test_a_drop_in_that_turns_it_off_is_still_found(self, machine):
        machine.service.update(ActiveState="inactive", SubState="dead", WatchdogUSec="0")
        machine.unit_text += "\n# /etc/systemd/system/kiosk.service.d/override.conf\n[Service]\nWatchdogSec=0\n"
        found = [f for f in findings(machine) if f.check == "watchdog"]
        assert any(f.status == FAIL and "watchdog is off" in f.message for f in found), found


class TestOffThePi:
    def test_laptop_without_systemd_skips_service_checks(self, machine):
        import shutil

        shutil.rmtree(machine.root / "run/systemd")
        results = findings(machine)
        assert {f.status for f in results if f.check in ("service", "watchdog")} == {SKIP}


class TestKioskSettings:
    def test_no_overrides_says_room_yaml_decides(self, machine):
        [finding] = [f for f in findings(machine) if f.check == "settings"]
        assert finding.status == OK
        assert finding.message == "no values overridden on this kiosk: /etc/kiosk/room.yaml decides them all"

    def test_each_value_this_kiosk_overrides_is_listed_with_both_values(self, machine):
        machine.write("/etc/kiosk/room.yaml", "room: Test room\nvolume: 40\n")
        machine.write("/var/lib/kiosk/settings.json", json.dumps({
            "volume": {"value": 20, "room": 40}, "practice_mode": {"value": True, "room": False},
            "brightness": {"value": 30, "room": 90},  # room.yaml says 100 now: no longer in force
        }))
        found = [f for f in findings(machine) if f.check == "settings"]
        assert [f.message for f in found] == [
            "this kiosk overrides volume: 20 here, 40 in /etc/kiosk/room.yaml",
            "this kiosk overrides practice_mode: on here, off in /etc/kiosk/room.yaml",
        ]
        assert all(f.status == OK and "gives way when" in f.fix for f in found)
        code, text = cli(machine)
        assert code == 0 and "this kiosk overrides volume: 20 here, 40 in /etc/kiosk/room.yaml" in text
        assert json.loads((machine.root / "var/lib/kiosk/settings.json").read_text())["brightness"]["value"] == 30


class TestAudioBuffer:
    def busy(self, machine):
        machine.write("/proc/loadavg", "6.20 5.10 4.00 3/512 999\n")
        machine.write("/proc/cpuinfo", "".join(f"processor\t: {i}\n" for i in range(4)))

    def test_a_larger_buffer_settles_the_busy_cpu_advice(self, machine):
        self.busy(machine)
        machine.write("/etc/kiosk/room.yaml", "room: Test room\naudio_buffer: 2048\n")
        audio = [f for f in findings(machine) if f.check == "audio"]
        assert [f.status for f in audio] == [OK, OK]
        assert "audio_buffer 2048 frames (46.4 ms before a cue starts)" in audio[-1].message

    def test_an_idle_pi_keeps_the_small_buffer_and_is_told_what_to_do_if_cues_crackle(self, machine):
        machine.write("/proc/loadavg", "0.30 0.20 0.10 1/300 999\n")
        machine.write("/proc/cpuinfo", "".join(f"processor\t: {i}\n" for i in range(4)))
        advice = [f for f in findings(machine) if f.check == "audio"][-1]
        assert advice.status == OK and "audio_buffer 512 frames (11.6 ms" in advice.message
        assert "audio_buffer: 1024" in advice.fix
