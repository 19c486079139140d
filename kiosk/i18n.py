"""The kiosk's own words in the room's language: gettext catalogues compiled with Babel.

Every fixed string a therapist, student or manager sees on the kiosk is written in English in the
code and marked with :func:`_` (or :func:`ngettext` when it counts something), so English needs no
catalogue; ``kiosk/data/locale/<lang>/LC_MESSAGES/kiosk.po`` gives another language, compiled to
``kiosk.mo`` beside it (``make translations``). The loader's messages stay English: they go to a
manager's terminal and to the docs.

Languages are BCP 47 tags (``es``, ``fr-CA``, ``pt-BR``, ``zh-Hant``). A tag whose own catalogue is
missing falls back to its language (``fr-CA`` to ``fr``), then to English, so a clinic never sees an
empty label. Kivy-free: the screens re-read their words when :func:`use` switches the language (they
add a listener), and tests, the CLI and the engine's neighbours can use it without a window.
"""

from __future__ import annotations

import gettext as _gettext
import logging
import os
import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from babel import Locale, UnknownLocaleError

from kiosk.paths import PACKAGE_DIR

log = logging.getLogger(__name__)

DOMAIN = "kiosk"
LOCALE_DIR = PACKAGE_DIR / "data" / "locale"
#: The language the strings are written in: it needs no catalogue.
SOURCE_LANGUAGE = "en"

#: A BCP 47 tag as rooms write it: a language, then optional script, region or variant subtags.
_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
#: The same, for JSON Schemas (a routine's ``language:``).
TAG_PATTERN = _TAG.pattern


def N_(message: str) -> str:
    """Marks a string for the catalogue where it is defined, to be translated where it is shown."""
    return message


def valid_tag(tag: str) -> bool:
    """Whether ``tag`` is written like a BCP 47 language tag (``es``, ``pt-BR``, ``zh-Hant``)."""
    return bool(_TAG.match(tag))


def locale_name(tag: str) -> str:
    """The gettext/CLDR spelling of a BCP 47 tag: ``pt-BR`` -> ``pt_BR``, ``zh-hant`` -> ``zh_Hant``."""
    parts = re.split(r"[-_]", tag.strip())
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            out.append(part.title())       # script
        elif len(part) in (2, 3) and (part.isalpha() or part.isdigit()):
            out.append(part.upper())       # region
        else:
            out.append(part.lower())       # variant
    return "_".join(out)


def system_language(environ: os._Environ[str] | dict[str, str] | None = None) -> str:
    """The language the system's locale asks for (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), else English.

    ``C`` and ``POSIX`` mean "no preference"; the encoding and modifier (``.UTF-8@euro``) are dropped.
    """
    env = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = (env.get(name) or "").split(":")[0].split(".")[0].split("@")[0]
        if value and value not in ("C", "POSIX") and valid_tag(value):
            return value.replace("_", "-")
    return SOURCE_LANGUAGE


def available() -> list[str]:
    """The languages the kiosk can show: English and every language with a compiled catalogue."""
    found = {SOURCE_LANGUAGE}
    if LOCALE_DIR.is_dir():
        for mo in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo"):
            found.add(mo.parent.parent.name.replace("_", "-"))
    return sorted(found)


def _candidates(tag: str) -> list[str]:
    """``pt_BR`` then ``pt``: the catalogues to try for a tag, most specific first."""
    name = locale_name(tag)
    parts = name.split("_")
    return ["_".join(parts[:n]) for n in range(len(parts), 0, -1)]


@lru_cache(maxsize=None)
def _translations(tag: str) -> _gettext.NullTranslations:
    for name in _candidates(tag):
        path = LOCALE_DIR / name / "LC_MESSAGES" / f"{DOMAIN}.mo"
        try:
            with open(path, "rb") as f:
                return _gettext.GNUTranslations(f)
        except OSError:
            continue
    return _gettext.NullTranslations()


@dataclass(frozen=True)
class Language:
    """One language: its tag, its words, and how its text runs."""

    tag: str
    translations: _gettext.NullTranslations = field(compare=False, repr=False)

    @property
    def locale(self) -> Locale:
        """The CLDR locale behind the tag (dates, numbers, names); English when CLDR has none."""
        return _locale(self.tag)

    @property
    def rtl(self) -> bool:
        """Whether the language is written right to left (its screens are mirrored)."""
        return self.locale.character_order == "right-to-left"

    @property
    def name(self) -> str:
        """The language's name in itself, as a chooser lists it: ``español``, ``français``."""
        return self.locale.get_display_name(self.locale) or self.tag

    @property
    def translated(self) -> bool:
        """Whether the kiosk has this language's words (English always has them)."""
        return (locale_name(self.tag).split("_")[0] == SOURCE_LANGUAGE
                or type(self.translations) is not _gettext.NullTranslations)

    def gettext(self, message: str) -> str:
        return _checked(self.translations.gettext(message), message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return _checked(self.translations.ngettext(singular, plural, count), singular if count == 1 else plural,
                        singular, plural)

    def pgettext(self, context: str, message: str) -> str:
        return _checked(self.translations.pgettext(context, message), message)


@lru_cache(maxsize=4096)
def _checked(translated: str, english: str, *originals: str) -> str:
    """``translated``, or ``english`` when the translation would break the screen: a ``{name}`` the
    English does not give it, or a stray brace (a clinic's own .po with a typo must not stop the kiosk)."""
    if translated == english or "{" not in translated and "}" not in translated:
        return translated
    try:
        given = set().union(*(_fields(text) for text in (originals or (english,))))
        if _fields(translated) <= given:
            return translated
    except ValueError:
        pass
    log.warning("translation %r of %r names what the English does not give it; showing English", translated, english)
    return english


def _fields(text: str) -> set[str]:
    """The ``{names}`` a str.format text uses (ValueError for a stray brace)."""
    return {name.split(".")[0].split("[")[0] for _lit, name, _spec, _conv in string.Formatter().parse(text)
            if name is not None}


@lru_cache(maxsize=None)
def _locale(tag: str) -> Locale:
    try:
        return Locale.parse(locale_name(tag))
    except (UnknownLocaleError, ValueError):
        try:
            return Locale.parse(locale_name(tag).split("_")[0])
        except (UnknownLocaleError, ValueError):
            return Locale.parse(SOURCE_LANGUAGE)


def language(tag: str) -> Language:
    """The language for ``tag`` (falling back to its base language's catalogue, then to English)."""
    return Language(tag, _translations(tag))


_current = language(SOURCE_LANGUAGE)
_listeners: list[Callable[[Language], None]] = []


def current() -> Language:
    """The language the kiosk speaks now."""
    return _current


def use(tag: str) -> Language:
    """Switch the kiosk's words to ``tag``; listeners (the screens) re-read theirs."""
    global _current
    chosen = language(tag)
    if chosen != _current:
        _current = chosen
        for listener in list(_listeners):
            listener(chosen)
    return chosen


def add_listener(listener: Callable[[Language], None]) -> Callable[[], None]:
    """Call ``listener`` on each switch of language; returns what removes it again."""
    _listeners.append(listener)
    return lambda: _listeners.remove(listener) if listener in _listeners else None


def _(message: str) -> str:
    """``message`` in the current language (itself when the catalogue does not have it)."""
    return _current.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a counted phrase the current language uses for ``count`` ("1 step", "3 steps")."""
    return _current.ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language, told apart from the same English word used elsewhere."""
    return _current.pgettext(context, message)
