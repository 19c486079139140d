"""The kiosk's words in its .kv files, re-read when the language switches: ``tr._("Routines")``.

A kv rule that calls ``tr._(...)`` (or ``tr.ngettext``, ``tr.pgettext``) binds to ``tr`` the way it
binds to a Kivy property (Kivy's ``Observable`` protocol: the rule calls :meth:`Translator.fbind`
for the name it reads). When :func:`kiosk.i18n.use` switches the language, every such rule is
evaluated again, so the next screen shows the new words without a restart. The strings are the
same msgids as in Python code; ``make translations`` extracts them from the .kv files too.

Words built in Python are built again by :func:`follow_language`, and :class:`LanguageChoice` is
Settings' list of languages.
"""

from __future__ import annotations

import itertools

from kivy.app import App
from kivy.lang import Observable
from kivy.properties import ListProperty
from kivy.uix.spinner import Spinner

from kiosk import i18n

_WATCHED = ("_", "ngettext", "pgettext")


class Translator(Observable):
    """The current language's gettext calls, as something kv rules can bind to."""

    def __init__(self):
        super().__init__()
        self._observers: dict[int, tuple[str, object, tuple, dict]] = {}
        self._uids = itertools.count(1)
        i18n.add_listener(self._switched)

    @staticmethod
    def _(message: str) -> str:
        return i18n._(message)

    @staticmethod
    def ngettext(singular: str, plural: str, count: int) -> str:
        return i18n.ngettext(singular, plural, count)

    @staticmethod
    def pgettext(context: str, message: str) -> str:
        return i18n.pgettext(context, message)

    def fbind(self, name, func, *args, **kwargs):
        """A kv rule reading ``tr.<name>`` asks to be told when it changes (the language does)."""
        if name not in _WATCHED:
            return super().fbind(name, func, *args, **kwargs)
        uid = next(self._uids)
        self._observers[uid] = (name, func, args, kwargs)
        return uid

    def funbind(self, name, func, *args, **kwargs):
        if name not in _WATCHED:
            return super().funbind(name, func, *args, **kwargs)
        for uid, seen in list(self._observers.items()):
            if seen == (name, func, args, kwargs):
                del self._observers[uid]

    def unbind_uid(self, name, uid):
        """Kivy lets go of a rule (its widget is gone) by the uid :meth:`fbind` gave."""
        if name not in _WATCHED:
            return super().unbind_uid(name, uid)
        self._observers.pop(uid, None)

    def _switched(self, _language) -> None:
        if App.get_running_app() is None:  # no screens on show (before the window, or between apps)
            return
        for uid, (_name, func, args, _kwargs) in list(self._observers.items()):
            try:
                func(*args, None, None)  # Kivy's rule callback: evaluate the rule again
            except ReferenceError:      # the widget was collected without unbinding
                self._observers.pop(uid, None)


#: The one translator the .kv files import (``#:import tr kiosk.ui.translate.tr``).
tr = Translator()


def follow_language(app, language: i18n.Language) -> None:
    """The words an app's screens built in Python are built again in ``language``: the picker's
    tiles, the problems list, the ready screen's plan; the session screen on its next refresh.
    (The kv rules re-read theirs through :data:`tr`.)"""
    from kiosk.ui.readout import clock_hours

    app.hours = clock_hours(app.services.config.clock, language.tag, i18n.system_language())
    sm = getattr(app, "sm", None)
    if sm is None:  # before the window is built: the screens are built in the new language
        return
    chooser = sm.get_screen("settings").ids.get("language")
    if chooser is not None:
        chooser.show(language)
    sm.get_screen("picker").populate(app.library)
    sm.get_screen("errors").populate(app.library.error_lines())
    if app.controller.session is not None and app.controller.state == "ready":
        sm.get_screen("ready").populate(app.controller)
    app._refresh_at = 0.0


class LanguageChoice(Spinner):
    """Settings' language list: every language the kiosk has words for, each by its own name
    (``English``, ``español``, ``français``); choosing one switches the screens from the next one on."""

    tags = ListProperty([])

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.tags = i18n.available()
        self.values = [i18n.language(tag).name for tag in self.tags]
        self.show(i18n.current())
        self.bind(text=self._chosen)

    def show(self, language: i18n.Language) -> None:
        """Show ``language`` as the chosen one (the room's, or one chosen before)."""
        base = i18n.locale_name(language.tag).split("_")[0]
        tag = language.tag if language.tag in self.tags else base if base in self.tags else None
        self.text = i18n.language(tag).name if tag else language.name

    def _chosen(self, _spinner, name: str) -> None:
        if name not in self.values:
            return
        tag = self.tags[self.values.index(name)]
        current = i18n.current().tag
        if tag in (current, i18n.locale_name(current).split("_")[0]):
            return
        app = App.get_running_app()
        if app is not None and getattr(app, "services", None) is not None:
            app.services.set_language(tag)
        else:
            i18n.use(tag)
