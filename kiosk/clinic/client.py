"""One way to make a paho client for the clinic's broker, for the room, the desk and both doctors.

The user name, the password (read from its private file) and TLS are set the same way everywhere,
so a fix to how the kiosk logs in is made once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.clinic.config import MqttConfig


def make_client(config: "MqttConfig", client_id: str, *, persistent: bool = False, v5: bool = False):
    """A paho client logged in as ``config`` says (user name, password file, TLS), not yet connected.

    ``persistent``: the broker keeps the subscriptions and queues QoS 1 messages while the client is
    away (MQTT 3.1.1 ``clean_session`` false). ``v5``: MQTT 5, whose acknowledgements say "not
    authorized" where 3.1.1 stays silent (what the doctor needs).
    """
    import paho.mqtt.client as mqtt

    if v5:
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
    else:
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=not persistent,
                             protocol=mqtt.MQTTv311)
    if config.username:
        client.username_pw_set(config.username, config.read_password())
    if config.tls is not None:
        tls = config.tls
        client.tls_set(ca_certs=str(tls.ca), certfile=str(tls.cert) if tls.cert else None,
                       keyfile=str(tls.key) if tls.key else None)
    return client
