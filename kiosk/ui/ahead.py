"""The next step's words rendered while the current step runs, so its first frame only swaps textures.

A step change used to rasterise half a dozen labels (name, count, side, reps, window, instruction,
caution, next-step line) in the very frame that had to show the new step on time; on a Pi the CPU
does that work. Here, a moment after a step is on screen, the session screen is *rehearsed* with
the words the next step will bring: the App's properties are set to them, every
:class:`~kiosk.ui.textures.Prerendered` label renders and the rows are laid out, then everything
is put back, all inside one callback, so no frame ever shows the rehearsal. Each label keeps the
textures it made (keyed by all its rendering options), and when the step really changes the same
text with the same font, size, colour and width finds its texture ready.

Nothing here decides what a label says or how it looks: the words come from the same function the
screen is refreshed with (:func:`kiosk.ui.readout.screen_values`), and the options (font, size,
alignment, shaping) are whatever the label has at that moment. A label whose options turn out
different when the step changes (another width, another font) is simply rendered then, as before.
"""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from kiosk.engine.session import Session
from kiosk.ui.textures import GlyphLabel, Prerendered

#: The App's properties a rehearsal leaves alone: what the screen is (running, paused), not its words.
KEPT = ("state", "paused", "pause_text")
#: Steps to look through for the current one's end (its cues and the halfway mark come first).
MAX_DEADLINES = 64


def next_step_snapshot(session, now: float):
    """The snapshot the screen will show once the step after the running one has begun; None
    when there is none (the last step, a session not running).

    Worked out on a copy of the session, so the session itself is untouched: a step that ends by
    itself is run to its end (the ends-at time and the offset are then the ones the screen will
    show); a step that waits for the pedal is advanced now.
    """
    if session is None or session.state != "running" or session.index is None:
        return None
    if session.next_index(session.index) is None:
        return None
    data = session.to_dict(now)
    data["grace_s"] = 0.0  # an advance just after an automatic start is not ignored here
    ahead = Session.from_dict(data, session.plan, session.clock, now)
    index, at = ahead.index, now
    for _ in range(MAX_DEADLINES):
        due = ahead.next_deadline()
        if due is None:
            break
        at = max(at, due)
        ahead.tick(at)
        if ahead.index != index:
            break
    if ahead.index == index:
        ahead.advance(at)
    if ahead.state != "running" or ahead.index == index:
        return None
    return ahead.snapshot(at)


def labels(screen) -> list[Prerendered]:
    return [w for w in screen.ids.values() if isinstance(w, Prerendered)]


def rehearse(app, screen, values: dict, banner: tuple | None = None) -> None:
    """Render ``screen``'s labels as they will be once the App shows ``values`` (and the screen the
    side-switch ``banner``, its text and colour), then put back what is shown now. Runs between
    two frames: nothing of it is ever drawn."""
    values = {k: v for k, v in values.items() if k not in KEPT}
    shown = {k: getattr(app, k) for k in values}
    own = {"banner_text": screen.banner_text, "banner_color": list(screen.banner_color)}
    app.rehearsing = True
    try:
        for name, value in values.items():
            setattr(app, name, value)
        if banner is not None:
            screen.banner_text, screen.banner_color = banner
        _lay_out(screen)
        for widget in screen.ids.values():
            if isinstance(widget, GlyphLabel):
                widget.warm()
    finally:
        for name, value in shown.items():
            setattr(app, name, value)
        for name, value in own.items():
            setattr(screen, name, value)
        _lay_out(screen)
        app.rehearsing = False


def _lay_out(screen) -> None:
    """Render every kept label with the options it has now, and again once the rows it shares
    with labels whose width follows their text have given it its width."""
    kept = labels(screen)
    for label in kept:
        label.texture_update()
    rows = {id(label.parent): label.parent for label in kept if isinstance(label.parent, BoxLayout)}
    for row in rows.values():
        row.do_layout()
    for label in kept:
        label.texture_update()


class Ahead:
    """Renders the next step of a session screen ahead, once per step shown (and again when the
    window's size or the steps to come change)."""

    #: How long after a step is shown the next one is rendered: after the change's own frame, well
    #: before the shortest step (1 s) ends.
    AFTER_S = 0.25

    def __init__(self, screen):
        self.screen = screen
        self._for = None
        self._event = None

    def follow(self, app, snap) -> None:
        """The screen now shows ``snap``: if that is a new step, plan its successor's rehearsal."""
        from kivy.clock import Clock
        from kivy.core.window import Window

        key = (snap.index, snap.next_index, snap.number, snap.total_steps, snap.state, tuple(Window.size),
               app.practice)
        if key == self._for or app.rehearsing:
            return
        self._for = key
        if self._event is not None:
            self._event.cancel()
        self._event = Clock.schedule_once(lambda _dt: self.run(app), self.AFTER_S)

    def run(self, app) -> bool:
        """Render the next step's labels now; False when there is no next step to render."""
        from kiosk.ui.readout import screen_values

        controller = app.controller
        snap = next_step_snapshot(controller.session, controller.clock.now())
        if snap is None or self.screen.manager is None or self.screen.manager.current != self.screen.name:
            return False
        values = screen_values(snap, controller.plan.steps, hours=app.hours, practice=app.practice)
        current = controller.snapshot()
        banner = (self.screen.banner_for(snap.side) if current is not None and snap.side and current.side
                  and snap.side != current.side else None)
        rehearse(app, self.screen, values, banner)
        return True
