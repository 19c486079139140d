"""What crosses the clinic network: topics, the room's state, desk commands and their results.

Written once and used by both ends (the room, the front desk) and by the tests; the JSON Schemas
in ``schema/clinic-*.schema.json`` describe the same shapes for people and for other languages,
and a test holds the two to each other. Kivy-free and paho-free.

Every time is ISO 8601 with its UTC offset, so any consumer counts down by itself; the state is
published when something changes, never once a second.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import datetime, tzinfo

STATES = ("idle", "ready", "running", "paused", "finished")
#: Largest command payload accepted (bytes); anything longer is refused unread.
MAX_COMMAND_BYTES = 4096
MAX_MESSAGE_CHARS = 200
TTL_RANGE = (5.0, 8 * 3600.0)
DEFAULT_TTL_S = 300.0
#: How far ahead ``end_by`` may lie (a booking, not tomorrow's diary).
MAX_END_BY_AHEAD_S = 12 * 3600.0
COMMAND_KEYS = ("id", "message", "ttl_s", "clear_message", "end_by")


@dataclass(frozen=True)
class Topics:
    """The topics of one room: ``PREFIX/ROOM_ID/...``."""

    prefix: str
    room_id: str

    @property
    def base(self) -> str:
        return f"{self.prefix}/{self.room_id}"

    state = property(lambda self: f"{self.base}/state", doc="retained: the room's state on every change")
    availability = property(lambda self: f"{self.base}/availability", doc="retained: online, or the will's offline")
    sessions = property(lambda self: f"{self.base}/sessions", doc="QoS 1: each finished or abandoned session")
    command = property(lambda self: f"{self.base}/command", doc="the desk's commands to the room")
    result = property(lambda self: f"{self.base}/command/result", doc="the room's answer to every command")


ONLINE, OFFLINE = "online", "offline"


def iso(wall: float | None, tz: tzinfo | None = None) -> str | None:
    """Epoch seconds as ISO 8601 with the local (or given) UTC offset, to the millisecond."""
    if wall is None or not math.isfinite(wall):
        return None
    return datetime.fromtimestamp(wall, tz).astimezone(tz).isoformat(timespec="milliseconds")


def dumps(payload: dict) -> bytes:
    """The one JSON encoding on the wire: UTF-8, compact, keys in the order given."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


# --- the room's state -------------------------------------------------------------------------


def build_state(*, room: str, state: str, updated_at: float, routine: str | None = None,
                step: dict | None = None, next_step: str | None = None, session: dict | None = None,
                message: dict | None = None) -> dict:
    """The retained state object (``schema/clinic-state.schema.json``); times are epoch seconds here."""
    if state not in STATES:
        raise ValueError(f"state must be one of {STATES}, not {state!r}")
    return {
        "room": room, "state": state, "routine": routine, "step": step, "next": next_step,
        "session": session, "message": message, "updated_at": iso(updated_at),
    }


def state_from_snapshot(snap, *, room: str, routine: str | None, wall_now: float, started_wall: float | None,
                        session_id: str | None, message: dict | None) -> dict:
    """The state object for an engine :class:`~kiosk.engine.events.Snapshot` taken at ``wall_now``.

    ``started_wall`` is when the session started on the wall clock (None before it starts), so the
    booking's end (``target_end``) does not wobble between messages.
    """
    if snap is None:
        return build_state(room=room, state="idle", updated_at=wall_now, message=message)
    step = None
    if snap.index is not None:
        running = snap.state == "running" and snap.step_remaining_s is not None
        step = {
            "index": snap.index, "name": snap.name, "side": snap.side, "kind": snap.kind,
            "ends_at": iso(wall_now + snap.step_remaining_s) if running else None,
            "remaining_s": None if snap.step_remaining_s is None else round(snap.step_remaining_s, 3),
            "reps": snap.reps_label or None,
        }
    session = None
    if snap.state != "ready" or started_wall is not None:
        target = snap.target_end_s
        ends = None if snap.state == "finished" else wall_now + snap.session_remaining_s
        session = {
            "id": session_id,
            "started_at": iso(started_wall),
            "ends_at": iso(ends) if ends is not None else None,
            "target_end": iso(started_wall + target) if started_wall is not None and target is not None else None,
            "over_s": None if snap.over_s is None else round(snap.over_s, 3),
        }
    elif snap.target_end_s is not None or snap.projected_end_s:
        session = {"id": None, "started_at": None, "ends_at": None, "target_end": None,
                   "over_s": None if snap.over_s is None else round(snap.over_s, 3),
                   "length_s": round(snap.projected_end_s, 3)}
    return build_state(room=room, state=snap.state, updated_at=wall_now, routine=routine, step=step,
                       next_step=snap.next_name, session=session, message=message)


def session_record(room_id: str, history_json: dict) -> dict:
    """A finished or abandoned session as published on ``.../sessions``: the ``kiosk history --json``
    object, with ``id`` unique in the clinic (``ROOM_ID/SESSION_ID``), plus ``room`` and ``session_id``."""
    return {**history_json, "id": f"{room_id}/{history_json['id']}", "room": room_id,
            "session_id": history_json["id"]}


# --- commands from the desk --------------------------------------------------------------------


