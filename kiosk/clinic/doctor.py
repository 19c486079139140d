"""``kiosk doctor``'s clinic check: can this room reach its broker, log in, and read its commands?

Step by step, so the finding names the first thing that is wrong and its fix: the password file,
the broker's name (DNS), a listener on the port, the TLS certificate chain, the user name and
password, and the ACL (a command result, the one thing only this room may write). A room without an ``mqtt:``
block skips it. The doctor is a command-line tool: waiting a few seconds here is fine.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time

from kiosk.clinic.config import SECRET_HINT, check_secret_file, room_id_of
from kiosk.clinic.protocol import Topics, dumps, result
from kiosk.doctor import FAIL, OK, SKIP, Context, Finding

TIMEOUT_S = 5.0
NAME = "clinic"


def check_clinic(ctx: Context) -> list[Finding]:
    mqtt = getattr(ctx.config, "mqtt", None)
    if mqtt is None:
        return [Finding(NAME, SKIP, "no mqtt: block in the room config; the room is not on a clinic network")]
    where = mqtt.broker
    if mqtt.password_file is not None:
        problem = check_secret_file(mqtt.password_file)
        if problem:
            return [Finding(NAME, FAIL, f"password file: {problem}", SECRET_HINT)]
    try:
        socket.getaddrinfo(mqtt.host, mqtt.port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        return [Finding(NAME, FAIL, f'cannot find the broker "{mqtt.host}" ({exc.strerror})',
                        "check the name in mqtt.broker, or use the broker's address (e.g. 192.168.1.20)")]
    try:
        sock = socket.create_connection((mqtt.host, mqtt.port), timeout=TIMEOUT_S)
    except OSError as exc:
        return [Finding(NAME, FAIL, f"nothing answers on {where} ({exc.strerror or exc})",
                        "start Mosquitto on the broker (systemctl status mosquitto), check the port in "
                        "mqtt.broker and that the broker's firewall lets the room in")]
    findings = [Finding(NAME, OK, f"the broker {where} answers")]
    try:
        if mqtt.tls is not None:
            try:
                context = ssl.create_default_context(cafile=str(mqtt.tls.ca))
                if mqtt.tls.cert:
                    context.load_cert_chain(str(mqtt.tls.cert), str(mqtt.tls.key))
                with context.wrap_socket(sock, server_hostname=mqtt.host) as tls:
                    findings.append(Finding(NAME, OK, f"TLS: the broker's certificate is trusted ({tls.version()})"))
            except ssl.SSLCertVerificationError as exc:
                return findings + [Finding(NAME, FAIL,
                                           f"TLS: the broker's certificate is not trusted ({exc.verify_message})",
                                           f"copy the clinic's CA to {mqtt.tls.ca}; the broker's certificate must "
                                           f'name "{mqtt.host}"')]
            except (ssl.SSLError, OSError) as exc:
                return findings + [Finding(NAME, FAIL, f"TLS: no secure connection ({exc})",
                                           "is the broker's listener on this port a TLS one (8883 in clinic.conf)?")]
    finally:
        sock.close()
    return findings + _login(mqtt, room_id_of(mqtt, ctx.config.room))


def login_refused(name: str, mqtt, done: threading.Event, seen: dict, *, user: str) -> Finding | None:
    """Why a doctor's login to the broker failed (no answer, or the broker said no), or None.

    ``done`` is set and ``seen["connack"]`` filled by the client's on_connect; ``user`` is the
    broker user whose password to set again (the room's id, or ``desk``).
    """
    if not done.wait(TIMEOUT_S):
        return Finding(name, FAIL, f"{mqtt.broker} did not answer the login", "is it an MQTT broker on that port?")
    if seen["connack"].is_failure:
        return Finding(name, FAIL, f"the broker refused user {mqtt.username or '(none)'}: {seen['connack']}",
                       f"set the password again on the broker (mosquitto_passwd /etc/mosquitto/kiosk/passwords "
                       f"{user}) and write the same one into {mqtt.password_file or 'a password_file'}")
    return None


def _login(mqtt, room_id: str) -> list[Finding]:
    from kiosk.clinic.client import make_client

    topics = Topics(mqtt.prefix, room_id)
    done, acked = threading.Event(), threading.Event()
    seen: dict = {}
    # MQTT 5: Mosquitto answers a publish its ACL denies with "not authorized" (3.1.1 drops it silently).
    try:
        client = make_client(mqtt, f"kiosk-doctor-{room_id}", v5=True)
    except OSError as exc:
        return [Finding(NAME, FAIL, f"cannot read the password file: {exc}", SECRET_HINT)]

    def on_connect(c, userdata, flags, reason_code, properties):
        seen["connack"] = reason_code
        done.set()
        if not reason_code.is_failure:  # a command result is what only this room may write
            probe = result(None, ok=True, reason="kiosk doctor checked the room's access", room=room_id,
                           at=time.time(), request_id="kiosk-doctor")
            c.publish(topics.result, dumps(probe), qos=1)

    def on_publish(c, userdata, mid, reason_code, properties):
        seen["puback"] = reason_code
        acked.set()

    client.on_connect, client.on_publish = on_connect, on_publish
    try:
        client.connect(mqtt.host, mqtt.port, keepalive=10)
    except (OSError, ValueError) as exc:
        return [Finding(NAME, FAIL, f"cannot open an MQTT connection: {exc}", "see the broker's log")]
    client.loop_start()
    try:
        refused = login_refused(NAME, mqtt, done, seen, user=room_id)
        if refused:
            return [refused]
        findings = [Finding(NAME, OK, f"logged in as {mqtt.username or 'anonymous'}")]
        if not acked.wait(TIMEOUT_S) or seen["puback"].is_failure:
            return findings + [Finding(NAME, FAIL, f"the broker's ACL does not let this room write {topics.result}",
                                       f"the room's MQTT user name must be its room_id ({room_id}); see "
                                       "deploy/mosquitto/acl")]
        return findings + [Finding(NAME, OK, f"may write its own topics ({topics.base}/...)")]
    finally:
        client.disconnect()
        client.loop_stop()
