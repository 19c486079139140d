"""Times of day, dates and the session screen's words in the kiosk's language; durations stay m:ss."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

import pytest

from kiosk import i18n
from kiosk.ui import readout

AT = datetime(2026, 12, 2, 15, 5)


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.use("en")


@pytest.mark.parametrize("lang, own, twelve, twenty_four", [
    ("en", "3:05 PM", "3:05 PM", "15:05"),
    ("en-GB", "15:05", "3:05 pm", "15:05"),
    ("es", "15:05", "3:05 p. m.", "15:05"),
    ("fr", "15:05", "3:05 PM", "15:05"),
    ("fr-CA", "15 h 05", "3 h 05 p.m.", "15 h 05"),
])
def test_the_time_of_day_is_written_as_the_language_writes_it(lang, own, twelve, twenty_four):
    """``clock:`` 12 or 24 picks the clock; without it the language's own way (CLDR) is kept."""
    i18n.use(lang)
    assert (readout.time_of_day(AT), readout.time_of_day(AT, 12), readout.time_of_day(AT, 24)) == \
        (own, twelve, twenty_four)


def test_no_narrow_space_reaches_the_screen():
    """CLDR writes U+202F before PM; the screen's font may not have it, so a plain space is used."""
    i18n.use("en")
    assert "\u202f" not in readout.time_of_day(AT, 12)


@pytest.mark.parametrize("room, lang, system, expected", [
    (12, "es", "es", 12), (24, "en", "en", 24),        # the room's clock: always
    (None, "fr", "en", None),                          # another language than the system's: its own way
])
def test_which_clock_the_screen_uses(room, lang, system, expected):
    assert readout.clock_hours(room, lang, system) == expected


def test_the_system_s_own_clock_serves_its_own_language(monkeypatch):
    monkeypatch.setattr(readout, "locale_hours", lambda: 24)
    assert readout.clock_hours(None, "en-US", "en-GB") == 24


def snap(**kw):
    base = dict(state="running", step=None, kind="timed", waiting=False, step_remaining_s=125.0, step_elapsed_s=0.0,
                step_planned_s=0.0, min_reached=False, max_reached=False, name="Effleurage", side="left", rep=None,
                next_name="Kneading", next_index=1)
    base.update(kw)
    return SimpleNamespace(**base)


@pytest.mark.parametrize("lang, caption, nxt, budget", [
    ("en", "remaining", "Next: Kneading (right)", "1:20 behind"),
    ("es", "restante", "Sigue: Kneading (derecho)", "1:20 de retraso"),
    ("fr", "restant", "Ensuite : Kneading (droit)", "1:20 de retard"),
])
def test_the_session_screen_speaks_the_language_and_keeps_its_digits(lang, caption, nxt, budget):
    i18n.use(lang)
    steps = [SimpleNamespace(side="left"), SimpleNamespace(side="right")]
    digits, said, _colour = readout.big_readout(snap())
    assert digits == "2:05"                      # durations stay digits and a colon in every language
    assert said == caption
    assert readout.next_label(snap(), steps) == nxt
    assert readout.offset_words(80) == budget
    assert readout.offset_words(0.2) == {"en": "on time", "es": "a tiempo", "fr": "à l’heure"}[lang]


def test_english_words_are_as_they_were():
    """The msgids are the English the screens always showed: English needs no catalogue."""
    i18n.use("en")
    waiting = snap(waiting=True, step_remaining_s=None, step_elapsed_s=40.0, step_planned_s=30.0,
                   step=SimpleNamespace(kind="manual", paced=False))
    assert readout.big_readout(waiting)[1] == "elapsed · past the estimate of 0:30 · tap when done"
    assert readout.pause_line(waiting) == "Effleurage (left)  ·  0:40 elapsed  ·  past the estimate of 0:30"
    timed = SimpleNamespace(kind="timed", paced=False)
    assert readout.pause_line(snap(step=timed, min_reached=True)) == "Effleurage (left)  ·  2:05 remaining"
    assert readout.window_text(SimpleNamespace(kind="timed", min_s=300, max_s=360)) == "window 5-6 min"
    assert readout.step_count(1) == "1 step"


def test_a_routine_s_own_rep_word_is_kept_in_its_language():
    i18n.use("es")
    step = SimpleNamespace(rep_name="barrido", reps_min=3, reps_max=4)
    assert readout.rep_label(snap(kind="reps", step=step, rep=2)) == "barrido 2 de 3-4"
    assert readout.rep_label(snap(kind="reps", step=step, rep=None)) == "barrido: 3-4"
    plain = SimpleNamespace(rep_name=None, reps_min=3, reps_max=4)
    assert readout.rep_label(snap(kind="reps", step=plain, rep=None)) == "3-4 reps."


@pytest.mark.parametrize("lang, hours, expected", [
    ("en", 24, "15:05:27"), ("en", 12, "3:05:27 PM"), ("es", None, "15:05:27"), ("es", 12, "3:05:27 p. m."),
])
def test_the_pedal_test_stamps_each_press_on_the_same_clock(lang, hours, expected):
    i18n.use(lang)
    assert readout.time_of_day(AT.replace(second=27), hours, seconds=True) == expected
