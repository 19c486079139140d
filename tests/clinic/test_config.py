"""The room config's ``mqtt:`` block: good blocks read, each mistake at FILE:LINE:COL, secrets kept secret."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from kiosk.clinic.config import MqttConfig, TlsConfig, parse_broker, room_id_of, slugify
from kiosk.config import load_config


def load(tmp_path: Path, text: str):
    path = tmp_path / "room.yaml"
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return load_config(path, {})


@pytest.fixture
def secret(tmp_path) -> Path:
    path = tmp_path / "mqtt-password"
    path.write_text("s3cret\n")
    path.chmod(0o640)
    return path


def messages(problems) -> list[str]:
    return [str(p) for p in problems]


class TestGoodBlocks:
    def test_no_block_means_no_network(self, tmp_path):
        config, problems = load(tmp_path, "room: Room 3\n")
        assert problems == [] and config.mqtt is None

    def test_every_key(self, tmp_path, secret):
        (tmp_path / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\n")
        config, problems = load(tmp_path, f"""
            room: Treatment room 3
            mqtt:
              broker: desk-pc.local:1884
              username: room-3
              password_file: {secret.name}
              tls: {{ca: ca.pem}}
              room_id: room-3
              discovery: no
              prefix: clinic/kiosk
              keepalive: 15
        """)
        assert problems == []
        assert config.mqtt == MqttConfig(host="desk-pc.local", port=1884, username="room-3",
                                         password_file=secret.resolve(), tls=TlsConfig(ca=(tmp_path / "ca.pem").resolve()),
                                         room_id="room-3", discovery=False, prefix="clinic/kiosk", keepalive=15)
        assert config.mqtt.read_password() == "s3cret"

    def test_defaults_and_room_id_from_the_room_name(self, tmp_path):
        config, problems = load(tmp_path, """
            room: Treatment Room 3 (garden)
            mqtt:
              broker: 192.168.1.20
        """)
        assert problems == []
        assert (config.mqtt.port, config.mqtt.discovery, config.mqtt.prefix) == (1883, True, "kiosk")
        assert room_id_of(config.mqtt, config.room) == "treatment-room-3-garden"

    def test_tls_changes_the_default_port(self, tmp_path):
        (tmp_path / "ca.pem").write_text("x")
        config, problems = load(tmp_path, "mqtt:\n  broker: broker.lan\n  tls:\n    ca: ca.pem\n")
        assert problems == [] and config.mqtt.port == 8883

    @pytest.mark.parametrize("text, expected", [
        ("desk", ("desk", None)), ("desk.local:1883", ("desk.local", 1883)),
        ("10.0.0.2:8883", ("10.0.0.2", 8883)), ("[fe80::1]:1883", ("fe80::1", 1883)), ("::1", ("::1", None)),
    ])
    def test_broker_forms(self, text, expected):
        assert parse_broker(text) == expected

    def test_slug(self):
        assert slugify("  ") == "room" and slugify("Raum Zwölf") == "raum-zw-lf"


class TestMistakes:
    def test_inline_password_is_refused_at_its_line(self, tmp_path):
        config, problems = load(tmp_path, """
            room: Room 3
            mqtt:
              broker: desk
              password: hunter2
        """)
        assert config.mqtt is None
        assert messages(problems) == [
            f"{tmp_path / 'room.yaml'}:4:3: error: mqtt.password: a password is never written in the room "
            "config (put it in a file that only root and the kiosk can read and give its path as password_file)"]

    def test_world_readable_password_file(self, tmp_path, secret):
        secret.chmod(0o644)
        config, problems = load(tmp_path, f"mqtt:\n  broker: desk\n  username: r3\n  password_file: {secret}\n")
        assert config.mqtt is None
        assert len(problems) == 1 and (problems[0].line, problems[0].col) == (4, 18)
        assert "can be read by everyone (mode 0644)" in problems[0].message
        assert "chmod 640" in problems[0].hint

    def test_missing_password_file(self, tmp_path):
        _, problems = load(tmp_path, "mqtt:\n  broker: desk\n  username: r3\n  password_file: nope\n")
        assert "mqtt.password_file: no file" in problems[0].message and problems[0].line == 4

    @pytest.mark.parametrize("block, line, col, words", [
        ("  broker: desk:99999\n", 2, 11, "is not a port"),
        ("  broker: 'bad host!'\n", 2, 11, "is not a host name"),
        ("  broker: desk\n  room_id: Room 3\n", 3, 12, "is not a slug"),
        ("  broker: desk\n  prefix: kiosk/#\n", 3, 11, "is not a topic prefix"),
        ("  broker: desk\n  discovery: maybe\n", 3, 14, 'must be true or false, not "maybe"'),
        ("  broker: desk\n  keepalive: 1\n", 3, 14, "is not 5 to 300 seconds"),
        ("  broker: desk\n  brokr: x\n", 3, 3, 'unknown key "brokr" in mqtt'),
        ("  broker: desk\n  tls: yes\n", 3, 8, "needs the clinic's CA file"),
        ("  broker: desk\n  tls: {ca: missing.pem}\n", 3, 13, "mqtt.tls.ca: no file"),
        ("  username: r3\n", 2, 3, "mqtt has no broker"),
    ])
    def test_each_problem_at_its_place(self, tmp_path, block, line, col, words):
        config, problems = load(tmp_path, "mqtt:\n" + block)
        assert config.mqtt is None
        assert [(p.line, p.col) for p in problems] == [(line, col)], messages(problems)
        assert words in problems[0].message

    def test_a_bad_block_leaves_the_rest_of_the_room_config(self, tmp_path):
        config, problems = load(tmp_path, "room: Room 3\nvolume: 20\nmqtt: desk\n")
        assert (config.room, config.volume, config.mqtt) == ("Room 3", 20, None)
        assert messages(problems) == [f"{tmp_path / 'room.yaml'}:3:7: error: mqtt must be a mapping "
                                      '(key: value lines), not "desk"']

    @pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
    def test_unreadable_password_file(self, tmp_path, secret):
        secret.chmod(0o000)
        _, problems = load(tmp_path, f"mqtt:\n  broker: desk\n  username: r3\n  password_file: {secret}\n")
        assert "cannot be read by this user" in problems[0].message