class CommandError(ValueError):
    """A command the room refuses; the message is the reason sent back to the desk."""

    def __init__(self, reason: str, request_id: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.request_id = request_id


@dataclass(frozen=True)
class Command:
    """One accepted desk command: ``kind`` is message, clear_message or end_by."""

    kind: str
    request_id: str | None = None
    text: str = ""
    ttl_s: float = DEFAULT_TTL_S
    end_by: float | None = None  # epoch seconds


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_HHMM = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def parse_command(payload: bytes, now_wall: float, tz: tzinfo | None = None) -> Command:
    """The command in ``payload`` (bytes off the wire), or :class:`CommandError` saying why not.

    Never raises anything else, whatever the bytes: the desk always gets a clear reason.
    """
    if not isinstance(payload, (bytes, bytearray)):
        raise CommandError("the command is not bytes")
    if len(payload) > MAX_COMMAND_BYTES:
        raise CommandError(f"the command is too long ({len(payload)} bytes; at most {MAX_COMMAND_BYTES})")
    try:
        data = json.loads(bytes(payload).decode("utf-8"), parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise CommandError("the command is not UTF-8 text") from None
    except (ValueError, RecursionError) as exc:
        raise CommandError(f"the command is not JSON ({_short(str(exc))})") from None
    if not isinstance(data, dict):
        raise CommandError("the command must be a JSON object such as {\"message\": \"...\", \"ttl_s\": 300}")
    request_id = data.get("id")
    if request_id is not None and not (isinstance(request_id, str) and 0 < len(request_id) <= 64):
        raise CommandError("id must be text of 1 to 64 characters")
    unknown = [k for k in data if k not in COMMAND_KEYS]
    if unknown:
        raise CommandError(f"unknown key {_short(unknown[0])!r}; a command has one of: message (with ttl_s), "
                           "clear_message, end_by", request_id)
    kinds = [k for k in ("message", "clear_message", "end_by") if k in data]
    if len(kinds) != 1:
        raise CommandError("a command has exactly one of: message, clear_message, end_by", request_id)
    kind = kinds[0]
    if "ttl_s" in data and kind != "message":
        raise CommandError("ttl_s goes only with message", request_id)
    if kind == "clear_message":
        if data["clear_message"] is not True:
            raise CommandError("clear_message must be true", request_id)
        return Command("clear_message", request_id)
    if kind == "message":
        return Command("message", request_id, text=_message_text(data["message"], request_id),
                       ttl_s=_ttl(data.get("ttl_s", DEFAULT_TTL_S), request_id))
    return Command("end_by", request_id, end_by=parse_end_by(data["end_by"], now_wall, tz, request_id))


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def _short(text: str, limit: int = 60) -> str:
    text = _CONTROL.sub(" ", str(text))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _message_text(value, request_id) -> str:
    if not isinstance(value, str):
        raise CommandError("message must be text", request_id)
    text = " ".join(_CONTROL.sub(" ", value).split())
    if not text:
        raise CommandError("message is empty", request_id)
    if len(text) > MAX_MESSAGE_CHARS:
        raise CommandError(f"message is too long ({len(text)} characters; at most {MAX_MESSAGE_CHARS})", request_id)
    return text


def _ttl(value, request_id) -> float:
    low, high = TTL_RANGE
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise CommandError("ttl_s must be a number of seconds", request_id)
    if not low <= value <= high:
        raise CommandError(f"ttl_s must be from {low:g} to {high:g} seconds", request_id)
    return float(value)


def parse_end_by(value, now_wall: float, tz: tzinfo | None = None, request_id: str | None = None) -> float:
    """``"15:55"`` (today, the room's local time) or an ISO 8601 time, as epoch seconds in the future."""
    if not isinstance(value, str) or len(value) > 40:
        raise CommandError('end_by must be a time such as "15:55" or "2026-12-01T15:55:00+01:00"', request_id)
    now = datetime.fromtimestamp(now_wall, tz).astimezone(tz)
    m = _HHMM.fullmatch(value.strip())
    try:
        if m:
            when = now.replace(hour=int(m.group(1)), minute=int(m.group(2)), second=0, microsecond=0)
        else:
            when = datetime.fromisoformat(value.strip())
            if when.tzinfo is None:
                when = when.replace(tzinfo=now.tzinfo)
    except (ValueError, OverflowError):
        raise CommandError(f'end_by "{_short(value)}" is not a time; write "15:55" or an ISO 8601 time',
                           request_id) from None
    delta = (when - now).total_seconds()
    if delta <= 0:
        raise CommandError(f'end_by {when.strftime("%H:%M")} is in the past (it is {now.strftime("%H:%M")} '
                           "in the room)", request_id)
    if delta > MAX_END_BY_AHEAD_S:
        raise CommandError(f"end_by is more than {MAX_END_BY_AHEAD_S / 3600:g} hours ahead", request_id)
    return now_wall + delta


def result(command: Command | None, *, ok: bool, reason: str = "", room: str, at: float,
           request_id: str | None = None, detail: dict | None = None) -> dict:
    """The answer on ``.../command/result`` (``schema/clinic-command-result.schema.json``)."""
    return {
        "room": room, "id": command.request_id if command else request_id,
        "command": command.kind if command else None, "ok": ok, "reason": reason or None,
        "detail": detail or None, "at": iso(at),
    }

