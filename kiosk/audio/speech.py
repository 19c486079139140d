"""Spoken prompts: step names, "one minute left", "switch sides", whispered under the cues.

Off unless the room config or the routine turns them on. Each text is rendered once with
espeak-ng into a cache of WAVs (named by a hash of text, voice and rate) when a routine is
loaded, so a prompt never waits for speech synthesis. Every rendering starts with
:data:`LEAD_S` of silence: played together with its cue, the voice lands after the bell's strike
instead of on top of it. Without espeak-ng the kiosk says so once and stays with the cues.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import shutil
import subprocess
import wave
from array import array
from pathlib import Path
from typing import Iterable

from babel.numbers import format_decimal

from kiosk import i18n
from kiosk.i18n import N_, _

log = logging.getLogger(__name__)

DEFAULT_VOICE = "en+f3"  # espeak-ng's English with a softer female variant
DEFAULT_RATE = 140  # words per minute; espeak-ng's default 175 sounds hurried in a quiet room
WHISPER_GAIN = 0.5  # of the cue volume: -6 dB under the bells
LEAD_S = 0.7
PEAK = 10 ** (-14 / 20)  # the cues' peak level, before the whisper gain
KEY_PREFIX = "say:"
_CACHE_VERSION = "1"


def key(text: str) -> str:
    """The player's name for the spoken ``text``."""
    return KEY_PREFIX + text


#: What the side switch says (marked here, translated where it is spoken).
SWITCH_SIDES = N_("switch sides")


def left_phrase(seconds: float, language: i18n.Language | None = None) -> str:
    """What the heads-up says: ``one minute left``, ``2 minutes left``, ``15 seconds left``, in
    ``language`` (the kiosk's current one by default; a routine may speak another)."""
    lang = language or i18n.current()
    s = int(round(seconds))
    if s == 60:
        return lang.gettext("one minute left")
    if s % 60 == 0:
        return lang.ngettext("{n} minute left", "{n} minutes left", s // 60).format(n=s // 60)
    if s > 60 and s % 30 == 0:  # 1.5 minutes: a fraction counts as plural
        return lang.ngettext("{n} minute left", "{n} minutes left", 2).format(
            n=format_decimal(s / 60, locale=lang.locale))
    return lang.ngettext("{n} second left", "{n} seconds left", s).format(n=s)


def switch_sides_phrase(language: i18n.Language | None = None) -> str:
    """What the side switch says: ``switch sides``, in ``language`` (the kiosk's by default)."""
    return (language or i18n.current()).gettext(SWITCH_SIDES)


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
        if self.executable is None:
            self.notice = _("Spoken prompts are off: {program} was not found "
                            "(install it with: sudo apt-get install espeak-ng).").format(program=binary)
            log.warning("%s", self.notice)

    @property
    def available(self) -> bool:
        return self.executable is not None

    def path_for(self, text: str) -> Path:
        """Where ``text`` is cached: a hash of everything that changes how it sounds."""
        ident = "\0".join((_CACHE_VERSION, self.voice, str(self.rate), f"{LEAD_S:g}", text))
        return self.cache_dir / f"{hashlib.sha256(ident.encode('utf-8')).hexdigest()[:20]}.wav"

    def render(self, texts: Iterable[str]) -> dict[str, Path]:
        """``{key(text): wav}`` for each text, rendering only what the cache lacks. Texts that
        cannot be rendered are left out and named in ``notice``; nothing raises."""
        if not self.available:
            return {}
        out: dict[str, Path] = {}
        failed: list[str] = []
        for text in dict.fromkeys(t.strip() for t in texts):
            if not text:
                continue
            path = self.path_for(text)
            if not path.is_file():
                try:
                    self._render_one(text, path)
                except (OSError, subprocess.SubprocessError, wave.Error, EOFError) as exc:
                    log.warning("speech: cannot render %r: %s", text, exc)
                    failed.append(text)
                    continue
            out[key(text)] = path
        if failed:
            shown = ", ".join(f'"{t}"' for t in failed[:3]) + (" ..." if len(failed) > 3 else "")
            self.notice = _("Some spoken prompts could not be made with espeak-ng: {texts}.").format(texts=shown)
        return out

    def _render_one(self, text: str, path: Path) -> None:
        result = subprocess.run(
            [self.executable, "--stdout", "-v", self.voice, "-s", str(self.rate), "--stdin"],
            input=text.encode("utf-8"),
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
