"""The dim-room palette: dark, warm, low glare, high contrast, nothing pure white."""

from __future__ import annotations

from kivy.utils import get_color_from_hex, get_hex_from_color


def _rgba(hex_code: str, alpha: float = 1.0) -> tuple[float, float, float, float]:
    r, g, b, _ = get_color_from_hex(hex_code)
    return (r, g, b, alpha)


def markup_hex(colour) -> str:
    """``#rrggbb`` of a palette colour, for ``[color=...]`` in Kivy markup (its alpha left out)."""
    return get_hex_from_color(colour[:3])


BG = _rgba("#15110e")            # near-black, warm
PANEL = _rgba("#241d18")         # tiles, bars
PANEL_HI = _rgba("#34291f")      # selected tile, pressed button
LINE = _rgba("#4a3c30")
TEXT = _rgba("#eadbc4")          # warm off-white: the brightest thing on screen
TEXT_DIM = _rgba("#a8957c")
TEXT_FAINT = _rgba("#6f604f")
ACCENT = _rgba("#d8a25e")        # amber: progress, highlights
ACCENT_DIM = _rgba("#8a6436")
CAUTION_BG = _rgba("#5b3514")
CAUTION_TEXT = _rgba("#f4d3a1")
LATE = _rgba("#d9835b")          # running over
EARLY = _rgba("#8fb2a6")         # ending early / short of the window
GOOD = _rgba("#a9b980")          # within the window
LEFT = _rgba("#9fb4cf")
RIGHT = _rgba("#d6a7b6")
OVERLAY = _rgba("#0b0908", 0.88)
FLASH = _rgba("#d8a25e", 0.35)
