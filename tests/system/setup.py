"""The container's side of the test: a clean checkout, this machine's pip settings, the test display
and the one test drop-in, put in place before the installer runs."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHECKOUT = HERE.parents[1]
FILES = HERE / "files"


def prepare(machine) -> None:
    # A clean checkout, as a fresh clone has it: tracked and new files, nothing git ignores.
    names = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           cwd=CHECKOUT, capture_output=True, check=True).stdout.split(b"\0")
    dest = machine.root / "root" / "session-kiosk"
    for name in filter(None, names):
        src = CHECKOUT / name.decode()
        if src.is_symlink() or src.is_file():
            target = dest / name.decode()
            target.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(["cp", "-a", str(src), str(target)], check=True)
    subprocess.run(["bash", "-c", 'source "$1/scripts/system-test/lib.sh" && seed_pip_config "$2"', "_",
                    str(CHECKOUT), str(machine.root)], check=True)
    # The container shares this machine's network namespace, where X's abstract sockets live: its
    # display takes a number no X server here uses, so it never meets another test's screen.
    machine.display = f":{free_display()}"
    machine.write("/etc/systemd/system/kiosk-test-display.service",
                  (FILES / "kiosk-test-display.service").read_text().replace("Xvfb :0", f"Xvfb {machine.display}"))
    machine.write("/etc/systemd/system/kiosk.service.d/system-test.conf",
                  (FILES / "system-test.conf").read_text().replace("DISPLAY=:0", f"DISPLAY={machine.display}"))
    machine.write("/usr/local/lib/kiosk-system-test/sandbox_probe.py", (FILES / "sandbox_probe.py").read_text())
    machine.write("/root/room.yaml", (FILES / "room.yaml").read_text())
    machine.run(["mkdir", "-p", "/run/kiosk-test"])
    machine.run(["systemctl", "daemon-reload"])


def free_display(first: int = 60, last: int = 99) -> int:
    """An X display number with no socket (abstract or file) on this machine."""
    listening = subprocess.run(["ss", "-xlH"], capture_output=True, text=True).stdout
    used = {int(n) for n in re.findall(r"/tmp/\.X11-unix/X(\d+)", listening)}
    used |= {int(p.name[1:]) for p in Path("/tmp/.X11-unix").glob("X*") if p.name[1:].isdigit()}
    for number in range(first, last + 1):
        if number not in used and not Path(f"/tmp/.X{number}-lock").exists():
            return number
    raise RuntimeError(f"no free X display number in :{first}-:{last}")
