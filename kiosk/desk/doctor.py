"""``kiosk doctor --desk``: can the front desk read its config, reach and log in to the broker, serve
its board, and are its certificates sound? Each finding names the first thing wrong and its fix.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
import urllib.request
from pathlib import Path

from kiosk.clinic.config import check_secret_file
from kiosk.doctor import FAIL, OK, WARN, Finding
from kiosk.errors import ConfigError

NAME = "desk"
TIMEOUT_S = 5.0
CERT_WARN_DAYS = 30
SECRET_FIX = "chmod 640 the file and chown root:kiosk-desk, so only root and the desk can read it"


def check_desk(config_path: str) -> list[Finding]:
    from kiosk.desk.auth import PasswordError, read_hash_file
    from kiosk.desk.config import load_desk_config

    try:
        config = load_desk_config(config_path)
    except ConfigError as exc:
        return [Finding(NAME, FAIL, f"the desk config has problems:\n{exc}", "fix each line named above")]
    except OSError as exc:
        return [Finding(NAME, FAIL, f"cannot read {config_path}: {exc}", "scripts/install.sh --desk writes one")]
    findings = [Finding(NAME, OK, f"config {config_path} reads cleanly")]
    try:
        read_hash_file(config.password_hash_file)
        findings.append(Finding(NAME, OK, "a login password is set"))
    except PasswordError as exc:
        findings.append(Finding(NAME, FAIL, str(exc), f"sudo kiosk desk --config {config_path} set-password"))
    if config.mqtt.password_file is not None and (problem := check_secret_file(config.mqtt.password_file)):
        findings.append(Finding(NAME, FAIL, f"broker password file: {problem}", SECRET_FIX))
    else:
        findings += _broker(config.mqtt)
    findings += _listener(config)
    findings += _certificate(config)
    return findings


def _broker(mqtt) -> list[Finding]:
    from kiosk.clinic.client import make_client
    from kiosk.clinic.doctor import login_refused

    try:
        socket.create_connection((mqtt.host, mqtt.port), timeout=TIMEOUT_S).close()
    except OSError as exc:
        return [Finding(NAME, FAIL, f"nothing answers on the broker {mqtt.broker} ({exc.strerror or exc})",
                        "start Mosquitto (sudo systemctl start mosquitto) or correct broker: in desk.yaml")]
    done, subscribed = threading.Event(), threading.Event()
    seen: dict = {"rooms": set()}
    client = make_client(mqtt, "kiosk-doctor-desk", v5=True)

    def on_connect(c, userdata, flags, reason_code, properties):
        seen["connack"] = reason_code
        done.set()
        if not reason_code.is_failure:
            c.subscribe(f"{mqtt.prefix}/+/availability", qos=1)

    def on_subscribe(c, userdata, mid, reason_codes, properties):
        seen["suback"] = reason_codes[0]
        subscribed.set()

    def on_message(c, userdata, message):
        seen["rooms"].add(message.topic.split("/")[-2])

    client.on_connect, client.on_subscribe, client.on_message = on_connect, on_subscribe, on_message
    try:
        client.connect(mqtt.host, mqtt.port, keepalive=10)
    except (OSError, ValueError, ssl.SSLError) as exc:
        return [Finding(NAME, FAIL, f"cannot open an MQTT connection to {mqtt.broker}: {exc}",
                        "with tls:, the broker's certificate must name the host in broker:")]
    client.loop_start()
    try:
        refused = login_refused(NAME, mqtt, done, seen, user="desk")
        if refused:
            return [refused]
        found = [Finding(NAME, OK, f"logged in to {mqtt.broker} as {mqtt.username or 'anonymous'}")]
        if not subscribed.wait(TIMEOUT_S) or seen["suback"].is_failure:
            return found + [Finding(NAME, FAIL, f"the broker's ACL does not let the desk read {mqtt.prefix}/#",
                                    "install deploy/mosquitto/acl as /etc/mosquitto/kiosk/acl (user desk)")]
        time.sleep(0.5)  # retained availability arrives at once
        rooms = sorted(seen["rooms"])
        return found + [Finding(NAME, OK if rooms else WARN,
                                f"{len(rooms)} room(s) known to the broker: {', '.join(rooms)}" if rooms else
                                "no room has joined the broker yet",
                                "" if rooms else "kiosk desk add-room \"Treatment room 1\" makes a room's login")]
    finally:
        client.disconnect()
        client.loop_stop()


def _listener(config) -> list[Finding]:
    findings = []
    host = config.listen_host
    try:
        public = not ipaddress.ip_address(host).is_loopback
    except ValueError:
        public = host != "localhost"
    if public and config.https_cert is None:
        findings.append(Finding(NAME, WARN, f"the board listens on {host} over plain HTTP: the login crosses the "
                                            "LAN readable", "add https: with cert: and key: to desk.yaml"))
    probe = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"{'https' if config.https_cert else 'http'}://{probe}:{config.listen_port}/login"
    context = ssl._create_unverified_context() if config.https_cert else None  # only: does it answer?
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S, context=context) as answer:
            ok = answer.status == 200
    except OSError as exc:
        return findings + [Finding(NAME, WARN, f"the board does not answer on {url} ({exc})",
                                   "sudo systemctl start kiosk-desk; journalctl -u kiosk-desk says why it stopped")]
    return findings + [Finding(NAME, OK if ok else WARN, f"the board answers on {config.url}")]


def _certificate(config) -> list[Finding]:
    if config.https_cert is None:
        return []
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(str(config.https_cert),
                                                                            str(config.https_key))
    except (ssl.SSLError, OSError) as exc:
        return [Finding(NAME, FAIL, f"https: the certificate and key do not load together ({exc})",
                        "give the PEM certificate and its own private key")]
    try:
        info = ssl._ssl._test_decode_cert(str(config.https_cert))  # noqa: SLF001 - the stdlib's only PEM reader
        left = (ssl.cert_time_to_seconds(info["notAfter"]) - time.time()) / 86400
    except (ssl.SSLError, KeyError, ValueError, AttributeError):
        return [Finding(NAME, OK, f"https: {Path(config.https_cert).name} loads with its key")]
    if left < 0:
        return [Finding(NAME, FAIL, f"https: the certificate expired {-left:.0f} days ago", "make a new one")]
    status = WARN if left < CERT_WARN_DAYS else OK
    return [Finding(NAME, status, f"https: the certificate is valid for {left:.0f} more days",
                    "renew it before it expires" if status == WARN else "")]
