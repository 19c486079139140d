"""A real ``kiosk desk`` process on a free port, and a small HTTP client that logs in to it."""

from __future__ import annotations

import http.cookiejar
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from kiosk.desk.auth import write_hash_file
from kiosk_testkit.mosquitto import free_port

PASSWORD = "front-desk-password"


class Desk:
    """``kiosk desk`` on ``broker`` as user desk, with its config, data and login under ``folder``."""

    def __init__(self, broker, folder: Path, *, port: int | None = None, extra: str = ""):
        self.broker = broker
        self.folder = Path(folder)
        self.port = port or free_port()
        self.folder.mkdir(parents=True, exist_ok=True)
        secret = self.folder / "mqtt-password"
        secret.write_text(broker.users["desk"] + "\n")
        secret.chmod(0o600)
        self.login_file = self.folder / "login"
        if not self.login_file.exists():
            write_hash_file(self.login_file, PASSWORD)
        self.config = self.folder / "desk.yaml"
        self.config.write_text(f"broker: 127.0.0.1:{broker.port}\nusername: desk\npassword_file: {secret}\n"
                               f"listen: 127.0.0.1:{self.port}\ndata_dir: {self.folder / 'data'}\n"
                               f"password_hash_file: {self.login_file}\nclient_id: desk-{self.port}\n{extra}")
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 20.0) -> "Desk":
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.log = open(self.folder / "desk.log", "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "kiosk", "desk", "--config", str(self.config)],
                                     stdout=self.log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"kiosk desk exited {self.proc.returncode}:\n{self.output()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise TimeoutError(f"kiosk desk did not listen:\n{self.output()}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def output(self) -> str:
        path = self.folder / "desk.log"
        return path.read_text(errors="replace") if path.exists() else ""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies, CSRF and plain answers ``(status, headers, body)``; redirects are not followed."""

    def __init__(self, desk: Desk):
        self.desk = desk
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())
        self.csrf = None

    def request(self, method: str, path: str, data: bytes | None = None, headers: dict | None = None,
                timeout: float = 10.0):
        req = urllib.request.Request(self.desk.url + path, data=data, method=method, headers=headers or {})
        try:
            with self.opener.open(req, timeout=timeout) as resp:
                return resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as err:
            return err.code, err.headers, err.read()

    def get(self, path: str):
        return self.request("GET", path)

    def post_form(self, path: str, fields: dict):
        return self.request("POST", path, urllib.parse.urlencode(fields).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"})

    def login(self, password: str = PASSWORD):
        answer = self.post_form("/login", {"password": password})
        if answer[0] == 303:
            page = self.get("/")[2].decode()
            self.csrf = page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
        return answer

    def command(self, room: str, body, csrf: str | None = "same"):
        headers = {"Content-Type": "application/json"}
        if csrf is not None:
            headers["X-CSRF-Token"] = self.csrf if csrf == "same" else csrf
        status, _, text = self.request("POST", f"/api/rooms/{room}/command",
                                       json.dumps(body).encode() if not isinstance(body, bytes) else body, headers)
        return status, json.loads(text or b"null")

    def board(self) -> dict:
        status, _, text = self.get("/api/board")
        assert status == 200, text
        return json.loads(text)

    def wait_room(self, room: str, predicate, timeout: float = 15.0) -> dict:
        """The room's card data once ``predicate(room)`` holds (polling the board)."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            rooms = {r["id"]: r for r in self.board()["rooms"]}
            last = rooms.get(room)
            if last is not None and predicate(last):
                return last
            time.sleep(0.1)
        raise AssertionError(f"room {room} never matched; last seen {last}")
