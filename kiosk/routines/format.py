"""The routine format in one place: every key, the kind of value it takes, and the limits.

The loader checks files against these tables and ``kiosk schema routine`` writes the editors' JSON
Schema from them (:mod:`kiosk.routines.schema`), so a key or limit changed here changes both.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.audio.cues import CUES
from kiosk.routines.durations import fmt_human
from kiosk.routines.model import DEFAULT_WARNING_S, SIDES

VERSION = "1"
#: YAML nesting allowed; a block inside a block inside a block still fits comfortably.
MAX_DEPTH = 16
#: Blocks inside blocks that MAX_DEPTH leaves room for (each takes a mapping and a list).
MAX_BLOCKS = (MAX_DEPTH - 3) // 2
#: Steps after blocks are expanded (sides x repeat); a 90-minute routine has well under 100.
MAX_STEPS = 500
MAX_SECONDS = 24 * 3600.0
MAX_NAME = 120
MAX_TEXT = 1000
#: A caution is a banner above the instruction: a longer one covered the screen and hid ``say``.
MAX_CAUTION = 200
MAX_NOTE = 5000
MAX_WORD = 40
MAX_SOUND_PATH = 200

PACES = ("auto", "manual")
#: The one value of ``until``: the step waits for the therapist.
UNTIL = "advance"
#: An optional tag: one word of letters, digits, - and _.
WORD = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"
#: A sound is one of the shipped cue names or a WAV file relative to the routine file.
SOUND_CUES = CUES
SOUND_SUFFIX = ".wav"


@dataclass(frozen=True)
class Key:
    """One key of a mapping in a routine file.

    ``value`` names the kind of value (one of :data:`VALUES`); ``default`` is what a file gets
    without the key, as written in a file; ``missing`` is the hint shown when a required key is absent.
    """

    name: str
    value: str
    doc: str = ""
    required: bool = False
    default: str | int | None = None
    missing: str = ""


#: The kinds of value a key takes, and what each is.
VALUES = {
    "version": f"Always {VERSION}.",
    "name": f"A name, up to {MAX_NAME} characters.",
    "text": f"A line of text, up to {MAX_TEXT} characters.",
    "caution": f"A short warning, up to {MAX_CAUTION} characters.",
    "note": f"A paragraph, up to {MAX_NOTE} characters.",
    "word": f"One word, up to {MAX_WORD} characters.",
    "bool": "true or false (yes / no and on / off also read).",
    "language": "A BCP 47 language tag: es, fr-CA, pt-BR, zh-Hant, he, ar, hi.",
    "pace": " or ".join(PACES) + ".",
    "duration": "A length of time with a unit: 90s, 5m, 1m30s, 1h, or a clock 1:30.",
    "window": "A fixed duration or a window low-high; the unit may be written once at the end (5-6m, 2-3 min,"
              " 1:30-2:00).",
    "count": "A whole number (3) or a count window (3-4).",
    "until": f"Always {UNTIL}.",
    "sound": "A cue name (" + ", ".join(SOUND_CUES) + f") or a {SOUND_SUFFIX} file relative to the routine file.",
    "side": " or ".join(SIDES) + ".",
    "sides": "A list of sides, each once: [left, right].",
    "repeat": "A whole number, 1 or more.",
    "tag": "A session may leave out steps and blocks with this tag (kiosk plan --skip TAG): one word of"
           " letters, digits, - and _.",
    "items": "Steps and blocks, in the order they run.",
}

_NAME_HINT = "add {}: with a short name"
_STEPS_HINT = "add steps: with a list of steps under it"

#: The keys at the top of a routine file.
TOP = (
    Key("version", "version", f"Format version; always {VERSION}.", required=True,
        missing=f'add "version: {VERSION}" at the top of the file'),
    Key("name", "name", "Shown on the routine picker and the session screen.", required=True,
        missing=_NAME_HINT.format("name")),
    Key("summary", "text", "One line shown on the routine picker."),
    Key("length", "duration", "Default target length of a session; the planner fits every window to it."),
    Key("pace", "pace", "auto: a timed step ends at its planned time and the next starts. "
                        "manual: timed steps wait for the therapist.", default=PACES[0]),
    Key("warning", "duration", "Heads-up before an auto step ends.", default=fmt_human(DEFAULT_WARNING_S)),
    Key("speak", "bool", "Read instructions aloud."),
    Key("language", "language", "The language the routine is written in: its spoken prompts use an espeak-ng "
                                "voice for it. Default: the room's language."),
    Key("steps", "items", required=True, missing=_STEPS_HINT),
)

#: The keys of a step: one thing the therapist does.
STEP = (
    Key("name", "name", required=True, missing=_NAME_HINT.format("name")),
    Key("time", "window", "Fixed (90s, 5m, 1m30s, 1:30) or a window (5-6m, 2-3 min, 1:30-2:00)."),
    Key("reps", "count", "A count (3) or a count window (3-4)."),
    Key("until", "until", "Untimed: waits for the therapist."),
    Key("pace", "duration", "Reps steps only: one rep every this long, with a soft tick."),
    Key("estimate", "duration", "Untimed steps and reps without pace: how long to budget."),
    Key("rep_name", "word", 'Reps steps only: what one rep is called on screen (rep_name: sweep shows '
                            '"sweep 2 of 3-4").'),
    Key("say", "text", "Instruction, shown large."),
    Key("caution", "caution", "Warning banner."),
    Key("note", "note", "Longer explanation, shown in practice mode."),
    Key("sound", "sound"),
    Key("side", "side"),
    Key("optional", "tag"),
)

#: The keys of a block: a group of steps run once per side and/or several times.
BLOCK = (
    Key("block", "name", required=True, missing=_NAME_HINT.format("block")),
    Key("steps", "items", required=True, missing=_STEPS_HINT),
    Key("sides", "sides", "Run the block once per side, with a side-switch cue between."),
    Key("repeat", "repeat", "Run the block this many times.", default=1),
    Key("optional", "tag"),
)

#: A step has exactly one of these: it is timed, counted in reps, or waits for the therapist.
KIND_KEYS = ("time", "reps", "until")
#: Step keys that only go with another key.
NEEDS = {"pace": "reps", "rep_name": "reps"}
#: Step keys that never go with any of some others.
EXCLUDES = {"estimate": ("time", "pace")}


def names(table: tuple[Key, ...]) -> tuple[str, ...]:
    """The key names of ``table``, in order."""
    return tuple(key.name for key in table)


def key(table: tuple[Key, ...], name: str) -> Key:
    """The key called ``name`` in ``table``."""
    return next(k for k in table if k.name == name)
