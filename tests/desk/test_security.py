"""The desk on the clinic LAN: nothing without a login, CSRF on every change, guesses limited."""

from __future__ import annotations

import io
import time
from argparse import Namespace

import pytest

from kiosk.desk.auth import PasswordError, RateLimit, hash_password, read_hash_file, verify_password
from tests.clinic.conftest import Watcher
from kiosk_testkit.desk import PASSWORD, Browser
from tests.desk.test_board import room_client

PRIVATE = ["/", "/api/board", "/events", "/rooms/room-3/history", "/rooms/room-3/history.csv"]


@pytest.fixture(scope="module")
def commands(shared_broker):
    w = Watcher(shared_broker, topics=("kiosk/+/command",))
    yield w
    w.close()


@pytest.fixture(scope="module")
def on_board(shared_broker, shared_browser, commands):
    room = room_client(shared_broker, 3)
    room.publish("kiosk/room-3/availability", b"online")
    shared_browser.wait_room("room-3", lambda r: r["online"])
    yield shared_browser
    room.close()


class TestLogin:
    @pytest.mark.parametrize("path", PRIVATE)
    def test_nothing_without_a_login(self, shared_desk, path):
        status, headers, body = Browser(shared_desk).get(path)
        assert status in (303, 401), (path, status)
        if status == 303:
            assert headers["Location"] == "/login"
        assert b"room-3" not in body and b"Back massage" not in body

    def test_the_login_page_is_public_and_says_nothing_of_rooms(self, shared_desk):
        status, headers, body = Browser(shared_desk).get("/login")
        assert status == 200 and b'type="password"' in body
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]

    def test_the_cookie_is_httponly_and_strict(self, shared_desk):
        status, headers, _ = Browser(shared_desk).post_form("/login", {"password": PASSWORD})
        cookie = headers["Set-Cookie"]
        assert status == 303 and headers["Location"] == "/"
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
        assert "Secure" not in cookie  # plain HTTP on localhost; with https: it is Secure

    def test_wrong_passwords_are_limited_even_then_the_right_one_waits(self, desk):
        b = Browser(desk)
        for _ in range(5):
            assert b.login("not the password")[0] == 401
        status, headers, body = b.login()
        assert status == 429 and int(headers["Retry-After"]) > 60 and b"Too many wrong passwords" in body
        assert b.get("/")[0] == 303

    def test_logging_out_needs_the_token_and_then_ends_the_login(self, shared_desk):
        browser = Browser(shared_desk)
        browser.login()
        assert browser.request("POST", "/logout")[0] == 403
        assert browser.get("/api/board")[0] == 200
        assert browser.post_form("/logout", {"csrf": browser.csrf})[0] == 303
        assert browser.get("/api/board")[0] == 401

    def test_no_endpoint_shows_the_broker_password_or_the_hash(self, shared_desk, shared_browser, shared_broker):
        browser = shared_browser
        secret = shared_broker.users["desk"].encode()
        stored = read_hash_file(shared_desk.login_file).encode()
        for path in ["/", "/api/board", "/login", "/rooms/room-3/history", "/rooms/room-3/history.csv",
                     "/static/board.js"]:
            body = browser.get(path)[2]
            assert secret not in body and stored not in body and b"mqtt-password" not in body, path


class TestCommands:
    def test_a_command_without_the_csrf_token_is_refused(self, on_board, commands):
        before = len(commands.on("kiosk/room-3/command"))
        assert on_board.command("room-3", {"message": "hello"}, csrf=None)[0] == 403
        assert on_board.command("room-3", {"message": "hello"}, csrf="forged")[0] == 403
        time.sleep(0.5)
        assert len(commands.on("kiosk/room-3/command")) == before

    @pytest.mark.parametrize("body, reason", [
        ({"message": ""}, "message is empty"),
        ({"message": "x" * 201}, "too long"),
        ({"message": "hi", "ttl_s": 1}, "ttl_s must be from"),
        ({"end_by": "25:99"}, "is not a time"),
        ({"message": "hi", "clear_message": True}, "exactly one of"),
        ({"sudo": True}, "unknown key"),
    ])
    def test_a_bad_command_is_refused_before_the_broker(self, on_board, commands, body, reason):
        before = len(commands.on("kiosk/room-3/command"))
        status, answer = on_board.command("room-3", body)
        assert status == 422 and reason in answer["error"]
        time.sleep(0.3)
        assert len(commands.on("kiosk/room-3/command")) == before

    def test_a_good_command_reaches_the_room_with_an_id(self, on_board, commands):
        status, answer = on_board.command("room-3", {"message": "Phone call", "ttl_s": 120, "id": "mine"})
        assert status == 200 and answer["id"].startswith("desk-")
        sent = commands.json_on("kiosk/room-3/command", lambda d: d["id"] == answer["id"])
        assert sent == {"message": "Phone call", "ttl_s": 120, "id": answer["id"]}

    def test_a_room_not_on_the_board_is_not_sent_anything(self, on_board, commands):
        assert on_board.command("room-9", {"message": "hi"})[0] == 404
        assert on_board.command("..%2Fdesk", {"message": "hi"})[0] == 404


class TestPasswords:
    def test_a_hash_verifies_only_its_password(self):
        stored = hash_password("correct horse battery")
        assert stored.startswith("scrypt$") and "correct" not in stored
        assert verify_password("correct horse battery", stored)
        assert not verify_password("correct horse batterY", stored)
        assert not verify_password("x", "not a hash")

    def test_a_short_password_is_refused(self):
        with pytest.raises(PasswordError, match="at least 10"):
            hash_password("short")

    def test_the_limit_forgets_after_its_window(self):
        now = [0.0]
        limit = RateLimit(max_failures=3, window_s=60, clock=lambda: now[0])
        for _ in range(3):
            limit.failed("1.2.3.4")
        assert limit.wait_s("1.2.3.4") == pytest.approx(60) and limit.wait_s("5.6.7.8") == 0
        now[0] = 61
        assert limit.wait_s("1.2.3.4") == 0

    def test_set_password_replaces_the_login_and_logs_everyone_out(self, desk, browser):
        from kiosk.commands.desk import set_password

        assert set_password(Namespace(config=str(desk.config), password_stdin=True),
                            stdin=io.StringIO("a brand new password\n")) == 0
        assert browser.get("/api/board")[0] == 401
        assert Browser(desk).login()[0] == 401
        assert Browser(desk).login("a brand new password")[0] == 303


def test_with_https_the_cookie_is_secure_and_plain_http_is_not_served(broker, tmp_path):
    import ssl
    import subprocess
    import urllib.request

    from kiosk_testkit.desk import Desk, _NoRedirect

    cert, key = tmp_path / "desk.pem", tmp_path / "desk.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "30", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    key.chmod(0o600)
    desk = Desk(broker, tmp_path / "desk", extra=f"https:\n  cert: {cert}\n  key: {key}\n").start()
    try:
        desk.url = desk.url.replace("http://", "https://")
        b = Browser(desk)
        b.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(b.jar), _NoRedirect(),
                                               urllib.request.HTTPSHandler(context=ssl.create_default_context(
                                                   cafile=str(cert))))
        status, headers, _ = b.post_form("/login", {"password": PASSWORD})
        assert status == 303 and "Secure" in headers["Set-Cookie"] and "HttpOnly" in headers["Set-Cookie"]
        plain = Browser(desk)
        plain.desk = type("D", (), {"url": desk.url.replace("https://", "http://")})()
        with pytest.raises(OSError):  # the TLS port does not answer plain HTTP (no page, no cookie)
            plain.get("/login")
    finally:
        desk.stop()
