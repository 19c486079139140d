"""The routines shipped in routines/: they load, fit their lengths, and keep the seeds' order and numbers.

The seeds are the texts in ../shared/seeds/ (000-002 gluteal work, 003 hip pain, 004 back massage).
"""

from __future__ import annotations

import re

import pytest

from kiosk.cli import main
from kiosk.paths import ROUTINES_DIR
from kiosk.routines.loader import load_routine
from kiosk.routines.plan import make_plan, reachable

MIN = 60.0
SHIPPED = sorted(ROUTINES_DIR.glob("*.yaml"))
FILES = [p.name for p in SHIPPED]
#: Words that mean a step touches the glutes: all of them must go when the client declines.
GLUTE_WORDS = re.compile(r"glute|piriformis|buttock", re.IGNORECASE)


def routine(file: str):
    return load_routine(ROUTINES_DIR / file)


def plan(file: str, length_s: float | None = None, skip: tuple[str, ...] = ()):
    return make_plan(routine(file), length_s, skip)


def step(p, name: str, side: str | None = None):
    """The one planned step called ``name`` (on ``side`` when given)."""
    found = [s for s in p.steps if s.name == name and (side is None or s.side == side)]
    assert len(found) == 1, f"expected one step {name!r} side={side}, found {len(found)}"
    return found[0]


def names(p, side: str | None = None, block: str | None = None) -> list[str]:
    return [s.name for s in p.steps if (side is None or s.side == side) and (block is None or s.block == block)]


def is_glute(s) -> bool:
    return bool(GLUTE_WORDS.search(" ".join((s.name, s.say, s.caution))))


def test_the_five_seed_routines_ship():
    assert FILES == [
        "back-massage.yaml", "full-body-60.yaml", "full-body-90.yaml", "gluteal-work.yaml", "hip-pain.yaml",
    ]


