"""The desk's login: one password, stored as a scrypt hash, and a limit on wrong guesses.

scrypt comes with Python's hashlib (OpenSSL), so the login needs no extra dependency; its
parameters are stored with the hash, so they can grow later without logging anyone out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from collections import defaultdict, deque
from pathlib import Path

from kiosk.errors import KioskError

#: scrypt cost: 2**15 x 8 x 1 takes about 50 ms and 32 MiB here, which is what OWASP suggests.
N, R, P = 2**15, 8, 1
MIN_PASSWORD_CHARS = 10
#: Wrong passwords allowed from one address within WINDOW_S before it has to wait.
MAX_FAILURES, WINDOW_S = 5, 300.0


class PasswordError(KioskError, ValueError):
    """A password that cannot be set, or a login file that cannot be read."""


def hash_password(password: str) -> str:
    """``scrypt$N$r$p$salt$hash`` (salt and hash in base64) for ``password``."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise PasswordError(f"the password is too short: use at least {MIN_PASSWORD_CHARS} characters")
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=N, r=R, p=P, maxmem=64 * 1024 * 1024, dklen=32)
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    return f"scrypt${N}${R}${P}${b64(salt)}${b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches ``stored`` (a :func:`hash_password` string); never raises."""
    try:
        kind, n, r, p, salt, digest = stored.strip().split("$")
        if kind != "scrypt":
            return False
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                             maxmem=128 * 1024 * 1024, dklen=len(expected))
    except (ValueError, TypeError, MemoryError):
        return False
    return hmac.compare_digest(got, expected)


def write_hash_file(path: Path, password: str) -> None:
    """Write the hash of ``password`` to ``path``, replacing it in one step.

    Mode 0600; when root writes it into a folder of another group (/etc/kiosk-desk, group
    kiosk-desk), that group may read it too (0640), so the desk's service user can check logins.
    """
    text = hash_password(password) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    group = path.parent.stat().st_gid
    if os.geteuid() == 0 and group != 0:
        os.chown(tmp, 0, group)
        os.chmod(tmp, 0o640)
    os.replace(tmp, path)


def read_hash_file(path: Path) -> str:
    """The stored hash; :class:`PasswordError` with the fix when there is none."""
    try:
        text = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise PasswordError(f'no login yet: "{path}" does not exist; run: kiosk desk set-password') from None
    except OSError as exc:
        raise PasswordError(f'cannot read the login file "{path}": {exc.strerror}') from None
    if not text.startswith("scrypt$"):
        raise PasswordError(f'"{path}" is not a login made by kiosk desk set-password; run it again')
    return text


def new_token() -> str:
    return secrets.token_urlsafe(32)


class RateLimit:
    """At most :data:`MAX_FAILURES` wrong passwords per address in :data:`WINDOW_S` seconds."""

    def __init__(self, max_failures: int = MAX_FAILURES, window_s: float = WINDOW_S, clock=time.monotonic):
        self.max_failures = max_failures
        self.window_s = window_s
        self.clock = clock
        self._failures: dict[str, deque] = defaultdict(deque)

    def wait_s(self, who: str) -> float:
        """Seconds ``who`` must wait before trying again (0: may try now)."""
        now = self.clock()
        seen = self._failures.get(who)
        if not seen:
            return 0.0
        while seen and now - seen[0] > self.window_s:
            seen.popleft()
        if len(seen) < self.max_failures:
            return 0.0
        return max(0.0, self.window_s - (now - seen[0]))

    def failed(self, who: str) -> None:
        self._failures[who].append(self.clock())
        if len(self._failures) > 10_000:  # a flood of addresses must not grow memory without end
            self._failures.pop(next(iter(self._failures)))

    def succeeded(self, who: str) -> None:
        self._failures.pop(who, None)
