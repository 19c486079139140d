"""Reading one value of a routine file: text, durations, counts, choices, sounds.

Each reader returns the value, or ``None`` with the problem added to the report (file, line and
column of the value, and a hint), so the loader can go on and list every problem in one pass.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable

from yaml.nodes import Node

from kiosk import i18n, yamlsafe
from kiosk.routines.durations import DurationError, parse_count, parse_duration, parse_window
from kiosk.routines.format import (
    MAX_SECONDS, MAX_SOUND_PATH, MAX_STEPS, MAX_WORD, SOUND_CUES, SOUND_SUFFIX, UNTIL, Key,
)
from kiosk.routines.model import Count, Window
from kiosk.vocabulary import did_you_mean, parse_bool
from kiosk.yamlsafe import Fields, Report, shorten


class ValueReader:
    """Reads single values out of a mapping's fields, adding every problem to ``report``.

    ``folder`` is where sound files are looked for (``None``: text not read from a file).
    """

    def __init__(self, report: Report, folder: Path | None):
        self.report = report
        self.folder = folder

    def _value_text(self, f: Fields, key: str, *, max_len: int = MAX_WORD) -> str | None:
        node = f.get(key)
        if node is None:
            return None
        return yamlsafe.scalar_text(node, self.report, key, max_len=max_len)

    def _require(self, f: Fields, k: Key, owner: Node, what: str) -> Node | None:
        """The value of the required key ``k``; ``None`` when ``f`` lacks it (reported at ``owner``)."""
        node = f.get(k.name)
        if node is None:
            self.report.add(owner, f'{what} has no "{k.name}"', k.missing)
        return node

    def _required_text(self, f: Fields, k: Key, owner: Node, what: str, max_len: int) -> str | None:
        node = self._require(f, k, owner, what)
        return None if node is None else yamlsafe.scalar_text(node, self.report, k.name, max_len=max_len)

    def _optional_text(self, f: Fields, key: str, max_len: int) -> str | None:
        return self._value_text(f, key, max_len=max_len)

    def _fixed(self, f: Fields, key: str) -> float | None:
        text = self._value_text(f, key)
        if text is None:
            return None
        try:
            seconds = parse_duration(text)
        except DurationError as exc:
            hint = exc.hint
            if re.search(r"[0-9]\s*(-|–|—|\bto\b)\s*[0-9]", text):
                hint = f"{key} is one duration, not a window"
            self.report.add(f.get(key), exc.message, hint)
            return None
        if not self._within_a_day(f, key, seconds):
            return None
        return seconds

    def _within_a_day(self, f: Fields, key: str, seconds: float, low: float | None = None) -> bool:
        """Whether a duration (or a window from ``low`` to ``seconds``) is between a second and a day."""
        if seconds > MAX_SECONDS:
            self.report.add(f.get(key), f"{key} is longer than 24 hours", "check the unit")
            return False
        if 0 < (seconds if low is None else low) < 1:  # the screen counts whole seconds: "0s"
            self.report.add(f.get(key), f"{key} is shorter than a second", "write at least 1s")
            return False
        return True

    def _choice(self, f: Fields, key: str, choices: tuple[str, ...]) -> str | None:
        text = self._value_text(f, key)
        if text is None:
            return None
        if text not in choices:
            self.report.add(f.get(key), f'{key} must be {" or ".join(choices)}, not "{shorten(text)}"',
                            did_you_mean(text, choices, None))
            return None
        return text

    def _language(self, f: Fields, key: str) -> str | None:
        """A BCP 47 tag (``es``, ``pt-BR``); one no kiosk knows yet is accepted as written."""
        text = self._value_text(f, key)
        if text is None:
            return None
        if not i18n.valid_tag(text):
            self.report.add(f.get(key), f'{key} "{shorten(text)}" is not a language tag', tag_hint(text))
            return None
        return text

    def _bool(self, f: Fields, key: str) -> bool | None:
        return self._parsed(f, key, parse_bool)

    def _pair(self, f: Fields, key: str, parse: Callable[[str], tuple[Any, Any]]) -> tuple[Any, Any] | None:
        """``parse`` of the value of ``key``: a low-high pair, or ``None`` (reported) if unreadable."""
        return self._parsed(f, key, parse)

    def _parsed(self, f: Fields, key: str, parse: Callable[[str], Any]) -> Any:
        """``parse`` of the value of ``key``, or ``None`` with its ValueError reported at the value.

        A :class:`DurationError` carries its own message and hint; any other ValueError says what
        the value must be (``must be true or false, not "maybe"``) and is prefixed with the key.
        """
        text = self._value_text(f, key)
        if text is None:
            return None
        try:
            return parse(text)
        except DurationError as exc:
            self.report.add(f.get(key), exc.message, exc.hint)
        except ValueError as exc:
            self.report.add(f.get(key), f"{key} {exc}")
        return None

    def _window(self, f: Fields, key: str) -> Window | None:
        pair = self._pair(f, key, parse_window)
        if pair is None or not self._within_a_day(f, key, pair[1], pair[0]):
            return None
        return Window(*pair)

    def _count(self, f: Fields, key: str) -> Count | None:
        pair = self._pair(f, key, parse_count)
        if pair is None:
            return None
        low, high = pair
        if high > MAX_STEPS * 10:
            self.report.add(f.get(key), f"{high} reps is more than a session holds (at most {MAX_STEPS * 10})",
                            "check the number")
            return None
        return Count(low, high)

    def _until(self, f: Fields) -> None:
        text = self._value_text(f, "until")
        if text is not None and text != UNTIL:
            self.report.add(f.get("until"), f'until must be "advance", not "{shorten(text)}"',
                            "until: advance waits for the therapist to move on")

    def _sound(self, f: Fields) -> str | None:
        text = self._value_text(f, "sound", max_len=MAX_SOUND_PATH)
        if text is None:
            return None
        node = f.get("sound")
        if text.lower().endswith(SOUND_SUFFIX):
            relative = Path(text)
            if relative.is_absolute() or ".." in relative.parts:
                self.report.add(node, f'sound file "{shorten(text)}" must be inside the routine\'s folder',
                                "give a path relative to the routine file, such as sounds/bell.wav")
                return None
            if self.folder is None:
                return text
            target = (self.folder / relative).resolve()
            if not target.is_file():
                self.report.add(node, f'sound file "{shorten(text)}" not found', f"looked for {target}")
                return None
            return str(target)
        if text not in SOUND_CUES:
            hint = did_you_mean(text, SOUND_CUES, "use one of ")
            self.report.add(node, f'"{shorten(text)}" is not a sound cue name or a .wav file',
                            hint + " (or a path such as sounds/bell.wav)")
            return None
        return text


def tag_hint(text: str) -> str:
    """What to write instead of ``text``: the tag of the language it names, in English or in a
    language the kiosk speaks (``Spanish``, ``español``, ``espagnol`` -> ``es``), else what a tag
    looks like."""
    from babel import Locale, UnknownLocaleError  # only a file with a bad tag pays for the names

    wanted = text.strip().casefold()
    english = Locale("en").languages
    for tag in [i18n.SOURCE_LANGUAGE, *i18n.available()]:
        try:
            names = Locale.parse(i18n.locale_name(tag)).languages
        except (UnknownLocaleError, ValueError):
            continue
        for code, name in names.items():
            if name.casefold() == wanted and code in english:
                return f"write its tag: language: {code} ({english[code]})"
    return "write a BCP 47 tag such as es, fr-CA, pt-BR, zh-Hant, he or ar"
