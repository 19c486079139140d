"""Which kiosk settings this kiosk overrides: values changed on its Settings screen that win over room.yaml."""

from __future__ import annotations

from kiosk.doctor import OK, SKIP, Context, Finding
from kiosk.settings import FILENAME, overrides_in


def check_settings(ctx: Context) -> list[Finding]:
    """One finding per value this kiosk overrides (key, kiosk value, room value), or one saying there are none.

    An override is not a fault: the therapist chose it, and it gives way as soon as the clinic
    changes that key in room.yaml. The doctor lists them so nobody wonders why room.yaml's value
    is not the one in use.
    """
    if ctx.data_dir is None:
        return [Finding("settings", SKIP, "no data folder resolved, so no kiosk settings")]
    shown = ctx.data_dir / FILENAME
    found = overrides_in(ctx.system.path(str(shown)), ctx.config)
    room = ctx.config.path or "the room config"
    if not found:
        return [Finding("settings", OK, f"no values overridden on this kiosk: {room} decides them all")]
    return [
        Finding("settings", OK, f"this kiosk overrides {o.key}: {_show(o.kiosk)} here, {_show(o.room)} in {room}",
                f"it gives way when {o.key} is changed in {room}; to return to the room's value now, set it back "
                f"on the kiosk's Settings screen (or remove {shown})")
        for o in found
    ]


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if value is None:
        return "unset (the system locale decides)"
    return str(value)
