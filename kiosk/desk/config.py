"""``desk.yaml``: how the front desk reaches the broker, where it listens and keeps its data.

    broker: 127.0.0.1:1883            # as in a room's mqtt: block
    username: desk
    password_file: /etc/kiosk-desk/mqtt-password
    tls: {ca: /etc/kiosk-desk/clinic-ca.pem}   # optional, the broker's TLS
    prefix: kiosk
    listen: 127.0.0.1:8080            # the board; 0.0.0.0:8080 to serve the clinic's LAN
    https: {cert: /etc/kiosk-desk/desk.pem, key: /etc/kiosk-desk/desk.key}   # optional
    data_dir: /var/lib/kiosk-desk     # the desk's SQLite (history, logins)
    password_hash_file: /etc/kiosk-desk/login   # made by `kiosk desk set-password`
    rooms:                            # optional: names to show for room ids
      room-3: Treatment room 3

Read with the project's YAML machinery, so every problem comes back as FILE:LINE:COL with a fix.
The broker keys are read by the same parser as a room's ``mqtt:`` block. ``schema/desk.schema.json``
describes the same keys for editors (a test holds the two together).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from yaml.nodes import MappingNode, Node

from kiosk import yamlsafe
from kiosk.clinic.config import SLUG, MqttConfig, check_secret_file, parse_broker, read_mqtt
from kiosk.errors import ConfigError

DEFAULT_LISTEN = ("127.0.0.1", 8080)
DEFAULT_DATA_DIR = Path("/var/lib/kiosk-desk")
DEFAULT_HASH_FILE = Path("/etc/kiosk-desk/login")
MAX_BYTES = 64 * 1024
BROKER_KEYS = ("broker", "username", "password_file", "tls", "prefix", "keepalive", "password")  # password: refused
KEYS = (*BROKER_KEYS, "listen", "https", "data_dir", "password_hash_file", "rooms", "client_id")


@dataclass(frozen=True)
class DeskConfig:
    """Everything ``kiosk desk`` needs; paths are absolute."""

    mqtt: MqttConfig
    listen_host: str = DEFAULT_LISTEN[0]
    listen_port: int = DEFAULT_LISTEN[1]
    data_dir: Path = DEFAULT_DATA_DIR
    password_hash_file: Path = DEFAULT_HASH_FILE
    https_cert: Path | None = None
    https_key: Path | None = None
    rooms: dict = field(default_factory=dict)
    client_id: str = "kiosk-desk"

    @property
    def url(self) -> str:
        host = f"[{self.listen_host}]" if ":" in self.listen_host else self.listen_host
        return f"{'https' if self.https_cert else 'http'}://{host}:{self.listen_port}/"


def load_desk_config(path: str | Path) -> DeskConfig:
    """The desk config in ``path``; raises :class:`ConfigError` listing every problem at FILE:LINE:COL."""
    file = Path(path)
    report = yamlsafe.Report(file)
    root = yamlsafe.load_file(file, report, max_bytes=MAX_BYTES)
    config = _read(root, report, file.parent.resolve()) if root is not None else None
    report.raise_if_any(ConfigError)
    assert config is not None
    return config


def _read(root: Node, report: yamlsafe.Report, base: Path) -> DeskConfig | None:
    top = yamlsafe.mapping(root, report, "the desk config")
    if top is None:
        return None
    top.check_known(KEYS)
    broker_node = MappingNode("tag:yaml.org,2002:map",
                              [(k, v) for k, v in root.value if getattr(k, "value", None) in BROKER_KEYS],
                              root.start_mark, root.end_mark)
    before = len(report)
    mqtt = read_mqtt(broker_node, report, base)
    for i in range(before, len(report)):  # the keys sit at the top of desk.yaml, not under mqtt:
        problem = report.problems[i]
        report.problems[i] = dataclasses.replace(
            problem, message=problem.message.replace("mqtt.", "", 1).replace("mqtt has no broker",
                                                                              "the desk config has no broker"),
            hint=problem.hint.replace("root:kiosk,", "root:kiosk-desk,").replace("the kiosk can", "the desk can"))
    values: dict = {}
    if "listen" in top:
        text = yamlsafe.scalar_text(top.get("listen"), report, "listen", max_len=300)
        if text is not None:
            try:
                host, port = parse_broker(text)
                values["listen_host"], values["listen_port"] = host, port or DEFAULT_LISTEN[1]
            except ValueError as exc:
                report.add(top.get("listen"), f"listen: {exc}", "write e.g. 127.0.0.1:8080 or 0.0.0.0:8080")
    for key, name in (("data_dir", "data_dir"), ("password_hash_file", "password_hash_file")):
        if key in top:
            text = yamlsafe.scalar_text(top.get(key), report, key, max_len=4096)
            if text is not None:
                values[name] = (base / Path(text).expanduser()).resolve()
    if "https" in top:
        fields = yamlsafe.mapping(top.get("https"), report, "https")
        if fields is not None:
            fields.check_known(("cert", "key"))
            for name in ("cert", "key"):
                if name not in fields:
                    report.add(top.get("https"), f"https has no {name}",
                               "give both cert: and key: (PEM files), or remove https:")
                    continue
                text = yamlsafe.scalar_text(fields.get(name), report, f"https.{name}", max_len=4096)
                if text is None:
                    continue
                p = (base / Path(text).expanduser()).resolve()
                if not p.is_file():
                    report.add(fields.get(name), f'https.{name}: no file "{p}"', "copy it there, or correct the path")
                elif name == "key" and (problem := check_secret_file(p)):
                    report.add(fields.get(name), f"https.key: {problem}", "chmod 600 the key file")
                values[f"https_{name}"] = p
    if "rooms" in top:
        fields = yamlsafe.mapping(top.get("rooms"), report, "rooms")
        if fields is not None:
            rooms = {}
            for key_node, value_node in top.get("rooms").value:
                room_id = str(key_node.value)
                if not SLUG.fullmatch(room_id):
                    report.add(key_node, f'rooms: "{yamlsafe.shorten(room_id)}" is not a room id',
                               "use the room's room_id (lower-case letters, digits, - and _), e.g. room-3")
                    continue
                name = yamlsafe.scalar_text(value_node, report, f"rooms.{room_id}", max_len=80)
                if name is not None:
                    rooms[room_id] = name
            values["rooms"] = rooms
    if "client_id" in top:
        text = yamlsafe.scalar_text(top.get("client_id"), report, "client_id", max_len=64)
        if text is not None:
            if SLUG.fullmatch(text):
                values["client_id"] = text
            else:
                report.add(top.get("client_id"), f'client_id: "{yamlsafe.shorten(text)}" is not a slug',
                           "use lower-case letters, digits, - and _ (e.g. kiosk-desk)")
    if mqtt is None:
        return None
    return DeskConfig(mqtt=mqtt, **values)
