"""Run by the test drop-in as ExecStartPost: what the kiosk's sandbox lets it do, in one log line."""

import errno
import os
import socket


def attempt(action) -> str:
    try:
        action()
        return "allowed"
    except OSError as exc:
        return errno.errorcode.get(exc.errno, str(exc.errno))


def write_and_remove(path: str) -> None:
    with open(path, "w") as f:
        f.write("probe\n")
    os.remove(path)


def open_socket(family: int) -> None:
    socket.socket(family, socket.SOCK_STREAM).close()


print("sandbox-probe:",
      f"user={os.getuid()}",
      f"usr={attempt(lambda: write_and_remove('/usr/kiosk-probe'))}",
      f"etc={attempt(lambda: write_and_remove('/etc/kiosk-probe'))}",
      f"data={attempt(lambda: write_and_remove('/var/lib/kiosk/.kiosk-probe'))}",
      f"inet={attempt(lambda: open_socket(socket.AF_INET))}",
      f"inet6={attempt(lambda: open_socket(socket.AF_INET6))}",
      f"unix={attempt(lambda: open_socket(socket.AF_UNIX))}",
      flush=True)
