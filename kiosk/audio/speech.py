"""Spoken prompts: step names, "one minute left", "switch sides", whispered under the cues.

Off unless the room config or the routine turns them on. Each text is rendered once with
espeak-ng into a cache of WAVs (named by a hash of text, voice and rate) when a routine is
loaded, so a prompt never waits for speech synthesis. Every rendering starts with
:data:`LEAD_S` of silence: played together with its cue, the voice lands after the bell's strike
instead of on top of it. Without espeak-ng the kiosk says so once and stays with the cues.

A routine is spoken in its own language (its ``language:``, else the room's): step names in that
language's espeak-ng voice (:mod:`kiosk.audio.voices`), and the fixed phrases from that language's
catalogue when it has them. A phrase the catalogue lacks is said in English by the English voice,
never in English words with a foreign voice.
"""

from __future__ import annotations

import hashlib
import io
import logging
import math
import os
import shutil
import subprocess
import wave
from array import array
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal

from kiosk import i18n
from kiosk.audio.voices import ENGLISH, SOFT, VoiceChoice, Voices

from kiosk.i18n import _

log = logging.getLogger(__name__)

DEFAULT_VOICE = ENGLISH + SOFT  # espeak-ng's English with a softer female variant
DEFAULT_RATE = 140  # words per minute; espeak-ng's default 175 sounds hurried in a quiet room
WHISPER_GAIN = 0.5  # of the cue volume: -6 dB under the bells
LEAD_S = 0.7
PEAK = 10 ** (-14 / 20)  # the cues' peak level, before the whisper gain
KEY_PREFIX = "say:"
_CACHE_VERSION = "1"


#: What the prompts say when the sides change, in English (the catalogue has the rest).
SWITCH_SIDES = i18n.N_("switch sides")
_ENGLISH = i18n.language(i18n.SOURCE_LANGUAGE)


def key(text: str, voice: str = DEFAULT_VOICE) -> str:
    """The player's name for ``text`` spoken by ``voice``: the same words in two voices are two sounds."""
    return f"{KEY_PREFIX}{voice}:{text}"


@dataclass(frozen=True)
class Line:
    """One spoken prompt: the words, and the espeak-ng voice that says them."""

    text: str
    voice: str = DEFAULT_VOICE

    @property
    def key(self) -> str:
        return key(self.text, self.voice)


