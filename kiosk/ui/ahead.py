"""The next step's words rendered while the current step runs, so its first frame only swaps textures.

A step change used to rasterise half a dozen labels (name, count, side, reps, window, instruction,
caution, next-step line) in the very frame that had to show the new step on time; on a Pi the CPU
does that work. Here, at the first refresh after a step is on screen (:class:`Ahead`), the session
screen is *rehearsed* with the words the next step will bring: the App's properties are set to
them, every :class:`~kiosk.ui.textures.Prerendered` label renders and the rows are laid out, then
everything is put back, all inside one callback, so no frame ever shows the rehearsal. Each label
keeps the textures it made (keyed by all its rendering options), and when the step really changes
the same text with the same font, size, colour and width finds its texture ready.

Nothing here decides what a label says or how it looks: the words come from the same function the
screen is refreshed with (:func:`kiosk.ui.readout.screen_values`), and the options (font, size,
alignment, shaping) are whatever the label has at that moment. A label whose options turn out
different when the step changes (another width, another font) is simply rendered then, as before.
"""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.readout import next_step_snapshot, screen_values
from kiosk.ui.textures import GlyphLabel, Prerendered

#: The App's properties a rehearsal leaves alone: what the screen is (running, paused), not its words.
KEPT = ("state", "paused", "pause_text")


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
    """When to render a session screen's next step ahead: once per step, at the first refresh
    after the one that showed it (the big clock's next second).

    That frame is drawn anyway, so the rehearsal adds no frame of its own (a frame is what costs
    most in software rendering); the change frame itself gets no extra work. A step too short to
    see a second tick before it ends (1 s) is not rendered ahead: its successor is rendered in
    its own change frame, as without this, which costs less than a frame more.
    """

    def __init__(self, screen):
        self.screen = screen
        self._for = None
        #: The frame count when the step was shown; None once its successor was rendered.
        self._pending: int | None = None

    def follow(self, app, snap) -> None:
        """The screen is being refreshed to show ``snap`` (and is drawn next)."""
        from kivy.clock import Clock
        from kivy.core.window import Window

        if app.rehearsing:
            return
        key = (snap.index, snap.next_index, snap.number, snap.total_steps, snap.state, tuple(Window.size),
               app.practice)
        if key != self._for:  # a new step (or size, or steps to come): the coming frame shows it
            self._for, self._pending = key, Clock.frames_displayed
        elif self._pending is not None and Clock.frames_displayed > self._pending:
            self._pending = None  # once: a pause, a resize or a left-out part make a new key
            self.run(app)

    def run(self, app) -> bool:
        """Render the next step's labels now; False when there is no next step to render."""
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
