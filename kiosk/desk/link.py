"""The desk's connection to the clinic's broker: paho on its own thread, feeding an asyncio queue.

paho calls back on its network thread; every message is handed to the web server's event loop
with ``loop.call_soon_threadsafe`` and nothing else happens on paho's thread. The desk keeps a
persistent MQTT session (fixed client id, ``clean_session`` false, QoS 1 on ``.../sessions``),
so sessions a room finished while the desk was off are delivered when it comes back.
"""

from __future__ import annotations

import asyncio
import logging

from kiosk.clinic.client import make_client
from kiosk.clinic.config import MqttConfig

log = logging.getLogger(__name__)

RECONNECT_MIN_S, RECONNECT_MAX_S = 1, 30


class DeskLink:
    """Subscribes to every room's state, availability, command results and sessions.

    Puts ``("message", topic, payload)`` and ``("broker", connected, text)`` on ``queue``.
    """

    def __init__(self, config: MqttConfig, loop: asyncio.AbstractEventLoop, queue: asyncio.Queue,
                 client_id: str = "kiosk-desk"):
        self.config = config
        self.loop = loop
        self.queue = queue
        self.client_id = client_id
        self.prefix = config.prefix
        self.connected = False
        self.status = "not started"
        self._client = None

    def start(self) -> None:
        """Start connecting in the background; a missing broker never blocks the web server."""
        try:
            client = make_client(self.config, self.client_id, persistent=True)
        except (OSError, ValueError) as exc:  # the password file went away, a bad certificate
            self.status = f"not connecting to the broker: {exc}"
            log.error("%s", self.status)
            self._tell("broker", False, self.status)
            return
        client.reconnect_delay_set(RECONNECT_MIN_S, RECONNECT_MAX_S)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_connect_fail = self._on_connect_fail
        client.on_message = self._on_message
        self._client = client
        self._tell("broker", False, f"connecting to {self.config.broker}")
        client.connect_async(self.config.host, self.config.port, keepalive=self.config.keepalive)
        client.loop_start()

    def publish_command(self, room: str, payload: bytes) -> bool:
        """Send a (validated) command to ``room``; False when the broker is not connected."""
        if self._client is None or not self.connected:
            return False
        info = self._client.publish(f"{self.prefix}/{room}/command", payload, qos=1)
        return info.rc == 0

    def close(self) -> None:
        if self._client is not None:
            self._client.disconnect()
            self._client.loop_stop()

    # --- paho's thread ------------------------------------------------------------------------

    def _tell(self, *item) -> None:
        try:
            self.loop.call_soon_threadsafe(self.queue.put_nowait, item)
        except RuntimeError:  # the loop closed: the desk is leaving
            pass

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            self.connected = False
            self.status = f"the broker refused the desk ({reason_code}); check username and password_file"
            log.warning("broker %s refused the desk: %s", self.config.broker, reason_code)
            self._tell("broker", False, self.status)
            return
        self.connected = True
        self.status = f"connected to {self.config.broker}"
        p = self.prefix
        client.subscribe([(f"{p}/+/state", 1), (f"{p}/+/availability", 1), (f"{p}/+/command/result", 1),
                          (f"{p}/+/sessions", 1)])
        log.info("desk connected to the broker %s", self.config.broker)
        self._tell("broker", True, self.status)

    def _on_disconnect(self, client, userdata, flags, reason_code, properties) -> None:
        self.connected = False
        self.status = f"lost the broker {self.config.broker}; reconnecting"
        self._tell("broker", False, self.status)

    def _on_connect_fail(self, client, userdata) -> None:
        self.connected = False
        self.status = f"cannot reach the broker {self.config.broker}; retrying"
        self._tell("broker", False, self.status)

    def _on_message(self, client, userdata, message) -> None:
        self._tell("message", message.topic, bytes(message.payload))
