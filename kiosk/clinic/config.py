"""The ``mqtt:`` block of the room config, read with the same FILE:LINE:COL errors as every other key.

    mqtt:
      broker: desk-pc.local:1883      # host or host:port (8883 by default with tls)
      username: room-3
      password_file: /etc/kiosk/mqtt-password   # only root and the kiosk may read it
      tls:
        ca: /etc/kiosk/clinic-ca.pem  # optional cert + key for a client certificate
      room_id: room-3                 # default: the room's name as a slug
      discovery: true                 # Home Assistant discovery
      prefix: kiosk                   # topics are PREFIX/ROOM_ID/...

A password never sits in the (world-readable) room config: ``password:`` is refused, and the
password file must not be readable by everyone.
"""

from __future__ import annotations

import ipaddress
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from yaml.nodes import Node, ScalarNode

from kiosk import yamlsafe
from kiosk.vocabulary import bool_schema, parse_bool

DEFAULT_PORT = 1883
DEFAULT_TLS_PORT = 8883
KEEPALIVE_RANGE = (5, 300)
MAX_PASSWORD_BYTES = 1024
SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,47}")
_HOSTNAME = re.compile(r"(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*\.?")
_PREFIX = re.compile(r"[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)*")
#: The keys of the block, each with what it is for (the room schema's description of it).
HELP = {
    "broker": "The clinic's Mosquitto: host or host:port (port 1883, or 8883 with tls). Required.",
    "username": "The room's broker user (made by `kiosk desk add-room` or mosquitto_passwd).",
    "password_file": "A file holding the password, readable only by root and the kiosk (chmod 640, root:kiosk).",
    "tls": "Connect with TLS: ca (the clinic's CA certificate), optionally cert and key for a client certificate.",
    "room_id": "The room's id in topics: lower-case letters, digits, - and _ (default: the room's name as a slug).",
    "discovery": "Home Assistant MQTT discovery (default true).",
    "prefix": "Topic prefix (default kiosk): topics are PREFIX/ROOM_ID/state, .../command ...",
    "keepalive": "Seconds between keepalives, 5 to 300 (default 30): a room that loses power shows offline "
                 "at the desk within about 1.5 times this.",
}
KEYS = tuple(HELP)
TLS_KEYS = ("ca", "cert", "key")


@dataclass(frozen=True)
class TlsConfig:
    """Files for a TLS connection: the clinic's CA, and optionally a client certificate and key."""

    ca: Path
    cert: Path | None = None
    key: Path | None = None


