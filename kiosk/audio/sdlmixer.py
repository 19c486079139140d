"""The few SDL2 / SDL_mixer calls Kivy does not expose, made on the very libraries Kivy loaded.

Kivy's SDL2 audio provider opens the mixer on first use with ``Mix_OpenAudio(44100,
AUDIO_S16SYS, 2, 4096)``: a 4096-frame buffer, so a cue may wait 93 ms before it starts. Kivy
has no setting for it and ``SDL_AUDIO_SAMPLES`` does not change it (bench/bench_cue_latency.py
shows it). SDL_mixer keeps one mixer per process and, asked to open again in the same format,
reuses the open one; so opening it here first, same format, smaller buffer, gives Kivy's
``SoundLoader`` that buffer.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys
from functools import lru_cache

log = logging.getLogger(__name__)

SDL_INIT_AUDIO = 0x10
AUDIO_S16SYS = 0x8010 if sys.byteorder == "little" else 0x9010
RATE = 44100
CHANNELS = 2


class NoAudioError(RuntimeError):
    """SDL cannot give this process an audio device; the message says why, for a person."""


@lru_cache(maxsize=1)
def libs() -> tuple[ctypes.CDLL, ctypes.CDLL]:
    """``(SDL2, SDL2_mixer)`` as loaded by Kivy's audio provider (same instances, same state)."""
    try:
        import kivy.core.audio.audio_sdl2  # noqa: F401  (loads the libraries; opens nothing)
    except ImportError as exc:
        raise NoAudioError(f"Kivy was built without its SDL2 audio provider ({exc})") from exc
    paths: dict[str, str] = {}
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            for line in maps:
                path = line.split()[-1]
                name = path.rsplit("/", 1)[-1]
                if name.startswith("libSDL2_mixer"):
                    paths.setdefault("mixer", path)
                elif name.startswith("libSDL2-") or name.startswith("libSDL2."):
                    paths.setdefault("sdl", path)
    except OSError:
        pass
    sdl_path = paths.get("sdl") or ctypes.util.find_library("SDL2-2.0") or ctypes.util.find_library("SDL2")
    mix_path = (paths.get("mixer") or ctypes.util.find_library("SDL2_mixer-2.0")
                or ctypes.util.find_library("SDL2_mixer"))
    if not sdl_path or not mix_path:
        raise NoAudioError("the SDL2 and SDL2_mixer libraries Kivy uses were not found")
    sdl, mix = ctypes.CDLL(sdl_path), ctypes.CDLL(mix_path)
    sdl.SDL_GetError.restype = ctypes.c_char_p
    sdl.SDL_InitSubSystem.argtypes = [ctypes.c_uint32]
    mix.Mix_OpenAudioDevice.argtypes = [ctypes.c_int, ctypes.c_uint16, ctypes.c_int, ctypes.c_int, ctypes.c_char_p,
                                        ctypes.c_int]
    mix.Mix_QuerySpec.argtypes = [ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_uint16),
                                  ctypes.POINTER(ctypes.c_int)]
    return sdl, mix


def sdl_error() -> str:
    sdl, _ = libs()
    return (sdl.SDL_GetError() or b"").decode("utf-8", "replace") or "no reason given"


def require_device() -> None:
    """Raise :class:`NoAudioError` unless SDL can start an audio driver."""
    sdl, _ = libs()
    if sdl.SDL_InitSubSystem(SDL_INIT_AUDIO) < 0:
        raise NoAudioError(f"SDL found no audio device ({sdl_error()})")


def query_spec() -> tuple[int, int, int] | None:
    """``(rate, format, channels)`` of the open mixer, or ``None`` when it is not open."""
    _, mix = libs()
    rate, fmt, channels = ctypes.c_int(), ctypes.c_uint16(), ctypes.c_int()
    if not mix.Mix_QuerySpec(ctypes.byref(rate), ctypes.byref(fmt), ctypes.byref(channels)):
        return None
    return rate.value, fmt.value, channels.value


def open_mixer(frames: int) -> int | None:
    """Open the mixer with a ``frames`` buffer in Kivy's format; the buffer size, or ``None``
    when the mixer was already open (its buffer cannot change) or refused (Kivy will try)."""
    _, mix = libs()
    if query_spec() is not None:
        log.warning("audio mixer already open: its buffer stays as it is (open the player earlier)")
        return None
    # allowed_changes=0: SDL converts to exactly this format, which Kivy's later call matches.
    if mix.Mix_OpenAudioDevice(RATE, AUDIO_S16SYS, CHANNELS, int(frames), None, 0) < 0:
        log.warning("audio mixer refused a %d-frame buffer (%s); using Kivy's default", frames, sdl_error())
        return None
    return int(frames)


def require_open() -> None:
    """Make sure the mixer is open (Kivy opens it on first use); raise :class:`NoAudioError` if not."""
    if query_spec() is None:
        from kivy.core.audio.audio_sdl2 import SoundSDL2

        SoundSDL2.extensions()  # Kivy's mix_init: opens the mixer once per process
    if query_spec() is None:
        raise NoAudioError(f"the audio device could not be opened ({sdl_error()})")
