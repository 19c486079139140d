"""``kiosk desk add-room``: a room's login on the clinic's broker and the ``mqtt:`` block for its Pi.

The password is made here (random, 32 characters), hashed by ``mosquitto_passwd -U`` from a
private scratch file (never on a command line, where ``ps`` would show it) and added to the
broker's password file. The shipped ACL gives every user its own ``kiosk/USER/...`` topics, so a
room needs no ACL line of its own; the ACL is only checked to be the one that does that.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from kiosk.clinic.config import SLUG, slugify
from kiosk.errors import KioskError

ACL_PATTERN = "pattern write kiosk/%u/state"
RESERVED = ("desk", "homeassistant")


class ProvisionError(KioskError, OSError):
    """A room could not be added; the message says what to do."""


def mosquitto_passwd() -> str:
    found = shutil.which("mosquitto_passwd") or ("/usr/bin/mosquitto_passwd"
                                                 if Path("/usr/bin/mosquitto_passwd").exists() else None)
    if found is None:
        raise ProvisionError("mosquitto_passwd is not installed; run: sudo apt-get install mosquitto")
    return found


def users_in(passwords: Path) -> set[str]:
    if not passwords.exists():
        return set()
    return {line.split(":", 1)[0] for line in passwords.read_text().splitlines() if ":" in line}


def add_user(passwords: Path, user: str, password: str, *, replace: bool = False) -> None:
    """Add (or with ``replace``, change) ``user`` in the Mosquitto password file ``passwords``."""
    if user in users_in(passwords) and not replace:
        raise ProvisionError(f'the broker already has a user "{user}"; use --replace to give it a new password')
    passwords.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=passwords.parent, prefix=".add-room-") as scratch:
        plain = Path(scratch) / "one"
        fd = os.open(plain, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(f"{user}:{password}\n")
        done = subprocess.run([mosquitto_passwd(), "-U", str(plain)], capture_output=True, text=True)
        if done.returncode != 0:
            raise ProvisionError(f"mosquitto_passwd failed: {done.stderr.strip() or done.stdout.strip()}")
        hashed = plain.read_text().strip()
        kept = [line for line in (passwords.read_text().splitlines() if passwords.exists() else [])
                if line.split(":", 1)[0] != user]
        new = Path(scratch) / "passwords"
        new.write_text("\n".join([*kept, hashed]) + "\n")
        if passwords.exists():
            info = passwords.stat()
            os.chmod(new, info.st_mode & 0o777)
            if os.geteuid() == 0:
                os.chown(new, info.st_uid, info.st_gid)
        else:
            os.chmod(new, 0o600)
        os.replace(new, passwords)


def room_block(room_id: str, broker: str, password_file: str = "/etc/kiosk/mqtt-password") -> str:
    return (f"mqtt:\n  broker: {broker}\n  username: {room_id}\n  password_file: {password_file}\n"
            f"  room_id: {room_id}\n")


def default_broker(config_path: str) -> str:
    """The broker as a room reaches it: the desk config's, unless that is this machine's loopback."""
    try:
        from kiosk.desk.config import load_desk_config

        mqtt = load_desk_config(config_path).mqtt
        host, port = mqtt.host, mqtt.port
    except (KioskError, OSError):
        host, port = "127.0.0.1", 1883
    if host in ("127.0.0.1", "::1", "localhost"):
        host = f"{socket.gethostname()}.local"
    return f"{host}:{port}"


def add_room(args: argparse.Namespace, out=None) -> int:
    import sys

    out = out or sys.stdout
    room_id = args.room_id or slugify(args.name)
    if not SLUG.fullmatch(room_id):
        raise ProvisionError(f'"{room_id}" is not a room id; use lower-case letters, digits, - and _')
    if room_id in RESERVED:
        raise ProvisionError(f'"{room_id}" is the broker user of the {room_id}; give the room another --room-id')
    acl = Path(args.acl)
    if not acl.exists() or ACL_PATTERN not in acl.read_text():
        raise ProvisionError(f'{acl} is not the clinic ACL that gives each room its own topics; install '
                             "deploy/mosquitto/acl there (scripts/install.sh --desk does)")
    password = secrets.token_urlsafe(24)
    add_user(Path(args.passwords), room_id, password, replace=args.replace)
    broker = args.broker or default_broker(args.config)
    block = room_block(room_id, broker)
    out.write(f'Room "{args.name}" can log in to the broker as {room_id}.\n\n'
              f"Put this in the room's /etc/kiosk/room.yaml:\n\n{block}\n")
    if args.out:
        folder = Path(args.out)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        (folder / "room-mqtt.yaml").write_text(f"# {args.name}\n{block}")
        secret = folder / "mqtt-password"
        fd = os.open(secret, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(password + "\n")
        out.write(f"Wrote {folder / 'room-mqtt.yaml'} and {secret} (mode 0600). On the room's Pi:\n"
                  f"  sudo install -o root -g kiosk -m 0640 mqtt-password /etc/kiosk/mqtt-password\n")
    else:
        out.write(f"and this one line (the password) in its /etc/kiosk/mqtt-password (mode 0640, root:kiosk):\n\n"
                  f"{password}\n\n")
    out.write(f"Name it on the board: add under rooms: in desk.yaml   {room_id}: {args.name}\n"
              "Then let the broker read the new login: sudo systemctl reload mosquitto\n")
    return 0
