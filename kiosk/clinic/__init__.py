"""The room on the clinic's MQTT broker: retained status, availability, finished sessions, Home
Assistant discovery and messages from the front desk.

Nothing here runs, and paho-mqtt is never imported, unless the room config has an ``mqtt:`` block.
Network work happens on paho's own thread; what it brings in reaches the engine only through the
kiosk's one main-thread hand-off.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import NamedTuple

log = logging.getLogger(__name__)


class Clinic(NamedTuple):
    """The clinic pieces of a running kiosk: the state publisher (a listener), the desk, the link."""

    publisher: object
    desk: object
    link: object


def attach(controller, mqtt, *, room_name: str, call, journal=None, choose_length=None, player=None) -> Clinic:
    """Wire the room onto the clinic network and start connecting in the background.

    ``call(fn, *args)`` is the main-thread hand-off; ``journal`` (optional) gives the outbox its
    SQLite file and the running session's id; ``player`` (optional) sounds a soft cue when a desk
    message arrives. Never raises for a broker that is down: the link connects and retries.
    """
    from kiosk.clinic.config import room_id_of
    from kiosk.clinic.desk import DeskCommands
    from kiosk.clinic.discovery import discovery_messages
    from kiosk.clinic.link import ClinicLink
    from kiosk.clinic.publisher import StatePublisher

    room_id = room_id_of(mqtt, room_name)
    journal_path = Path(journal.path) if journal is not None and getattr(journal, "enabled", False) else None
    # Commands arrive only after start(), by which time the desk below exists.
    link = ClinicLink(mqtt, room_id, on_command=lambda payload: desk.receive(payload), journal_path=journal_path,
                      discovery=(lambda: discovery_messages(link.topics, room_name)) if mqtt.discovery else None)
    desk = DeskCommands(controller, room_id=room_id, call=call, reply=link.publish_result,
                        choose_length=choose_length)
    live = (lambda: max(journal.live_ids, default=None)) if journal is not None else (lambda: None)
    publisher = StatePublisher(controller, link, room_id=room_id, desk=desk, session_id=live)
    if player is not None:
        desk.message_listeners.append(lambda message: message is not None and player.play("window", 0.6))
    link.start()
    publisher.publish()
    log.info("clinic network: room %s on %s (discovery %s)", room_id, mqtt.broker, "on" if mqtt.discovery else "off")
    return Clinic(publisher, desk, link)
