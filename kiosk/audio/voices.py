"""Which espeak-ng voice speaks a language: a BCP 47 tag to the voice this machine's espeak-ng has.

espeak-ng names its voices by language (``es``, ``pt-br``, ``cmn`` for Mandarin, ``yue`` for
Cantonese) and lists other names each answers to with a priority (``zh`` for ``cmn``), but its
``-v`` only takes the first kind: ``-v zh`` fails. So the kiosk reads ``espeak-ng --voices`` once
and picks, for ``zh-Hant-TW``, the most specific of ``zh-hant-tw``, ``zh-hant``, ``zh`` that any
voice answers to. A language espeak-ng lacks is spoken by the English voice, and the caller is
told so it can say it once on screen rather than fall silent.

Every voice gets espeak-ng's softer female variant :data:`SOFT`: the kiosk whispers under bells
in a quiet room, and espeak-ng's default male voice sounds hard there. (``--voices`` lists
espeak-ng's own voices, which all take variants; MBROLA voices, which do not, are listed apart.)
"""

from __future__ import annotations

import logging
import re
import subprocess
from dataclasses import dataclass

log = logging.getLogger(__name__)

#: The softer female variant, added to every voice (espeak-ng variants fit all its own voices).
SOFT = "+f3"
#: The English voice as the kiosk has always named it (espeak-ng's ``gmw/en`` file).
ENGLISH = "en"
#: Tags that say the same language under another name than espeak-ng's: old ISO codes, and the
#: Chinese of Hong Kong and Macau, which is spoken in Cantonese.
SYNONYMS = {"iw": "he", "in": "id", "ji": "yi", "no": "nb", "zh-hk": "yue", "zh-mo": "yue"}
#: Voices preferred for a name when espeak-ng has them. espeak-ng 1.51 (Debian 12, Raspberry Pi OS
#: Bookworm) reads Chinese characters with its ``cmn`` voice as pinyin said in English ("ni three
#: hao three"); ``cmn-latn-pinyin`` says them with Mandarin tones there and in later versions.
PREFERRED = {"zh": "cmn-latn-pinyin", "zh-cmn": "cmn-latn-pinyin"}

_OTHER = re.compile(r"\(([^\s()]+)\s+(\d+)\)")


@dataclass(frozen=True)
class VoiceChoice:
    """The voice picked for a language: ``voice`` is what ``espeak-ng -v`` gets (``cmn+f3``);
    ``found`` is False when espeak-ng has no voice for ``tag`` and English speaks instead."""

    tag: str
    voice: str
    found: bool


def parse_voices(listing: str) -> dict[str, str]:
    """``{name: voice}`` from ``espeak-ng --voices``: each voice's own language, and every other
    name it answers to, mapped to the voice that answers best (lowest priority number, then the
    first listed). Names are lower case."""
    own: dict[str, str] = {}
    others: dict[str, tuple[int, int, str]] = {}
    for order, line in enumerate(listing.splitlines()[1:]):
        cols = line.split()
        if len(cols) < 5 or not cols[0].isdigit():
            continue
        language = cols[1].lower()
        own.setdefault(language, language)
        for name, priority in _OTHER.findall(" ".join(cols[3:])):  # after the name and the file
            ranked = (int(priority), order, language)
            if name.lower() not in others or ranked < others[name.lower()]:
                others[name.lower()] = ranked
    names = {name: ranked[2] for name, ranked in others.items()}
    names.update(own)  # a voice's own language wins over another voice's other name for it
    return names


def candidates(tag: str) -> list[str]:
    """``pt-br`` then ``pt``: the names to try for a tag, most specific first (synonyms replaced)."""
    parts = tag.strip().replace("_", "-").lower().split("-")
    out: list[str] = []
    for n in range(len(parts), 0, -1):
        name = "-".join(parts[:n])
        out.append(SYNONYMS.get(name, name))
    return out


def choose(tag: str, names: dict[str, str]) -> VoiceChoice:
    """The voice for ``tag`` among ``names`` (from :func:`parse_voices`); English when none fits."""
    for name in candidates(tag):
        if name == ENGLISH:
            return VoiceChoice(tag, ENGLISH + SOFT, True)
        if name in names:
            voice = PREFERRED[name] if PREFERRED.get(name) in names else names[name]
            return VoiceChoice(tag, voice + SOFT, True)
    return VoiceChoice(tag, ENGLISH + SOFT, False)


class Voices:
    """The voices of one espeak-ng binary, listed the first time a language is asked for."""

    def __init__(self, executable: str, *, timeout_s: float = 10.0):
        self.executable = executable
        self.timeout_s = timeout_s
        self._names: dict[str, str] | None = None

    @property
    def names(self) -> dict[str, str]:
        if self._names is None:
            try:
                result = subprocess.run([self.executable, "--voices"], capture_output=True,
                                        timeout=self.timeout_s, check=True)
                self._names = parse_voices(result.stdout.decode("utf-8", "replace"))
            except (OSError, subprocess.SubprocessError) as exc:
                log.warning("speech: cannot list espeak-ng's voices: %s", exc)
                self._names = {}
        return self._names

    def choose(self, tag: str) -> VoiceChoice:
        """The voice that speaks ``tag`` (a BCP 47 tag) on this machine."""
        return choose(tag, self.names)
