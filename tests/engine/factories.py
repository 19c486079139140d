"""Routines built in Python, and hypothesis strategies for random routines and press scripts."""

from __future__ import annotations

from hypothesis import strategies as st

from kiosk.routines.model import Block, Count, Routine, Step, Window


def timed(name: str, low: float, high: float | None = None, **kw) -> Step:
    return Step(name, "timed", time=Window(float(low), float(low if high is None else high)), **kw)


def reps(name: str, low: int, high: int | None = None, *, pace: float | None = None,
         estimate: float | None = None, **kw) -> Step:
    return Step(name, "reps", reps=Count(low, low if high is None else high), pace_s=pace,
                estimate_s=estimate, **kw)


def manual(name: str, estimate: float | None = None, **kw) -> Step:
    return Step(name, "manual", estimate_s=estimate, **kw)


def block(name: str, *items, sides=(), repeat: int = 1, optional: str | None = None) -> Block:
    return Block(name, tuple(items), sides=tuple(sides), repeat=repeat, optional=optional)


def routine(*items, pace: str = "auto", warning: float = 15.0, length: float | None = None,
            name: str = "Test routine") -> Routine:
    return Routine(name=name, steps=tuple(items), pace=pace, warning_s=warning, length_s=length)


#: The worked example of issue 3.
WORKED = routine(
    timed("Opening", 60), timed("Back", 120, 240), timed("Legs", 120, 240), timed("Arms", 60, 180),
    timed("Closing", 30), name="Worked example",
)

# --- hypothesis --------------------------------------------------------------------------------

_seconds = st.integers(min_value=1, max_value=600).map(float)


@st.composite
def window_steps(draw, name: str) -> Step:
    """A timed step: fixed or a window, whole seconds."""
    low = draw(_seconds)
    high = low + draw(st.sampled_from([0.0, 0.0, 30.0, 60.0, 120.0, 300.0]))
    return timed(name, low, high)


@st.composite
def any_steps(draw, name: str) -> Step:
    """Any kind of step: timed, paced reps, unpaced reps, manual, with or without an estimate."""
    kind = draw(st.sampled_from(["timed", "timed", "timed", "paced", "reps", "manual"]))
    if kind == "timed":
        return draw(window_steps(name))
    if kind == "paced":
        low = draw(st.integers(1, 5))
        return reps(name, low, low + draw(st.integers(0, 3)), pace=float(draw(st.integers(2, 20))))
    estimate = draw(st.one_of(st.none(), _seconds))
    if kind == "reps":
        low = draw(st.integers(1, 5))
        return reps(name, low, low + draw(st.integers(0, 3)), estimate=estimate)
    return manual(name, estimate)


@st.composite
def routines(draw, step_strategy=any_steps, max_steps: int = 8) -> Routine:
    """A routine of a few steps, some of them in a block run once per side."""
    count = draw(st.integers(1, max_steps))
    items = [draw(step_strategy(f"S{i}")) for i in range(count)]
    if count >= 2 and draw(st.booleans()):
        cut = draw(st.integers(0, count - 1))
        items = items[:cut] + [block("Each side", *items[cut:cut + 2], sides=("left", "right"))] + items[cut + 2:]
    pace = draw(st.sampled_from(["auto", "auto", "manual"]))
    warning = float(draw(st.sampled_from([0, 5, 15])))
    return routine(*items, pace=pace, warning=warning)


press_scripts = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=4000).map(lambda t: t / 2),
        st.sampled_from(["advance", "advance", "back", "pause", "resume", "toggle_pause", "extend"]),
    ),
    max_size=12,
)
