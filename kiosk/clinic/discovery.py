"""Home Assistant MQTT discovery: the room as one device, its entities read from the state topic.

One config message per entity on ``homeassistant/<component>/<room_id>/<object_id>/config``
(Home Assistant's documented discovery topic), each with the same ``device`` (so Home Assistant
groups them), ``origin`` (who publishes them), ``unique_id`` and the room's availability topic.
The messages are not retained: the room sends them on every connect and again when Home
Assistant announces ``online`` on ``homeassistant/status``, so a room taken out of service leaves
no ghost device behind. Entities read the one retained state message through templates; times
there are ISO 8601 with an offset, which is what ``device_class: timestamp`` wants.
"""

from __future__ import annotations

from kiosk import __version__
from kiosk.clinic.protocol import OFFLINE, ONLINE, STATES, Topics, dumps

PREFIX = "homeassistant"
ORIGIN = {"name": "session-kiosk", "sw_version": __version__,
          "support_url": "https://github.com/session-kiosk/session-kiosk"}
#: Home Assistant's MQTT sensor treats a template that renders ``None`` as "unknown".
_NONE = "None"


def _value(expr: str) -> str:
    return "{{ " + expr + " }}"


def discovery_messages(topics: Topics, room_name: str, *, prefix: str = PREFIX) -> list[tuple[str, bytes]]:
    """The ``(topic, payload)`` config messages for every entity of the room."""
    room_id = topics.room_id
    device = {
        "identifiers": [f"session-kiosk-{room_id}"],
        "name": room_name or room_id,
        "manufacturer": "session-kiosk",
        "model": "Session kiosk",
        "sw_version": __version__,
        "suggested_area": room_name or room_id,
    }
    common = {
        "device": device,
        "origin": ORIGIN,
        "availability_topic": topics.availability,
        "payload_available": ONLINE,
        "payload_not_available": OFFLINE,
    }
    state = {"state_topic": topics.state}
    session = "value_json.session"

    def timestamp(name: str, obj: str, field: str) -> dict:
        """A timestamp sensor of ``obj.field`` in the state, unknown while there is none."""
        return {"name": name, **state, "device_class": "timestamp",
                "value_template": _value(f"{obj}.{field} if {obj} and {obj}.{field} else '{_NONE}'")}
    entities = {
        ("sensor", "state"): {
            "name": "State", **state, "device_class": "enum", "options": list(STATES),
            "value_template": _value("value_json.state"), "icon": "mdi:timer-sand",
        },
        ("sensor", "routine"): {
            "name": "Routine", **state, "icon": "mdi:format-list-numbered",
            "value_template": _value(f"value_json.routine if value_json.routine else '{_NONE}'"),
        },
        ("sensor", "step"): {
            "name": "Step", **state, "icon": "mdi:hand-back-right",
            "value_template": _value(f"value_json.step.name if value_json.step else '{_NONE}'"),
            "json_attributes_topic": topics.state,
            "json_attributes_template": _value("({'side': value_json.step.side, 'reps': value_json.step.reps, "
                                               "'next': value_json.next} if value_json.step else {}) | to_json"),
        },
        ("sensor", "step_ends"): timestamp("Step ends", "value_json.step", "ends_at"),
        ("sensor", "session_ends"): timestamp("Session ends", session, "ends_at"),
        ("sensor", "booking_ends"): timestamp("Booking ends", session, "target_end"),
        ("binary_sensor", "in_session"): {
            "name": "In session", **state, "device_class": "occupancy",
            "value_template": _value("'ON' if value_json.state in ['running', 'paused'] else 'OFF'"),
            "payload_on": "ON", "payload_off": "OFF",
        },
        ("text", "message"): {
            "name": "Message", "command_topic": topics.command, "mode": "text", "min": 0, "max": 200,
            "command_template": '{"message": {{ value | to_json }}, "ttl_s": 300}',
            **state, "value_template": _value("value_json.message.text if value_json.message else ''"),
            "icon": "mdi:message-text",
        },
        ("button", "clear_message"): {
            "name": "Clear message", "command_topic": topics.command, "payload_press": '{"clear_message": true}',
            "icon": "mdi:message-off",
        },
    }
    messages = []
    for (component, object_id), config in entities.items():
        payload = {**config, "unique_id": f"session-kiosk-{room_id}-{object_id}", **common}
        messages.append((f"{prefix}/{component}/{room_id}/{object_id}/config", dumps(payload)))
    return messages
