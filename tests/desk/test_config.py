"""desk.yaml: read like every file of the project, with FILE:LINE:COL and a fix for each problem."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kiosk.desk.config import DEFAULT_LISTEN, load_desk_config
from kiosk.errors import ConfigError


@pytest.fixture
def secret(tmp_path):
    path = tmp_path / "mqtt-password"
    path.write_text("pw\n")
    path.chmod(0o600)
    return path


def write(tmp_path, text: str):
    path = tmp_path / "desk.yaml"
    path.write_text(text)
    return path


def problems(path) -> str:
    with pytest.raises(ConfigError) as err:
        load_desk_config(path)
    return str(err.value)


class TestGood:
    def test_the_smallest_config_listens_on_localhost(self, tmp_path):
        config = load_desk_config(write(tmp_path, "broker: desk-pc.local\n"))
        assert (config.listen_host, config.listen_port) == DEFAULT_LISTEN == ("127.0.0.1", 8080)
        assert config.mqtt.host == "desk-pc.local" and config.mqtt.port == 1883 and config.mqtt.prefix == "kiosk"
        assert config.url == "http://127.0.0.1:8080/"

    def test_every_key(self, tmp_path, secret):
        config = load_desk_config(write(tmp_path, f"broker: 192.168.1.20:1884\nusername: desk\n"
                                                  f"password_file: {secret}\nprefix: clinic/kiosk\n"
                                                  "listen: 0.0.0.0:8443\ndata_dir: data\npassword_hash_file: login\n"
                                                  "rooms:\n  room-3: Treatment room 3\n"))
        assert config.mqtt.username == "desk" and config.mqtt.password_file == secret
        assert config.mqtt.port == 1884 and config.mqtt.prefix == "clinic/kiosk"
        assert (config.listen_host, config.listen_port) == ("0.0.0.0", 8443)
        assert config.data_dir == tmp_path / "data" and config.password_hash_file == tmp_path / "login"
        assert config.rooms == {"room-3": "Treatment room 3"}


class TestBad:
    @pytest.mark.parametrize("text, where, words", [
        ("username: desk\n", ":1:1:", "no broker"),
        ("broker: 'not a host!'\n", ":1:9:", "broker:"),
        ("broker: a\nlisten: 127.0.0.1:99999\n", ":2:9:", "listen: \"99999\" is not a port"),
        ("broker: a\npassword: hunter2\n", ":2:1:", "never written"),
        ("broker: a\nlisen: 1.2.3.4:80\n", ":2:1:", "listen"),
        ("broker: a\nrooms:\n  Room 3: x\n", ":3:3:", "not a room id"),
        ("broker: a\nhttps:\n  cert: /nonexistent.pem\n", ":3:3:", "https has no key"),
        ("broker: a\nclient_id: 'Desk PC'\n", ":2:12:", "is not a slug"),
    ])
    def test_a_problem_names_its_line_and_column(self, tmp_path, text, where, words):
        message = problems(write(tmp_path, text))
        assert where in message and words in message, message
        assert "mqtt." not in message  # the keys sit at the top of desk.yaml

    def test_a_password_file_readable_by_everyone_is_refused(self, tmp_path, secret):
        secret.chmod(0o644)
        message = problems(write(tmp_path, f"broker: a\nusername: desk\npassword_file: {secret}\n"))
        assert ":3:16:" in message and "can be read by everyone" in message and "chmod 640" in message

    def test_the_command_prints_the_problem_and_no_traceback(self, tmp_path):
        path = write(tmp_path, "broker: a\nlisten: nowhere:x\n")
        done = subprocess.run([sys.executable, "-m", "kiosk", "desk", "--config", str(path)], capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 1 and f"{path}:2:9:" in done.stderr and "Traceback" not in done.stderr


def test_a_port_in_use_is_said_plainly(tmp_path):
    import socket

    from kiosk.desk.auth import write_hash_file

    write_hash_file(tmp_path / "login", "a long enough password")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        path = write(tmp_path, f"broker: 127.0.0.1:1\nlisten: 127.0.0.1:{port}\ndata_dir: data\npassword_hash_file: login\n")
        done = subprocess.run([sys.executable, "-m", "kiosk", "desk", "--config", str(path)], capture_output=True,
                              text=True, timeout=60)
    assert done.returncode == 1 and f"cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr


class TestSchema:
    """schema/desk.schema.json describes what the reader reads, for editors and people."""

    @pytest.fixture
    def schema(self):
        import json

        from kiosk.paths import ROOT

        return json.loads((ROOT / "schema" / "desk.schema.json").read_text())

    def test_it_names_exactly_the_keys_the_reader_knows(self, schema):
        from kiosk.desk.config import KEYS

        assert set(schema["properties"]) == set(KEYS) - {"password"}  # password: only read to be refused

    def test_the_installed_config_and_the_readme_example_are_valid(self, schema):
        import re

        import jsonschema
        import yaml

        from kiosk.paths import ROOT

        installer = (ROOT / "scripts" / "install-desk.sh").read_text()
        written = installer.split("<<DESKYAML\n", 1)[1].split("\nDESKYAML", 1)[0]
        written = written.replace("$DESK_ETC", "/etc/kiosk-desk").replace("$DESK_STATE", "/var/lib/kiosk-desk")
        readme = re.search(r"```yaml\n(broker:.*?)```", (ROOT / "README.md").read_text(), re.S).group(1)
        for text in (written, readme):
            jsonschema.validate(yaml.safe_load(text), schema)

    @pytest.mark.parametrize("bad", [{"listen": "x"}, {"broker": "a", "password": "x"}, {"broker": "a", "lisen": "x"},
                                     {"broker": "a", "rooms": {"Room 3": "x"}}, {"broker": "a", "https": {"cert": "c"}}])
    def test_it_refuses_what_the_reader_refuses(self, schema, bad):
        import jsonschema

        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)