@dataclass(frozen=True)
class MqttConfig:
    """How this room reaches the clinic's broker. ``room_id`` None means: the room's name as a slug."""

    host: str
    port: int = DEFAULT_PORT
    username: str | None = None
    password_file: Path | None = None
    tls: TlsConfig | None = None
    room_id: str | None = None
    discovery: bool = True
    prefix: str = "kiosk"
    keepalive: int = 30

    @property
    def broker(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    def read_password(self) -> str | None:
        """The password from ``password_file`` (first line), or None without one. Raises OSError."""
        if self.password_file is None:
            return None
        with open(self.password_file, "rb") as handle:
            data = handle.read(MAX_PASSWORD_BYTES + 1)
        return data.decode("utf-8", "replace").splitlines()[0] if data.strip() else ""


def slugify(name: str) -> str:
    """A room name as a topic-safe slug: ``Treatment room 3`` -> ``treatment-room-3``."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:48].strip("-")
    return slug or "room"


def room_id_of(mqtt: MqttConfig, room_name: str) -> str:
    """The room's id in topics and records: the configured one, else the room's name as a slug."""
    return mqtt.room_id or slugify(room_name)


def parse_broker(text: str) -> tuple[str, int | None]:
    """``host``, ``host:port`` or ``[v6 address]:port`` to ``(host, port or None)``; raises ValueError."""
    text = text.strip()
    port: int | None = None
    m = re.fullmatch(r"\[([0-9A-Fa-f:.]+)\](?::([0-9]+))?", text)
    if m:
        host, port_text = m.group(1), m.group(2)
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    else:
        host, port_text = text, None
    if port_text is not None:
        if not (port_text.isascii() and port_text.isdigit()) or not 1 <= int(port_text) <= 65535:
            raise ValueError(f'"{port_text}" is not a port; write a number from 1 to 65535')
        port = int(port_text)
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if not _HOSTNAME.fullmatch(host):
            raise ValueError(f'"{yamlsafe.shorten(host)}" is not a host name or address; '
                             "write e.g. desk-pc.local, 192.168.1.20 or 192.168.1.20:1883") from None
    return host, port


def check_secret_file(path: Path) -> str | None:
    """Why ``path`` is not fit to hold a password (missing, not a file, readable by everyone), or None."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return f'no file "{path}"'
    except OSError as exc:
        return f'cannot read "{path}": {exc.strerror or exc}'
    if not stat.S_ISREG(info.st_mode):
        return f'"{path}" is not a file'
    if info.st_mode & 0o007:
        return f'"{path}" can be read by everyone (mode {stat.S_IMODE(info.st_mode):04o})'
    if not os.access(path, os.R_OK):
        return f'"{path}" cannot be read by this user'
    return None


SECRET_HINT = "chmod 640 the file and chown root:kiosk, so only root and the kiosk can read it"


def read_mqtt(node: Node, report: yamlsafe.Report, base: Path) -> MqttConfig | None:
    """The ``mqtt:`` block, or None (every problem reported at its node) when it cannot be used.

    Unlike other keys, a bad ``mqtt:`` block is not half-used: a room either talks to the broker
    as configured or not at all, and says why on screen.
    """
    fields = yamlsafe.mapping(node, report, "mqtt")
    if fields is None:
        return None
    if "password" in fields:
        report.add(fields.key("password"), "mqtt.password: a password is never written in the room config",
                   "put it in a file that only root and the kiosk can read and give its path as password_file")
        return None
    before = len(report)
    fields.check_known(KEYS)
    if "broker" not in fields:
        report.add(node, "mqtt has no broker", "add broker: HOST or HOST:PORT (the clinic's Mosquitto)")
        return None
    values: dict = {}
    host = _scalar(fields, "broker", report, 300)
    if host is not None:
        try:
            values["host"], port = parse_broker(host)
            if port is not None:
                values["port"] = port
        except ValueError as exc:
            report.add(fields.get("broker"), f"mqtt.broker: {exc}")
    username = _scalar(fields, "username", report, 200)
    if username is not None:
        values["username"] = username
    password = _path(fields, "password_file", report, base)
    if password is not None:
        problem = check_secret_file(password)
        if problem:
            report.add(fields.get("password_file"), f"mqtt.password_file: {problem}", SECRET_HINT)
        values["password_file"] = password
        if username is None:
            report.add(fields.get("password_file"), "mqtt.password_file without a username",
                       "add username: the name made with mosquitto_passwd")
    if "tls" in fields:
        tls = _tls(fields.get("tls"), report, base)
        if tls is not None:
            values["tls"] = tls
            values.setdefault("port", DEFAULT_TLS_PORT)
    for name, (read, max_len, hint) in _READERS.items():
        text = _scalar(fields, name, report, max_len)
        if text is not None:
            try:
                values[name] = read(text)
            except ValueError as exc:
                report.add(fields.get(name), f"mqtt.{name}: {exc}", hint)
    if len(report) > before or "host" not in values:
        return None
    return MqttConfig(**values)


def _slug(text: str) -> str:
    if not SLUG.fullmatch(text):
        raise ValueError(f'"{yamlsafe.shorten(text)}" is not a slug')
    return text


def _prefix(text: str) -> str:
    if not _PREFIX.fullmatch(text):
        raise ValueError(f'"{yamlsafe.shorten(text)}" is not a topic prefix')
    return text


def _keepalive(text: str) -> int:
    low, high = KEEPALIVE_RANGE
    number = text.removesuffix("s").strip()
    if not (number.isascii() and number.isdigit() and low <= int(number) <= high):
        raise ValueError(f'"{text}" is not {low} to {high} seconds')
    return int(number)


#: The keys read from one value: reader, longest text, and the hint for a bad value.
_READERS = {
    "room_id": (_slug, 48, "use lower-case letters, digits, - and _ (e.g. room-3), at most 48"),
    "discovery": (parse_bool, 10, "write true or false"),
    "prefix": (_prefix, 100, "use letters, digits, - and _, levels separated by / (no +, # or spaces)"),
    "keepalive": (_keepalive, 10, "write a whole number of seconds, e.g. keepalive: 30"),
}


def _scalar(fields: yamlsafe.Fields, name: str, report: yamlsafe.Report, max_len: int) -> str | None:
    if name not in fields:
        return None
    return yamlsafe.scalar_text(fields.get(name), report, f"mqtt.{name}", max_len=max_len)


def _path(fields: yamlsafe.Fields, name: str, report: yamlsafe.Report, base: Path, what: str = "mqtt") -> Path | None:
    if name not in fields:
        return None
    text = yamlsafe.scalar_text(fields.get(name), report, f"{what}.{name}", max_len=4096)
    return None if text is None else (base / Path(text).expanduser()).resolve()


def _tls(node: Node, report: yamlsafe.Report, base: Path) -> TlsConfig | None:
    if isinstance(node, ScalarNode) and node.value.strip().lower() in ("true", "yes", "on"):
        report.add(node, "mqtt.tls needs the clinic's CA file", "write tls: then ca: /etc/kiosk/clinic-ca.pem below it")
        return None
    fields = yamlsafe.mapping(node, report, "mqtt.tls")
    if fields is None:
        return None
    fields.check_known(TLS_KEYS)
    if "ca" not in fields:
        report.add(node, "mqtt.tls has no ca", "add ca: the path of the clinic's CA certificate (PEM)")
        return None
    paths = {name: _path(fields, name, report, base, "mqtt.tls") for name in fields.present(TLS_KEYS)}
    ok = all(p is not None for p in paths.values())
    for name, path in paths.items():
        if path is not None and not path.is_file():
            report.add(fields.get(name), f'mqtt.tls.{name}: no file "{path}"', "copy it there, or correct the path")
            ok = False
    if ("cert" in paths) != ("key" in paths):
        report.add(node, "mqtt.tls: a client certificate needs both cert and key", "add the missing one, or neither")
        ok = False
    if ok and "key" in paths:
        problem = check_secret_file(paths["key"])  # type: ignore[arg-type]
        if problem:
            report.add(fields.get("key"), f"mqtt.tls.key: {problem}", SECRET_HINT)
            ok = False
    return TlsConfig(**paths) if ok else None  # type: ignore[arg-type]


def mqtt_schema() -> dict:
    """The JSON Schema of the ``mqtt:`` block, for the room config's schema (``kiosk schema room``)."""
    path = {"type": "string", "minLength": 1, "maxLength": 4096}
    low, high = KEEPALIVE_RANGE
    shapes: dict[str, dict] = {
        "broker": {"type": "string", "minLength": 1, "maxLength": 300},
        "username": {"type": "string", "minLength": 1, "maxLength": 200},
        "password_file": path,
        "tls": {"type": "object", "additionalProperties": False, "required": ["ca"],
                "properties": {name: dict(path) for name in TLS_KEYS}},
        "room_id": {"type": "string", "pattern": f"^{SLUG.pattern}$"},
        "discovery": bool_schema(),
        "prefix": {"type": "string", "pattern": f"^{_PREFIX.pattern}$", "maxLength": 100},
        "keepalive": {"anyOf": [{"type": "integer", "minimum": low, "maximum": high},
                                {"type": "string", "pattern": r"^\s*[0-9]+\s*s?\s*$"}]},
    }
    return {"type": "object", "additionalProperties": False, "required": ["broker"],
            "description": "The clinic's MQTT broker: this room's status, sessions and desk messages. "
                           "Without it the kiosk opens no network connection.",
            "properties": {name: {"description": HELP[name], **shapes[name]} for name in KEYS}}
