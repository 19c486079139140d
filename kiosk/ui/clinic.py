"""The clinic network on the room's own screen: the desk's message banner and the connection line.

Both stay empty (zero height) in a room without an ``mqtt:`` block. They find the clinic pieces on
``app.services.clinic`` (set by the composition root) and ask nothing of the network: the banner
is told of a new message on the main thread, the status line reads a string once a second while
the settings screen shows it.
"""

from __future__ import annotations

from kivy.app import App
from kivy.clock import Clock
from kivy.metrics import dp
from kivy.properties import StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.label import Label

from kiosk.i18n import _
from kiosk.ui import theme
from kiosk.ui.scripttext import ScriptLabel


def _clinic():
    app = App.get_running_app()
    return getattr(getattr(app, "services", None), "clinic", None)


class DeskBanner(ButtonBehavior, ScriptLabel):
    """A quiet line with the front desk's message (in whatever script the desk writes); a tap takes
    it away, as does its ttl."""

    message = StringProperty("")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._desk = None
        self.color = theme.TEXT
        self.base_direction = "ltr"  # "Front desk:  <message>" reads from the left, a Hebrew message too
        self.halign = "center"
        self.valign = "middle"
        self.size_hint_y = None
        self.height = 0
        self.opacity = 0
        self.bind(width=self._layout, message=self._layout)
        Clock.schedule_once(self._connect, 0)

    def _connect(self, _dt) -> None:
        clinic = _clinic()
        if clinic is not None:
            self.attach_desk(clinic.desk)

    def attach_desk(self, desk) -> None:
        """Show ``desk``'s messages from now on (and the one on screen already, if any)."""
        self._desk = desk
        desk.message_listeners.append(self._show)
        self._show(desk.message)

    def _show(self, message) -> None:
        self.message = message.text if message is not None else ""

    def _layout(self, *_args) -> None:
        self.text = (_("Front desk:") + "  " + self.message) if self.message else ""
        self.text_size = (self.width - dp(24), None)
        self.height = (self.font_size * 1.9) if self.message else 0
        self.opacity = 1 if self.message else 0
        self.disabled = not self.message

    def on_release(self) -> None:
        if self._desk is not None:
            self._desk.dismiss()


class ClinicStatus(Label):
    """``Clinic network: connected to desk-pc:1883`` (or retrying, or wrong credentials)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._event = None
        self.bind(parent=self._watch)

    def _watch(self, *_args) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None
        if self.parent is not None and _clinic() is not None:
            self._event = Clock.schedule_interval(self._read, 1.0)
            self._read(0)

    def on_kv_post(self, *_args) -> None:
        Clock.schedule_once(self._read, 0)

    def _read(self, _dt) -> None:
        clinic = _clinic()
        self.text = _("Clinic network: {status}").format(status=clinic.link.status) if clinic is not None else ""
