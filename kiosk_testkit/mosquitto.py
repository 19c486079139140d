"""A real Mosquitto on a free localhost port, with a password file and the shipped ACL.

The broker config is deploy/mosquitto/clinic.conf with only its listener and file paths changed,
so the tests run the settings a clinic installs (no anonymous access, one user per room).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "deploy" / "mosquitto"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def find_binary(name: str) -> str | None:
    return shutil.which(name) or next((str(p) for p in (Path("/usr/sbin") / name,) if p.exists()), None)


class Mosquitto:
    """Start, stop and restart one broker; ``users`` maps user name to password."""

    def __init__(self, folder: Path, users: dict[str, str], port: int | None = None, tls: "Certificates | None" = None):
        self.folder = Path(folder)
        self.tls = tls
        self.users = dict(users)
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None
        self.log_path = self.folder / "mosquitto.log"

    def write_config(self) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        passwords = self.folder / "passwords"
        passwords.unlink(missing_ok=True)
        for user, password in self.users.items():
            subprocess.run([find_binary("mosquitto_passwd"), "-b", *(["-c"] if not passwords.exists() else []),
                            str(passwords), user, password], check=True, capture_output=True)
        passwords.chmod(0o600)
        acl = self.folder / "acl"
        shutil.copy(SHIPPED / "acl", acl)
        acl.chmod(0o600)
        text = (SHIPPED / "clinic.conf").read_text()
        text = re.sub(r"^listener 1883$", f"listener {self.port} 127.0.0.1", text, flags=re.M)
        if self.tls is not None:  # the commented 8883 listener of clinic.conf, switched on
            text += (f"\ncafile {self.tls.ca}\ncertfile {self.tls.cert}\nkeyfile {self.tls.key}\n"
                     "tls_version tlsv1.2\n")
        text = text.replace("/etc/mosquitto/kiosk/passwords", str(passwords))
        text = text.replace("/etc/mosquitto/kiosk/acl", str(acl))
        text += f"\nlog_dest file {self.log_path}\nlog_type all\npersistence false\n"
        if os.geteuid() == 0:
            text += "user root\n"  # tests run as root here; a clinic's broker runs as mosquitto
        conf = self.folder / "mosquitto.conf"
        conf.write_text(text)
        return conf

    def start(self, timeout: float = 10.0) -> "Mosquitto":
        binary = find_binary("mosquitto")
        if binary is None:
            raise RuntimeError("mosquitto is not installed (apt-get install mosquitto); `make test` installs it")
        conf = self.write_config()
        self.proc = subprocess.Popen([binary, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"mosquitto exited: {self.proc.stderr.read().decode(errors='replace')}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise TimeoutError("mosquitto did not start listening")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def sub_args(self, user: str) -> list[str]:
        """Options for mosquitto_sub / mosquitto_pub as ``user``."""
        return ["-h", "127.0.0.1", "-p", str(self.port), "-u", user, "-P", self.users[user]]


class Certificates:
    """A clinic CA and a broker certificate for "localhost" and 127.0.0.1, made with openssl."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.ca, self.ca_key = folder / "clinic-ca.pem", folder / "clinic-ca.key"
        self.cert, self.key = folder / "broker.pem", folder / "broker.key"
        run = lambda *args: subprocess.run(["openssl", *args], check=True, capture_output=True)  # noqa: E731
        run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Clinic test CA",
            "-keyout", str(self.ca_key), "-out", str(self.ca))
        csr = folder / "broker.csr"
        run("req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", str(self.key),
            "-out", str(csr))
        ext = folder / "san.ext"
        ext.write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
        run("x509", "-req", "-in", str(csr), "-CA", str(self.ca), "-CAkey", str(self.ca_key), "-CAcreateserial",
            "-days", "2", "-extfile", str(ext), "-out", str(self.cert))