def left_phrase(seconds: float, language: i18n.Language = _ENGLISH) -> str:
    """What the heads-up says in ``language``: ``one minute left``, ``2 minutes left``, ``15 seconds left``.

    Half minutes (``1.5 minutes left``) take the plural of the next whole number, as most languages do.
    """
    s = int(round(seconds))
    if s == 60:
        return language.gettext("one minute left")
    if s % 60 == 0:
        said = language.ngettext("{n} minute left", "{n} minutes left", s // 60)
        return said.replace("{n}", _number(s // 60, language))
    if s > 60 and s % 30 == 0:
        said = language.ngettext("{n} minute left", "{n} minutes left", math.ceil(s / 60))
        return said.replace("{n}", _number(s / 60, language))
    return language.ngettext("{n} second left", "{n} seconds left", s).replace("{n}", _number(s, language))


def _number(value: float, language: i18n.Language) -> str:
    """``1.5`` as the language writes it (``1,5`` in Spanish), in the digits every voice reads."""
    return format_decimal(value, locale=language.locale, numbering_system="latn")


def language_name(tag: str) -> str:
    """A language's name as the screen's language says it (``Hebrew``, ``hebreo``), else its tag."""
    screen = i18n.current().locale
    try:
        return Locale.parse(i18n.locale_name(tag)).get_display_name(screen) or tag
    except (UnknownLocaleError, ValueError):  # CLDR names more languages than it has data for
        return screen.languages.get(i18n.locale_name(tag).split("_")[0], tag)


class Script:
    """What one routine's prompts say, and which voice says each.

    Step names are said by the routine's voice. A fixed phrase ("switch sides") is said in the
    routine's language by its voice when the language's catalogue has the phrase, else in English
    by ``english``. ``notice`` says so when espeak-ng has no voice for the language at all.
    """

    def __init__(self, choice: VoiceChoice, english: str = DEFAULT_VOICE):
        self.choice = choice
        self.language = i18n.language(choice.tag)
        self.english = english

    @property
    def notice(self) -> str | None:
        """What the screen says when espeak-ng has no voice for the language (else ``None``)."""
        if self.choice.found:
            return None
        return i18n._("Spoken prompts: espeak-ng has no voice for {language}, so they are spoken in "
                      "English.").format(language=language_name(self.choice.tag))

    @classmethod
    def english(cls, voice: str | None = None) -> "Script":
        """Prompts in English, said by ``voice`` (the kiosk's English voice)."""
        return cls(VoiceChoice(i18n.SOURCE_LANGUAGE, voice or DEFAULT_VOICE, True), voice or DEFAULT_VOICE)

    @property
    def voice(self) -> str:
        return self.choice.voice

    def step(self, name: str) -> Line:
        return Line(name.strip(), self.voice)

    def switch_sides(self) -> Line:
        return self._fixed(lambda language: language.gettext(SWITCH_SIDES))

    def left(self, seconds: float) -> Line:
        return self._fixed(lambda language: left_phrase(seconds, language))

    def lines(self, steps: Iterable, warning_s: float | None = None) -> list[Line]:
        """Everything a routine's prompts may say: each step's name, "switch sides", the heads-up."""
        steps = list(steps)
        lines = [self.step(step.name) for step in steps]
        if any(getattr(step, "side", None) for step in steps):
            lines.append(self.switch_sides())
        if warning_s:
            lines.append(self.left(warning_s))
        return lines

    def _fixed(self, say: Callable[[i18n.Language], str]) -> Line:
        english = say(_ENGLISH)
        if self.choice.found:
            own = say(self.language)
            in_english = i18n.locale_name(self.choice.tag).split("_")[0] == i18n.SOURCE_LANGUAGE
            if in_english or own != english:  # the same words as English: the catalogue lacks them
                return Line(own, self.voice)
        return Line(english, self.english)


class SpeechPrompts:
    """Renders texts with espeak-ng into ``cache_dir`` and hands the player their files."""

    def __init__(
        self,
        cache_dir: str | Path,
        *,
        binary: str = "espeak-ng",
        voice: str = DEFAULT_VOICE,
        rate: int = DEFAULT_RATE,
        gain: float = WHISPER_GAIN,
        timeout_s: float = 20.0,
    ):
        self.cache_dir = Path(cache_dir)
        self.voice = voice
        self.rate = int(rate)
        self.gain = gain
        self.timeout_s = timeout_s
        self.notice: str | None = None
        self.executable = shutil.which(binary)
        self.voices = Voices(self.executable or binary)
        if self.executable is None:
            self.notice = _("Spoken prompts are off: {program} was not found "
                            "(install it with: sudo apt-get install espeak-ng).").format(program=binary)
            log.warning("%s", self.notice)

    @property
    def available(self) -> bool:
        return self.executable is not None

    def script(self, tag: str | None = None) -> Script:
        """The prompts of a routine in the language ``tag`` (BCP 47; ``None``: English). Lists
        espeak-ng's voices the first time; a language it lacks is spoken in English (and the
        script's ``notice`` says so)."""
        if tag is None:
            return Script.english(self.voice)
        choice = self.voices.choose(tag)
        if choice.voice == DEFAULT_VOICE:
            choice = replace(choice, voice=self.voice)  # English is the voice this kiosk was given
        return Script(choice, self.voice)

    def path_for(self, text: str, voice: str | None = None) -> Path:
        """Where ``text`` said by ``voice`` is cached: a hash of everything that changes how it sounds."""
        ident = "\0".join((_CACHE_VERSION, voice or self.voice, str(self.rate), f"{LEAD_S:g}", text))
        return self.cache_dir / f"{hashlib.sha256(ident.encode('utf-8')).hexdigest()[:20]}.wav"

    def render(self, lines: Iterable[Line | str]) -> dict[str, Path]:
        """``{line.key: wav}`` for each line (a plain text is said by the English voice), rendering
        only what the cache lacks. Lines that cannot be rendered are left out and named in
        ``notice``; nothing raises."""
        if not self.available:
            return {}
        out: dict[str, Path] = {}
        failed: list[str] = []
        wanted = (Line(x, self.voice) if isinstance(x, str) else x for x in lines)
        for line in dict.fromkeys(Line(x.text.strip(), x.voice) for x in wanted):
            text = line.text
            if not text:
                continue
            path = self.path_for(text, line.voice)
            if not path.is_file():
                try:
                    self._render_one(line, path)
                except (OSError, subprocess.SubprocessError, wave.Error, EOFError) as exc:
                    log.warning("speech: cannot render %r with %s: %s", text, line.voice, exc)
                    failed.append(text)
                    continue
            out[line.key] = path
        if failed:
            shown = ", ".join(f'"{t}"' for t in failed[:3]) + (" ..." if len(failed) > 3 else "")
            self.notice = _("Some spoken prompts could not be made with espeak-ng: {texts}.").format(texts=shown)
        return out

    def command(self, voice: str) -> list[str]:
        """The espeak-ng command line that renders with ``voice`` (the text goes to its stdin)."""
        return [str(self.executable), "--stdout", "-v", voice, "-s", str(self.rate), "--stdin"]

    def _render_one(self, line: Line, path: Path) -> None:
        result = subprocess.run(
            self.command(line.voice),
            input=line.text.encode("utf-8"),
            capture_output=True,
            timeout=self.timeout_s,
            check=True,
        )
        with wave.open(io.BytesIO(result.stdout), "rb") as w:
            rate, channels, width = w.getframerate(), w.getnchannels(), w.getsampwidth()
            data = w.readframes(w.getnframes())
        if width != 2 or channels != 1 or not data:
            raise wave.Error(f"unexpected espeak-ng output ({channels} ch, {8 * width}-bit, {len(data)} bytes)")
        samples = array("h")
        samples.frombytes(data[: len(data) - len(data) % 2])
        top = max(max(samples), -min(samples), 1)
        scale = PEAK * 32767 / top
        voice = array("h", (int(s * scale) for s in samples))
        ramp = min(int(0.005 * rate), len(voice) // 2)  # 5 ms fades: espeak-ng may stop mid-wave
        for i in range(ramp):
            voice[i] = int(voice[i] * i / ramp)
            voice[-1 - i] = int(voice[-1 - i] * i / ramp)
        lead = array("h", bytes(2 * int(LEAD_S * rate)))
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with wave.open(str(tmp), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes((lead + voice).tobytes())
        os.replace(tmp, path)
