"""The room's connection to the clinic's broker: paho's network thread plus one worker thread.

The UI thread only ever puts a job on a queue (:meth:`ClinicLink.publish_state`, ...) and reads
:attr:`status`; it never waits on a socket, a lock held across I/O, or the outbox's SQLite file.
paho runs its own loop (``connect_async`` + ``loop_start``, so a missing broker never blocks the
start) and reconnects with a backoff of 1 s doubling to 60 s, which also keeps a room with wrong
credentials from knocking in a storm. The will says ``offline`` on the availability topic when
the kiosk vanishes (power cut, kill -9); a clean exit says it too.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from kiosk.clinic.config import MqttConfig
from kiosk.clinic.outbox import Outbox
from kiosk.clinic.protocol import OFFLINE, ONLINE, Topics

log = logging.getLogger(__name__)

RECONNECT_MIN_S, RECONNECT_MAX_S = 1, 60
#: After the broker refused the room's user name and password, the next try waits this long at least.
LOGIN_RETRY_S = 30
#: How often the worker looks for sessions the journal closed besides when told one ended (a look
#: is one indexed query); after a session ends it looks at these delays, as the journal writes it.
OUTBOX_LOOK_S = 30.0
LOOK_AFTER_END_S = (0.2, 1.0, 3.0, 8.0)
#: A session record not acknowledged in this long is sent again (at-least-once).
RESEND_AFTER_S = 30.0
HA_STATUS = "homeassistant/status"
_BAD_LOGIN = (134, 4)  # MQTT 5 / 3.1.1 "bad user name or password"
_NOT_ALLOWED = (135, 5)


class ClinicLink:
    """Publishes the room's state, command results and finished sessions; receives desk commands.

    ``on_command(payload)`` is called on paho's thread with the raw bytes of each command;
    ``discovery()`` gives the Home Assistant ``(topic, payload)`` pairs, sent on every connect and
    whenever Home Assistant says it came back online.
    """

    def __init__(self, config: MqttConfig, room_id: str, *, on_command: Callable[[bytes], None],
                 journal_path: Path | None = None,
                 discovery: Callable[[], Iterable[tuple[str, bytes]]] | None = None):
        self.config = config
        self.room_id = room_id
        self.topics = Topics(config.prefix, room_id)
        self.on_command = on_command
        self.discovery = discovery
        self.outbox = Outbox(journal_path, room_id) if journal_path is not None else None
        self.status = "not started"
        self.connected = False
        self._jobs: queue.Queue = queue.Queue()
        self._client = None
        self._worker: threading.Thread | None = None
        self._last_state: bytes | None = None
        self._inflight: tuple[int, int, float] | None = None  # (mid, session_id, sent at)
        self._online = False  # the worker's own view: set when it has handled the connect
        self._closed = False
        #: Session records the broker acknowledged, and records waiting (as of the worker's last look).
        self.sent_sessions = 0
        self.unsent = 0

    # --- from the UI thread (never blocks) -----------------------------------------------------

    def start(self) -> None:
        """Begin connecting in the background; returns at once whether or not a broker answers."""
        try:
            self._client = self._make_client()
        except (OSError, ValueError) as exc:  # the password file went away, a bad certificate
            self.status = f"not connecting: {exc}"
            log.error("clinic network off: %s", exc)
            return
        self._worker = threading.Thread(target=self._work, name="clinic link", daemon=True)
        self._worker.start()
        self.status = f"connecting to {self.config.broker}"
        self._client.connect_async(self.config.host, self.config.port, keepalive=self.config.keepalive)
        self._client.loop_start()

    def publish_state(self, payload: bytes) -> None:
        """The room's state, retained; while the broker is away only the newest is kept, for the reconnect."""
        self._jobs.put(("state", payload))

    def publish_result(self, payload: bytes) -> None:
        self._jobs.put(("result", payload))

    def look_for_sessions(self) -> None:
        """A session just ended: look for its record soon rather than at the next regular look."""
        self._jobs.put(("look_soon",))

    def close(self, timeout: float = 2.0) -> None:
        """Say offline, stop both threads; waits at most ``timeout`` (the kiosk is leaving anyway)."""
        if self._closed or self._client is None:
            return
        self._closed = True
        self._jobs.put(("stop",))
        if self._worker is not None:
            self._worker.join(timeout)

    # --- paho --------------------------------------------------------------------------------

    def _make_client(self):
        from kiosk.clinic.client import make_client

        client = make_client(self.config, f"kiosk-{self.room_id}")
        client.will_set(self.topics.availability, OFFLINE, qos=1, retain=True)
        client.reconnect_delay_set(RECONNECT_MIN_S, RECONNECT_MAX_S)
        client.max_queued_messages_set(1000)  # while offline: results and states, not sessions (outbox)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_connect_fail = self._on_connect_fail
        client.on_message = self._on_message
        client.on_publish = self._on_publish
        return client

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            self.connected = False
            if reason_code.value in _BAD_LOGIN + _NOT_ALLOWED:  # Mosquitto answers a bad password with 5
                self.status = ("wrong credentials: the broker refused user "
                               f"{self.config.username or '(none)'}; check username and password_file")
                client.reconnect_delay_set(LOGIN_RETRY_S, RECONNECT_MAX_S)  # a fixed password needs a person
            else:
                self.status = f"refused by the broker: {reason_code}"
            log.warning("clinic broker %s refused the room: %s", self.config.broker, reason_code)
            return
        self.connected = True
        client.reconnect_delay_set(RECONNECT_MIN_S, RECONNECT_MAX_S)
        self.status = f"connected to {self.config.broker}"
        log.info("connected to the clinic broker %s as %s", self.config.broker, self.room_id)
        subscriptions = [(self.topics.command, 1)]
        if self.discovery is not None:
            subscriptions.append((HA_STATUS, 1))
        client.subscribe(subscriptions)
        self._jobs.put(("connected",))

    def _on_disconnect(self, client, userdata, flags, reason_code, properties) -> None:
        was = self.connected
        self.connected = False
        self._jobs.put(("disconnected",))
        if not self._closed:
            if not self.status.startswith(("wrong credentials", "refused")):
                self.status = f"retrying: lost the broker {self.config.broker} ({reason_code})"
            if was:
                log.warning("lost the clinic broker %s (%s); reconnecting", self.config.broker, reason_code)

    def _on_connect_fail(self, client, userdata) -> None:
        self.connected = False
        self.status = f"retrying: cannot reach the broker {self.config.broker}"

    def _on_message(self, client, userdata, message) -> None:
        try:
            if message.topic == self.topics.command:
                self.on_command(bytes(message.payload))
            elif message.topic == HA_STATUS and bytes(message.payload).strip() == b"online":
                self._jobs.put(("discovery",))
        except Exception:  # a bad message must never stop paho's loop
            log.exception("clinic: handling a message on %s failed", message.topic)

    def _on_publish(self, client, userdata, mid, reason_code, properties) -> None:
        self._jobs.put(("acked", mid))

    # --- the worker thread -------------------------------------------------------------------

    def _work(self) -> None:
        looks = [0.0]  # monotonic times of the looks to come, soonest first
        while True:
            try:
                job = self._jobs.get(timeout=max(0.05, looks[0] - time.monotonic()))
            except queue.Empty:
                job = ("look",)
            try:
                if job[0] == "stop":
                    self._stop()
                    return
                now = time.monotonic()
                if job[0] == "look_soon":
                    looks = sorted({*looks, *(now + d for d in LOOK_AFTER_END_S)})
                    continue
                if job[0] == "look":
                    looks = [t for t in looks if t > now + 0.05] or [now + OUTBOX_LOOK_S]
                self._do(job)
            except Exception:
                log.exception("clinic: %s failed", job[0])

    def _do(self, job: tuple) -> None:
        client, kind = self._client, job[0]
        if kind == "state":
            self._last_state = job[1]
            if self._online:
                client.publish(self.topics.state, job[1], qos=1, retain=True)
        elif kind == "result":
            client.publish(self.topics.result, job[1], qos=1)
        elif kind == "disconnected":
            self._online = False
        elif kind == "connected":
            self._online = True
            client.publish(self.topics.availability, ONLINE, qos=1, retain=True)
            self._send_discovery()
            if self._last_state is not None:
                client.publish(self.topics.state, self._last_state, qos=1, retain=True)
            self._send_next_record()  # paho itself re-sends a record that was in flight (same mid)
        elif kind == "discovery":
            self._send_discovery()
        elif kind == "acked":
            if self._inflight is not None and self._inflight[0] == job[1] and self.outbox is not None:
                self.outbox.mark_sent(self._inflight[1])
                self.sent_sessions += 1
                self.unsent = self.outbox.pending()
                self._inflight = None
                self._send_next_record()
        elif kind == "look" and self.outbox is not None:
            self.outbox.collect()
            self.unsent = self.outbox.pending()
            if self._inflight is not None and time.monotonic() - self._inflight[2] > RESEND_AFTER_S:
                self._inflight = None
            self._send_next_record()

    def _send_discovery(self) -> None:
        if self.discovery is None or not self._online:
            return
        for topic, payload in self.discovery():
            self._client.publish(topic, payload, qos=1)

    def _send_next_record(self) -> None:
        """One session record in flight at a time, so the desk gets them in order."""
        if self.outbox is None or self._inflight is not None or not self._online:
            return
        record = self.outbox.next_unsent()
        if record is None:
            return
        session_id, payload = record
        info = self._client.publish(self.topics.sessions, payload, qos=1)
        self._inflight = (info.mid, session_id, time.monotonic())

    def _stop(self) -> None:
        client = self._client
        try:
            if self.connected:
                client.publish(self.topics.availability, OFFLINE, qos=1, retain=True).wait_for_publish(1.0)
        except (RuntimeError, ValueError, OSError):
            pass
        client.disconnect()
        client.loop_stop()
        if self.outbox is not None:
            self.outbox.close()
        self.status = "stopped"
