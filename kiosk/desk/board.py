"""What the board knows about every room, kept on the web server's event loop.

Fed by :class:`~kiosk.desk.link.DeskLink` (through an asyncio queue), it keeps each room's last
state, availability and command result, stores finished sessions, and pushes every change to
the browsers watching (server-sent events). A payload that is not what the clinic's protocol says
is logged and ignored: one broken room never blanks the board.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time

from kiosk.clinic.config import SLUG
from kiosk.clinic.protocol import OFFLINE, ONLINE, STATES
from kiosk.desk.store import RecordError, Store

log = logging.getLogger(__name__)

#: Changes a slow browser may fall behind by before it is dropped (it reconnects and starts fresh).
CLIENT_BACKLOG = 200
MAX_PAYLOAD = 64 * 1024


class Board:
    """Rooms by id, each ``{"id", "name", "online", "state", "result", "seen_at"}``."""

    def __init__(self, store: Store | None, prefix: str, names: dict | None = None):
        self.store = store
        self.prefix = prefix
        self.names = dict(names or {})
        self.rooms: dict[str, dict] = {}
        self.broker = {"connected": False, "text": "not connected yet"}
        self._clients: set[asyncio.Queue] = set()
        self.changes = 0

    # --- what browsers see ----------------------------------------------------------------------

    def snapshot(self) -> dict:
        return {"rooms": sorted(self.rooms.values(), key=lambda r: r["id"]), "broker": self.broker,
                "server_time": time.time()}

    def watch(self) -> asyncio.Queue:
        q: asyncio.Queue = asyncio.Queue(CLIENT_BACKLOG)
        self._clients.add(q)
        return q

    def unwatch(self, q: asyncio.Queue) -> None:
        self._clients.discard(q)

    def _push(self, kind: str, data: dict) -> None:
        self.changes += 1
        text = json.dumps(data, separators=(",", ":"))
        for q in list(self._clients):
            try:
                q.put_nowait((kind, text))
            except asyncio.QueueFull:
                self._clients.discard(q)
                q.put_nowait = None  # type: ignore[assignment]
                log.warning("a browser fell %d changes behind; it will reconnect", CLIENT_BACKLOG)

    def close_watchers(self) -> None:
        for q in list(self._clients):
            try:
                q.put_nowait(("bye", "{}"))
            except asyncio.QueueFull:
                pass

    # --- what the broker says ----------------------------------------------------------------

    def room(self, room_id: str) -> dict:
        room = self.rooms.get(room_id)
        if room is None:
            room = {"id": room_id, "name": self.names.get(room_id) or _pretty(room_id), "online": None,
                    "state": None, "result": None, "seen_at": None}
            self.rooms[room_id] = room
        return room

    def handle(self, item: tuple) -> None:
        """One item from the link's queue; never raises for what a room sent."""
        if item[0] == "broker":
            self.broker = {"connected": bool(item[1]), "text": str(item[2])}
            self._push("broker", self.broker)
            return
        _, topic, payload = item
        parts = topic.split("/")
        base = self.prefix.split("/")
        if parts[:len(base)] != base or len(parts) < len(base) + 2:
            return
        room_id, what = parts[len(base)], "/".join(parts[len(base) + 1:])
        if not SLUG.fullmatch(room_id) or len(payload) > MAX_PAYLOAD:
            log.warning("ignored a message on %s (%d bytes)", topic[:120], len(payload))
            return
        try:
            if what == "availability":
                self._availability(room_id, payload)
            elif what == "state":
                self._state(room_id, payload)
            elif what == "command/result":
                self._result(room_id, payload)
            elif what == "sessions":
                self._session(room_id, payload)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            log.warning("ignored a message on %s: %s", topic[:120], exc)

    def _availability(self, room_id: str, payload: bytes) -> None:
        text = payload.decode("utf-8", "replace").strip()
        if text not in (ONLINE, OFFLINE):
            raise ValueError(f"availability {text[:20]!r} is neither online nor offline")
        room = self.room(room_id)
        room["online"] = text == ONLINE
        room["seen_at"] = time.time()
        self._push("room", room)

    def _state(self, room_id: str, payload: bytes) -> None:
        if not payload:  # a retained state cleared: the room was taken off the network
            if self.rooms.pop(room_id, None) is not None:
                self._push("gone", {"id": room_id})
            return
        data = json.loads(payload)
        if not isinstance(data, dict) or data.get("state") not in STATES or data.get("room") != room_id:
            raise ValueError("not a room state (schema/clinic-state.schema.json)")
        room = self.room(room_id)
        room["state"] = {k: data.get(k) for k in ("state", "routine", "step", "next", "session", "message",
                                                  "updated_at")}
        room["seen_at"] = time.time()
        self._push("room", room)

    def _result(self, room_id: str, payload: bytes) -> None:
        data = json.loads(payload)
        if not isinstance(data, dict) or not isinstance(data.get("ok"), bool):
            raise ValueError("not a command result (schema/clinic-command-result.schema.json)")
        room = self.room(room_id)
        room["result"] = {k: data.get(k) for k in ("id", "command", "ok", "reason", "at")}
        self._push("room", room)

    def _session(self, room_id: str, payload: bytes) -> None:
        if self.store is None:
            return
        try:
            record = json.loads(payload)
            if self.store.add_session(room_id, record):
                self._push("session", {"room": room_id, "id": record["id"]})
        except RecordError as exc:
            log.warning("dropped a session record of %s: %s", room_id, exc)


def _pretty(room_id: str) -> str:
    """``room-3`` -> ``Room 3`` until desk.yaml gives the room a name."""
    text = room_id.replace("-", " ").replace("_", " ").strip()
    return text[:1].upper() + text[1:]