def test_kiosk_validate_says_every_shipped_routine_is_ok(capsys):
    assert main(["validate", str(ROUTINES_DIR)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    ok_lines = [line for line in out.splitlines() if ": ok" in line]
    assert sorted(line.split(": ok")[0].rsplit("/", 1)[-1] for line in ok_lines) == FILES


@pytest.mark.parametrize("file", FILES)
class TestEveryRoutine:
    def test_plans_to_exactly_its_own_length(self, file):
        r = routine(file)
        assert r.length_s is not None, "the picker shows a typical length for every routine"
        p = make_plan(r)
        assert p.total_s == pytest.approx(r.length_s, abs=1e-3)
        last = p.steps[-1]
        assert last.start_s + last.planned_s == pytest.approx(r.length_s, abs=1e-3)

    def test_every_step_says_what_to_do_in_one_short_line(self, file):
        for s in routine(file).walk():
            assert s.say.strip(), f"{s.name}: no instruction"
            assert len(s.say) <= 90, f"{s.name}: too long to read from 2 m ({len(s.say)} chars)"

    def test_every_step_has_a_note_for_students_not_about_sources(self, file):
        """Practice mode shows the note to students: what to feel for, why the timing matters."""
        for s in routine(file).walk():
            assert len(s.note) >= 60, f"{s.name}: a student needs more than {s.note!r}"
            assert not re.search(r"seed|our choice|our addition|\bours\b|standard practice|source",
                                 s.note, re.I), f"{s.name}: source notes belong in routines/README.md"

    def test_the_readme_says_where_every_step_comes_from(self, file):
        readme = (ROUTINES_DIR / "README.md").read_text()
        section = readme.split(f"### {file}\n", 1)[1].split("\n### ", 1)[0]
        rows = dict(re.findall(r"^\| ([^|]+?) \| (.+) \|$", section, re.M))
        for s in routine(file).walk():
            assert s.name in rows, f"{s.name}: no source line in routines/README.md"
            assert re.search(r"seed|our choice|our addition|ours|standard practice", rows[s.name], re.I), s.name

    def test_runs_hands_free_except_where_it_waits_for_the_therapist(self, file):
        for s in plan(file).steps:
            if s.kind == "reps":
                assert s.pace_s and s.auto, f"{s.name}: reps without a pace wait for the pedal"
            elif s.kind == "timed":
                assert s.auto
            else:
                assert s.planned_s > 0, f"{s.name}: a waiting step needs an estimate for the budget"

    def test_no_step_near_the_spine_goes_without_the_spine_caution(self, file):
        for s in routine(file).walk():
            if "spine" in s.say.lower():
                assert "spine" in s.caution.lower(), s.name

    def test_asks_consent_before_any_glute_work(self, file):
        steps = plan(file).steps
        first = next(i for i, s in enumerate(steps) if s.optional == "glutes")
        consent = steps[first]
        assert consent.kind == "manual" and "consent" in consent.name.lower()
        assert consent.say.startswith("Ask")
        assert not any(is_glute(s) for s in steps[:first])

    def test_declining_glute_work_leaves_no_glute_step(self, file):
        with_glutes = plan(file)
        without = make_plan(routine(file), None, ("glutes",), use_length=False)
        assert any(is_glute(s) for s in with_glutes.steps)
        assert not any(is_glute(s) for s in without.steps)
        assert all(s.optional is None for s in without.steps)

    def test_glute_skin_is_uncovered_one_side_at_a_time_after_draping(self, file):
        """Seed 002: "drape modestly with a sheet working just one side of the glutes at a time".

        Back massage works the upper buttocks only at the drape line (seed 004), so it has no drape step.
        """
        steps = plan(file).steps
        for i, s in enumerate(steps):
            if s.optional != "glutes" or s.kind != "timed":
                continue
            if file == "back-massage.yaml" or "over the sheet" in s.say:
                assert "drape" in (s.caution + s.say).lower() or "sheet" in s.say, s.name
                continue
            assert s.side in ("left", "right"), s.name
            j = i
            while steps[j - 1].optional == "glutes" and steps[j - 1].side == s.side:
                j -= 1
            assert "drape" in steps[j].name.lower() and steps[j].kind == "manual", s.name


PICKER_OPTIONS = (30, 60, 90)


@pytest.mark.parametrize(
    "file, offered, offered_without_glutes",
    [
        ("back-massage.yaml", {30}, {30}),
        ("gluteal-work.yaml", {30}, set()),
        ("hip-pain.yaml", {60, 90}, {60}),
        ("full-body-60.yaml", {60}, {60}),
        ("full-body-90.yaml", {90}, {60, 90}),
    ],
)
class TestPickerLengths:
    """The picker offers the routine's length and 30/60/90 min where the routine can reach them."""

    def test_reachable_picker_lengths(self, file, offered, offered_without_glutes):
        for skip, expected in (((), offered), (("glutes",), offered_without_glutes)):
            low, high = reachable(routine(file), skip)
            assert {m for m in PICKER_OPTIONS if low <= m * MIN <= high} == expected, skip

    def test_each_reachable_length_is_planned_to_that_length(self, file, offered, offered_without_glutes):
        for minutes in offered:
            p = plan(file, minutes * MIN)
            # A rep count is a whole number: the planner may land within one paced rep (15 s).
            assert abs(p.total_s - minutes * MIN) <= 15.0


class TestBackMassage:
    """Seed 004, steps 1-10."""

    FILE = "back-massage.yaml"
    SIDE = [
        "Sweeps beside the spine", "Thumbs down the side of the spine", "Fingertips along the spine",
        "Forearm by the shoulder blade", "Low back circles", "Upper buttocks",
    ]

    def test_steps_run_in_the_seed_order_left_side_then_right(self):
        assert names(plan(self.FILE)) == [
            "Consent for the upper buttocks", "Warm the lotion", "Light warm-up", *self.SIDE, *self.SIDE,
            "Neck, each side", "Base of the skull", "Closing sweeps", "Low back, a few minutes more",
            "Sweep to the base of the skull", "Scalp massage",
        ]
        p = plan(self.FILE)
        assert names(p, side="left") == self.SIDE and names(p, side="right") == self.SIDE
        assert step(p, "Sweeps beside the spine", "left").index < step(p, "Sweeps beside the spine", "right").index

    @pytest.mark.parametrize(
        "name, low_min, high_min",
        [("Light warm-up", 5, 6), ("Low back circles", 2, 3), ("Scalp massage", 1, 2)],
    )
    def test_keeps_the_seed_minutes(self, name, low_min, high_min):
        for s in plan(self.FILE).steps:
            if s.name == name:
                assert (s.min_s, s.max_s) == (low_min * MIN, high_min * MIN)

    @pytest.mark.parametrize("name", ["Sweeps beside the spine", "Fingertips along the spine", "Forearm by the shoulder blade"])
    @pytest.mark.parametrize("side", ["left", "right"])
    def test_keeps_the_seed_counts_of_three_to_four(self, name, side):
        s = step(plan(self.FILE), name, side)
        assert (s.reps_min, s.reps_max) == (3, 4)
        assert s.reps in (3, 4)

    def test_upper_buttocks_stay_just_below_the_waist(self):
        s = step(plan(self.FILE), "Upper buttocks", "left")
        assert "1-2 inches below the waist" in s.caution and "drape" in s.caution
        assert s.optional == "glutes"

    def test_half_an_hour_with_or_without_the_upper_buttocks(self):
        for skip in ((), ("glutes",)):
            p = plan(self.FILE, 30 * MIN, skip)
            assert p.total_s == pytest.approx(30 * MIN, abs=1e-3)
            assert 300 <= step(p, "Light warm-up").planned_s <= 360


class TestGlutealWork:
    """Seeds 000-002: effleurage, thumbs, forearms and elbows, then the layers from maximus to piriformis."""

    FILE = "gluteal-work.yaml"
    LAYERS = [
        "Drape this side", "Effleurage warm-up", "Thumb pressure", "Forearms and elbows",
        "Gluteus maximus", "Gluteus medius", "Gluteus minimus", "Piriformis and deep rotators",
    ]

    def test_layer_by_layer_on_one_side_then_the_other(self):
        p = plan(self.FILE)
        assert names(p, side="left") == self.LAYERS and names(p, side="right") == self.LAYERS
        assert max(s.index for s in p.steps if s.side == "left") < min(s.index for s in p.steps if s.side == "right")

    def test_consent_then_sides_then_cover(self):
        p = plan(self.FILE)
        unsided = [s.name for s in p.steps if s.side is None]
        assert unsided == ["Low back and quadratus lumborum", "Consent and draping", "Cover and finish"]
        assert p.steps[1].name == "Consent and draping" and p.steps[-1].name == "Cover and finish"

    def test_piriformis_warns_about_the_sciatic_nerve(self):
        for side in ("left", "right"):
            assert "sciatic" in step(plan(self.FILE), "Piriformis and deep rotators", side).caution

    def test_declined_leaves_only_the_low_back(self):
        p = make_plan(routine(self.FILE), None, ("glutes",), use_length=False)
        assert names(p) == ["Low back and quadratus lumborum"]


class TestHipPain:
    """Seed 003: consultation and assessment, four techniques, post-massage care."""

    FILE = "hip-pain.yaml"
    TECHNIQUES = ("Swedish", "Deep tissue", "Trigger points", "Myofascial release")

    def test_consultation_and_assessment_come_first_and_wait_for_the_therapist(self):
        first, second = plan(self.FILE).steps[:2]
        assert (first.name, second.name) == ("Consultation", "Assessment")
        assert first.kind == second.kind == "manual"
        assert first.planned_s == second.planned_s == 5 * MIN

    @pytest.mark.parametrize("area, side", [("low back", None), ("glute", "left"), ("glute", "right"),
                                            ("hip", "left"), ("hip", "right")])
    def test_each_area_gets_the_four_techniques_in_the_seed_order(self, area, side):
        p = plan(self.FILE)
        worked = [s.name for s in p.steps if s.side == side and area in s.name.lower()
                  and s.name.startswith(self.TECHNIQUES)]
        assert [next(t for t in self.TECHNIQUES if n.startswith(t)) for n in worked] == list(self.TECHNIQUES)

    def test_ends_with_post_massage_care(self):
        last = plan(self.FILE).steps[-1]
        assert last.name == "Post-massage care" and last.kind == "manual"
        for advice in ("water", "rest", "stretches", "follow-up"):
            assert advice in last.say

    def test_an_hour_still_fits_when_glutes_are_declined(self):
        p = plan(self.FILE, 60 * MIN, ("glutes",))
        assert p.total_s == pytest.approx(60 * MIN, abs=1e-3)
        assert [s.name for s in p.steps[:2]] == ["Consultation", "Assessment"]


@pytest.mark.parametrize("file, minutes", [("full-body-60.yaml", 60), ("full-body-90.yaml", 90)])
class TestFullBody:
    """Seed 000's 60 and 90 minute sessions, built from the techniques of seeds 001-004."""

    def test_its_length_is_the_one_in_its_name_with_or_without_glutes(self, file, minutes):
        assert routine(file).length_s == minutes * MIN
        for skip in ((), ("glutes",)):
            assert plan(file, minutes * MIN, skip).total_s == pytest.approx(minutes * MIN, abs=1e-3)

    def test_face_down_work_then_turn_then_face_up_work(self, file, minutes):
        p = plan(file)
        turn = step(p, "Turn face up").index
        face_down = ("Light warm-up", "Sweeps beside the spine", "Low back circles", "Back of the leg", "Glute effleurage")
        face_up = ("Front of the leg", "Foot", "Arm", "Hand", "Scalp massage", "Aftercare")
        assert all(s.index < turn for s in p.steps if s.name in face_down)
        assert all(s.index > turn for s in p.steps if s.name in face_up)
        assert p.steps[0].name == "Check in" and p.steps[-1].name == "Aftercare"

    def test_keeps_seed_004_numbers_for_the_back_and_scalp(self, file, minutes):
        p = plan(file)
        assert (step(p, "Light warm-up").min_s, step(p, "Light warm-up").max_s) == (5 * MIN, 6 * MIN)
        assert (step(p, "Scalp massage").min_s, step(p, "Scalp massage").max_s) == (1 * MIN, 2 * MIN)
        for side in ("left", "right"):
            s = step(p, "Sweeps beside the spine", side)
            assert (s.reps_min, s.reps_max) == (3, 4)

    def test_glutes_are_worked_with_the_back_of_the_leg_on_each_side(self, file, minutes):
        """Seed 001: "I'll work the glutes as I'm doing the back of the leg"."""
        p = plan(file)
        for side in ("left", "right"):
            leg = step(p, "Back of the leg", side)
            after = p.steps[leg.index + 1]
            assert after.side == side and after.optional == "glutes" and "drape" in after.name.lower()
