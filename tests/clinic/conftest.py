"""A real broker per test that asks for one, and a paho subscriber that collects what it sees."""

from __future__ import annotations

import json
import threading
import time

import pytest

from kiosk_testkit.mosquitto import Mosquitto

USERS = {"desk": "desk-pass", "homeassistant": "ha-pass", "room-3": "room3-pass", "room-4": "room4-pass"}


@pytest.fixture
def broker(tmp_path):
    server = Mosquitto(tmp_path / "broker", USERS).start()
    try:
        yield server
    finally:
        server.stop()


class Watcher:
    """A desk-side paho client that records every message on the topics it subscribes to."""

    def __init__(self, broker: Mosquitto, user: str = "desk", topics=("kiosk/#",)):
        import paho.mqtt.client as mqtt

        self.messages: list[tuple[str, bytes, bool]] = []
        self.changed = threading.Condition()
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"watcher-{id(self)}")
        self.client.username_pw_set(user, broker.users[user])
        self.client.on_message = self._on_message
        subscribed = threading.Event()
        self.client.on_subscribe = lambda *a: subscribed.set()
        self.client.on_connect = lambda c, u, f, rc, p: c.subscribe([(t, 1) for t in topics])
        if broker.tls is not None:
            self.client.tls_set(ca_certs=str(broker.tls.ca))
        self.client.connect("localhost" if broker.tls is not None else "127.0.0.1", broker.port)
        self.client.loop_start()
        assert subscribed.wait(10), "the watcher could not subscribe"

    def _on_message(self, client, userdata, msg) -> None:
        with self.changed:
            self.messages.append((msg.topic, msg.payload, bool(msg.retain)))
            self.changed.notify_all()

    def wait_for(self, predicate, timeout: float = 10.0, what: str = "a message", since: int = 0):
        """The first message ``(topic, payload, retained)`` from number ``since`` on that satisfies ``predicate``."""
        deadline = time.monotonic() + timeout
        seen = since
        with self.changed:
            while True:
                for message in self.messages[seen:]:
                    if predicate(message):
                        return message
                seen = len(self.messages)
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {what} within {timeout} s; saw {self.messages[-10:]}")
                self.changed.wait(left)

    def json_on(self, topic: str, predicate=lambda data: True, timeout: float = 10.0):
        def match(message):
            if message[0] != topic:
                return False
            try:
                return predicate(json.loads(message[1]))
            except (ValueError, TypeError, KeyError):
                return False
        return json.loads(self.wait_for(match, timeout, f"message on {topic}")[1])

    def on(self, topic: str) -> list:
        with self.changed:
            return [m for m in self.messages if m[0] == topic]

    def publish(self, topic: str, payload, qos: int = 1) -> None:
        self.client.publish(topic, payload, qos=qos).wait_for_publish(5)

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


@pytest.fixture
def watcher(broker):
    w = Watcher(broker)
    try:
        yield w
    finally:
        w.close()
