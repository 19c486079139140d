"""Pedal gestures from raw contact edges: debounce, then tap / hold / double tap / long hold.

Pure logic, fed ``(time, pressed)`` edges and told the time, so thousands of presses can be
checked with a fake clock and no threads. :class:`kiosk.inputs.footswitch.FootSwitch` runs it on
gpiozero's callback thread and one timer thread.

Debounce ("settle, then trust the first edge"):

* The first contact starts a press at once (the hold is timed from it), but the press counts only
  if the switch is still closed ``bounce`` seconds later; a spike or a burst of chatter that ends
  open is ignored.
* The first opening ends the press at once, so a tap costs no debounce time. For ``bounce``
  seconds after it the contact may chatter freely; if it is closed when that time is up, the
  opening was a wobble in the middle of one press, not two presses, and the switch is ignored
  until it opens again. Nobody lifts and presses a foot pedal again within 20 ms.
* A pedal already held down when the logic starts does nothing until it is released.

Reaction time, from the deciding edge (the README table is built from this):

==============  ==========================================  ==========================================
gesture         decided                                     costs
==============  ==========================================  ==========================================
tap             on release                                  nothing; with ``double_tap`` mapped every
                                                            tap waits ``double_tap_window`` (0.3 s)
hold            ``hold_time`` after first contact, pressed  nothing; with ``long_hold`` mapped a hold is
                                                            decided on release instead
double_tap      second contact + ``bounce``                 ``bounce`` (20 ms)
long_hold       ``LONG_HOLD_FACTOR * hold_time`` pressed    a long wait by design (3 s by default)
==============  ==========================================  ==========================================

Without ``hold`` mapped a press of any length is a tap (unless ``long_hold`` claims it). The
second press of a double tap is used up by it: holding it on does nothing more.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

TAP = "tap"
HOLD = "hold"
DOUBLE_TAP = "double_tap"
LONG_HOLD = "long_hold"
#: Every gesture a pedal can make, in the order the room config documents them.
GESTURE_NAMES: tuple[str, ...] = (TAP, HOLD, DOUBLE_TAP, LONG_HOLD)

#: Contact chatter of cheap pedals lasts a few ms; 20 ms leaves margin and stays well below
#: the 60 ms of the shortest real tap.
DEFAULT_BOUNCE_MS = 20.0
DEFAULT_HOLD_TIME = 1.0
#: Longest gap from the first release to the second contact that makes a double tap.
DOUBLE_TAP_WINDOW = 0.3
#: A long hold lasts this many hold times.
LONG_HOLD_FACTOR = 3.0

# Debouncer states
_RELEASED = "released"
_SETTLING_PRESS = "settling press"
_PRESSED = "pressed"
_SETTLING_RELEASE = "settling release"
_IGNORED = "ignored until released"


@dataclass(frozen=True)
class Gesture:
    """A gesture was recognised: ``name`` at time ``at``, from a press whose first contact was ``pressed_at``."""

    name: str
    at: float
    pressed_at: float


@dataclass(frozen=True)
class Contact:
    """The debounced switch changed at ``at``: pressed (first contact) or released (first opening)."""

    pressed: bool
    at: float


class Debouncer:
    """Raw contact edges in, clean presses and releases out (see the module docstring)."""

    def __init__(self, bounce: float, pressed: bool = False):
        if bounce < 0:
            raise ValueError(f"bounce must be 0 or more seconds, not {bounce}")
        self.bounce = bounce
        self.raw = pressed
        self.state = _IGNORED if pressed else _RELEASED
        self.since = 0.0

    @property
    def settling_since(self) -> float | None:
        """First contact of a press still settling, else None."""
        return self.since if self.state == _SETTLING_PRESS else None

    def deadline(self) -> float | None:
        """When :meth:`expire` must be called next, or None."""
        if self.state in (_SETTLING_PRESS, _SETTLING_RELEASE):
            return self.since + self.bounce
        return None

    def edge(self, t: float, pressed: bool) -> list[Contact]:
        """The raw contact changed to ``pressed`` at ``t``."""
        if pressed == self.raw:
            return []
        self.raw = pressed
        if pressed and self.state == _RELEASED:
            self.state, self.since = _SETTLING_PRESS, t
        elif not pressed and self.state == _PRESSED:
            self.state, self.since = _SETTLING_RELEASE, t
            return [Contact(False, t)]
        elif not pressed and self.state == _IGNORED:
            self.state, self.since = _SETTLING_RELEASE, t
        return []

    def expire(self) -> list[Contact]:
        """Settle at the deadline: a press that held is confirmed, a clean release is confirmed.

        A settling press that did not hold is forgotten; a release the contact closed again after
        is not confirmed (the switch is ignored until it opens again).
        """
        if self.state == _SETTLING_PRESS:
            if self.raw:
                self.state = _PRESSED
                return [Contact(True, self.since)]
            self.state = _RELEASED
        elif self.state == _SETTLING_RELEASE:
            if self.raw:
                self.state = _IGNORED
            else:
                self.state = _RELEASED
                return [Contact(False, self.since)]
        return []


class GestureRecognizer:
    """Clean presses and releases in, gestures out; only mapped gestures cost waiting."""

    def __init__(
        self,
        mapped: Iterable[str],
        *,
        hold_time: float = DEFAULT_HOLD_TIME,
        double_tap_window: float = DOUBLE_TAP_WINDOW,
        long_hold_time: float | None = None,
    ):
        mapped = frozenset(mapped)
        unknown = mapped - set(GESTURE_NAMES)
        if unknown:
            raise ValueError(f"unknown gestures {sorted(unknown)}; known: {', '.join(GESTURE_NAMES)}")
        if hold_time <= 0 or double_tap_window <= 0:
            raise ValueError("hold_time and double_tap_window must be positive")
        self.hold_time = hold_time
        self.double_tap_window = double_tap_window
        self.long_hold_time = LONG_HOLD_FACTOR * hold_time if long_hold_time is None else long_hold_time
        if self.long_hold_time <= hold_time:
            raise ValueError("long_hold_time must be longer than hold_time")
        self.has_hold = HOLD in mapped
        self.has_double = DOUBLE_TAP in mapped
        self.has_long = LONG_HOLD in mapped
        self.state = "idle"  # idle | down | consumed | waiting
        self.pressed_at = 0.0
        self.released_at = 0.0

    def deadline(self) -> float | None:
        """When :meth:`expire` must be called next, or None."""
        if self.state == "down":
            if self.has_long:
                return self.pressed_at + self.long_hold_time
            if self.has_hold:
                return self.pressed_at + self.hold_time
        elif self.state == "waiting":
            return self.released_at + self.double_tap_window
        return None

    def expire(self, at: float) -> list[Gesture]:
        """The deadline passed: a hold or long hold while pressed, or a tap no second tap followed."""
        if self.state == "down":
            self.state = "consumed"
            return [Gesture(LONG_HOLD if self.has_long else HOLD, at, self.pressed_at)]
        if self.state == "waiting":
            self.state = "idle"
            return [Gesture(TAP, at, self.pressed_at)]
        return []

    def press(self, contact: Contact, at: float) -> list[Gesture]:
        """A press was confirmed at ``at``; its first contact was ``contact.at``."""
        if self.state == "waiting":
            self.state = "consumed"
            return [Gesture(DOUBLE_TAP, at, contact.at)]
        self.state, self.pressed_at = "down", contact.at
        return []

    def release(self, contact: Contact) -> list[Gesture]:
        """The pedal was released at ``contact.at``."""
        if self.state != "down":
            self.state = "idle"
            return []
        if self.has_hold and contact.at - self.pressed_at >= self.hold_time:
            self.state = "idle"  # only reached with long_hold mapped: the hold waited for release
            return [Gesture(HOLD, contact.at, self.pressed_at)]
        if self.has_double:
            self.state, self.released_at = "waiting", contact.at
            return []
        self.state = "idle"
        return [Gesture(TAP, contact.at, self.pressed_at)]


class PedalLogic:
    """One pedal's debouncer and gesture recognizer on one timeline.

    Call :meth:`feed` with every raw edge and :meth:`poll` by :meth:`next_deadline`; both return
    the gestures decided, in order. Times must come from one monotonic clock; a time earlier than
    one already seen is taken as that one (two threads may read the clock in either order).
    """

    def __init__(
        self,
        mapped: Iterable[str] = (TAP, HOLD),
        *,
        hold_time: float = DEFAULT_HOLD_TIME,
        bounce: float = DEFAULT_BOUNCE_MS / 1000,
        double_tap_window: float = DOUBLE_TAP_WINDOW,
        pressed: bool = False,
        now: float = 0.0,
    ):
        if bounce * 2 >= hold_time:
            raise ValueError(f"bounce ({bounce * 1000:g} ms) must be well below hold_time ({hold_time:g} s)")
        self.debouncer = Debouncer(bounce, pressed)
        self.recognizer = GestureRecognizer(
            mapped, hold_time=hold_time, double_tap_window=double_tap_window
        )
        self.now = now
        self._decided = now  # latest deadline handled: nothing is decided before it
        #: Confirmed presses and settled releases, for a pedal test screen; the caller empties it.
        self.contacts: list[Contact] = []

    def restart(self, now: float, pressed: bool) -> None:
        """Start over at ``now`` with the contact ``pressed`` or not (a held pedal waits for release)."""
        self.debouncer = Debouncer(self.debouncer.bounce, pressed)
        self.recognizer.state = "idle"
        self.now = self._decided = now
        self.contacts = []

    def next_deadline(self) -> float | None:
        """The earliest time :meth:`poll` has something to decide, or None."""
        return min((d for d in self._deadlines() if d is not None), default=None)

    def _deadlines(self) -> tuple[float | None, float | None]:
        d_deb, d_rec = self.debouncer.deadline(), self.recognizer.deadline()
        settling = self.debouncer.settling_since
        if d_rec is not None and self.recognizer.state == "waiting" and settling is not None and settling <= d_rec:
            d_rec = None  # a second contact began inside the window: wait to see if it holds
        return d_deb, d_rec

    def poll(self, now: float) -> list[Gesture]:
        """Decide everything due by ``now``."""
        self.now = max(self.now, now)
        out: list[Gesture] = []
        while True:
            d_deb, d_rec = self._deadlines()
            if d_deb is not None and d_deb <= self.now and (d_rec is None or d_deb <= d_rec):
                self._decided = max(self._decided, d_deb)
                for contact in self.debouncer.expire():
                    self.contacts.append(contact)
                    if contact.pressed:
                        out += self.recognizer.press(contact, self._decided)
            elif d_rec is not None and d_rec <= self.now:
                self._decided = max(self._decided, d_rec)
                out += self.recognizer.expire(self._decided)
            else:
                return out

    def feed(self, t: float, pressed: bool) -> list[Gesture]:
        """The raw contact changed to ``pressed`` at ``t``; returns the gestures decided by then."""
        out = self.poll(t)
        for contact in self.debouncer.edge(self.now, pressed):
            out += self.recognizer.release(contact)
        return out + self.poll(self.now)
