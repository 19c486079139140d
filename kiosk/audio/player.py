"""Cue players: Kivy's SDL2 mixer, and silence when there is no audio device.

Tests record cues with :class:`kiosk_testkit.players.RecordingPlayer`, built on :class:`BasePlayer`.

Every player loads all its sounds up front (:meth:`CuePlayer.load`, before the first screen), so
a cue never waits for a disk read, and every player honours the same volume, mute and per-cue
switches. :func:`open_player` picks one and never raises: a kiosk without sound runs on, shows
``notice`` once and flashes instead.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Mapping, Protocol, runtime_checkable

from kiosk.audio import sdlmixer
from kiosk.i18n import _

log = logging.getLogger(__name__)

#: Mixer buffer the kiosk asks for: 512 frames is 11.6 ms at 44.1 kHz. Kivy's own choice is 4096
#: (93 ms); see bench/bench_cue_latency.py for what each size costs.
DEFAULT_BUFFER_FRAMES = 512


@runtime_checkable
class CuePlayer(Protocol):
    """What the kiosk needs from a sound player."""

    enabled: dict[str, bool]
    notice: str | None

    @property
    def available(self) -> bool: ...

    @property
    def volume(self) -> float: ...

    @volume.setter
    def volume(self, value: float) -> None: ...

    @property
    def muted(self) -> bool: ...

    @muted.setter
    def muted(self, value: bool) -> None: ...

    def load(self, cues: Mapping[str, Path]) -> None: ...

    def loaded(self, name: str) -> bool: ...

    def play(self, name: str, gain: float = 1.0) -> None: ...


class BasePlayer:
    """Volume, mute and per-cue switches shared by every player.

    ``volume`` is clamped to 0..1; ``gain`` scales one play (spoken prompts use it to whisper).
    A cue missing from ``enabled`` is on.
    """

    def __init__(self, *, volume: float = 1.0, muted: bool = False, enabled: Mapping[str, bool] | None = None):
        self._volume = 1.0
        self.volume = volume
        self.muted = muted
        self.enabled: dict[str, bool] = dict(enabled or {})
        self.notice: str | None = None
        self.problems: list[str] = []
        self._names: set[str] = set()

    @property
    def available(self) -> bool:
        return True

    @property
    def volume(self) -> float:
        return self._volume

    @volume.setter
    def volume(self, value: float) -> None:
        self._volume = min(max(float(value), 0.0), 1.0)

    @property
    def muted(self) -> bool:
        return self._muted

    @muted.setter
    def muted(self, value: bool) -> None:
        self._muted = bool(value)

    def loaded(self, name: str) -> bool:
        return name in self._names

    def level(self, name: str, gain: float = 1.0) -> float | None:
        """The volume ``name`` would play at now, or ``None`` when it would not sound at all."""
        if self._muted or not self.enabled.get(name, True) or name not in self._names:
            return None
        level = self._volume * min(max(gain, 0.0), 1.0)
        return level if level > 0 else None

    def load(self, cues: Mapping[str, Path]) -> None:
        """Load every sound now; names already loaded are replaced. Unreadable files go to
        ``problems`` (one line each) and stay silent, so one bad file never stops a session."""
        for name, path in cues.items():
            path = Path(path)
            if not path.is_file():
                self._problem(name, path, "file not found")
                continue
            try:
                self._load_one(name, path)
            except (OSError, ValueError) as exc:
                self._problem(name, path, str(exc))
                continue
            self._names.add(name)

    def play(self, name: str, gain: float = 1.0) -> None:
        level = self.level(name, gain)
        if level is not None:
            self._play(name, level)

    def _problem(self, name: str, path: Path, why: str) -> None:
        from kiosk.paths import SOUNDS_DIR

        shipped = path.resolve().parent == SOUNDS_DIR.resolve()
        hint = _("run `make sounds` to rebuild the shipped cues") if shipped else _("check the step's sound: entry")
        self.problems.append(_("{file}: sound '{name}' cannot be played: {why} ({hint})").format(
            file=path, name=name, why=why, hint=hint))
        log.warning("%s", self.problems[-1])

    def _load_one(self, name: str, path: Path) -> None:
        """Read one file; raise OSError or ValueError when it cannot be played."""

    def _play(self, name: str, level: float) -> None:
        """Start ``name`` at ``level`` (0..1]."""


class SilentPlayer(BasePlayer):
    """No audio device: plays nothing, remembers nothing, says why in ``notice``."""

    def __init__(self, notice: str, **kwargs):
        super().__init__(**kwargs)
        self.notice = notice

    @property
    def available(self) -> bool:
        return False


class KivyCuePlayer(BasePlayer):
    """Plays through Kivy's SDL2 audio provider (``SoundLoader``), every sound loaded up front.

    Kivy opens SDL_mixer with a 4096-frame buffer (93 ms before a cue can start). With
    ``buffer_frames`` set, this player opens the same mixer first, in the same format, with that
    buffer; Kivy then reuses it. ``buffer_frames=None`` leaves Kivy's default alone.
    Construct it through :func:`open_player`, which turns a missing device into silence.
    """

    def __init__(self, *, buffer_frames: int | None = DEFAULT_BUFFER_FRAMES, **kwargs):
        super().__init__(**kwargs)
        self._sounds: dict[str, object] = {}
        self.buffer_frames = sdlmixer.open_mixer(buffer_frames) if buffer_frames else None
        from kivy.core.audio import SoundLoader  # lazy: importing Kivy is slow and needs its env

        self._loader = SoundLoader

    def _load_one(self, name: str, path: Path) -> None:
        sound = self._loader.load(str(path))
        if sound is None:
            raise ValueError("Kivy has no audio provider for this file type")
        if not sound.length:
            raise ValueError("SDL_mixer could not read it (a 16-bit PCM .wav works)")
        old = self._sounds.pop(name, None)
        if old is not None:
            old.unload()
        self._sounds[name] = sound

    def _play(self, name: str, level: float) -> None:
        sound = self._sounds[name]
        sound.volume = level
        sound.play()


def open_player(
    *,
    volume: float = 1.0,
    muted: bool = False,
    enabled: Mapping[str, bool] | None = None,
    buffer_frames: int | None = DEFAULT_BUFFER_FRAMES,
    backend: str = "kivy",
) -> BasePlayer:
    """The best player this machine allows; a :class:`SilentPlayer` with a notice when there is
    no audio device (or ``backend="off"``). Never raises."""
    settings = dict(volume=volume, muted=muted, enabled=enabled)
    if backend == "off":
        return SilentPlayer(_("Sound is off in the room settings."), **settings)
    try:
        sdlmixer.require_device()
        player = KivyCuePlayer(buffer_frames=buffer_frames, **settings)
        sdlmixer.require_open()
        return player
    except sdlmixer.NoAudioError as exc:
        notice = _("No sound: {why}. The session runs on and the screen flashes for each cue.").format(why=exc)
    except Exception as exc:  # a broken audio stack must not stop a session
        log.exception("audio player failed to start")
        notice = _("No sound: the audio player failed to start ({why}). The screen flashes for each cue.").format(
            why=exc)
    log.warning("%s", notice)
    return SilentPlayer(notice, **settings)

