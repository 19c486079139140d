"""Nothing a routine file holds may crash the kiosk.

Random routine files are written as YAML and loaded as the kiosk loads them; every one that
validates is picked on the kiosk's controller, planned at several lengths with random parts left
out (all of them too), and run to its end on a fake clock with random presses.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.controller import Controller, Library, length_choices
from kiosk.engine.clock import FakeClock
from kiosk.errors import RoutineError
from kiosk.routines.loader import load_routine_text
from kiosk.routines.plan import optional_tags, reachable

#: Thousands of routines in all (each planned at several lengths and run), in a few tens of seconds.
SETTINGS = settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TAGS = ("glutes", "hips", "neck")
ACTIONS = ("advance", "advance", "advance", "back", "toggle_pause", "extend", "leave_out", "wait")


@st.composite
def step_lines(draw, indent: str, n: int) -> list[str]:
    """One step of any kind, as a routine file writes it."""
    kind = draw(st.sampled_from(["timed", "timed", "paced", "reps", "until"]))
    lines = [f"{indent}- name: Step {n}"]
    if kind == "timed":
        low = draw(st.integers(5, 600))
        high = low + draw(st.sampled_from([0, 0, 30, 60, 300]))
        lines.append(f"{indent}  time: {low}s" + (f"-{high}s" if high > low else ""))
    elif kind in ("paced", "reps"):
        low = draw(st.integers(1, 6))
        high = low + draw(st.integers(0, 3))
        lines.append(f"{indent}  reps: {low}" + (f"-{high}" if high > low else ""))
        if kind == "paced":
            lines.append(f"{indent}  pace: {draw(st.integers(2, 30))}s")
        elif draw(st.booleans()):
            lines.append(f"{indent}  estimate: {draw(st.integers(5, 300))}s")
    else:
        lines.append(f"{indent}  until: advance")
        if draw(st.booleans()):
            lines.append(f"{indent}  estimate: {draw(st.integers(5, 600))}s")
    if draw(st.integers(0, 3)) == 0:
        lines.append(f"{indent}  optional: {draw(st.sampled_from(TAGS))}")
    return lines


@st.composite
def routine_files(draw) -> str:
    """A routine file: steps and blocks (with sides, repeats, optional tags), maybe a length."""
    lines = ["version: 1", "name: Random routine"]
    if draw(st.integers(0, 3)) == 0:  # most lengths drawn blind are out of reach: the loader's part
        lines.append(f"length: {draw(st.integers(1, 120))}m")
    lines.append("steps:")
    n = 0
    for _ in range(draw(st.integers(1, 6))):
        if draw(st.integers(0, 3)) == 0:
            lines.append(f"  - block: Block {n}")
            if draw(st.booleans()):
                lines.append("    sides: [left, right]")
            if draw(st.integers(0, 3)) == 0:
                lines.append(f"    repeat: {draw(st.integers(2, 3))}")
            if draw(st.integers(0, 2)) == 0:
                lines.append(f"    optional: {draw(st.sampled_from(TAGS))}")
            lines.append("    steps:")
            for _ in range(draw(st.integers(1, 3))):
                lines += draw(step_lines("      ", n))
                n += 1
        else:
            lines += draw(step_lines("  ", n))
            n += 1
    return "\n".join(lines) + "\n"


def run_to_the_end(controller: Controller, clock: FakeClock, presses: list[tuple[str, float]]) -> None:
    """Start, press as scripted, then tap every few seconds until the session is over."""
    controller.act("advance", clock.now())
    assert controller.state == "running"
    for action, wait in presses:
        clock.advance(wait)
        controller.tick()
        session = controller.session
        if action == "leave_out":
            tags = session.tags_ahead()
            if tags:
                controller.leave_out(tags[int(wait) % len(tags)])
        elif action != "wait":
            controller.act(action)
        controller.snapshot()
        if controller.state == "finished":
            return
    for _ in range(10_000):
        clock.advance(2.0)
        controller.tick()
        controller.snapshot()
        if controller.state == "finished":
            return
        controller.act("advance")
    raise AssertionError("the session never finished")


@SETTINGS
@given(
    routine_files(),
    st.lists(st.tuples(st.sampled_from(ACTIONS), st.floats(0.0, 400.0)), max_size=12),
    st.randoms(use_true_random=False),
)
def test_a_routine_that_validates_never_crashes_the_kiosk(text, presses, rnd):
    try:
        routine = load_routine_text(text, "random.yaml")
    except RoutineError:
        return  # the kiosk lists it under "files with problems"; tested below
    clock = FakeClock(1000.0)
    controller = Controller(clock)
    controller.choose(routine)  # a tile that loaded always opens
    tags = list(optional_tags(routine))
    low, high = reachable(routine)
    lengths = [None, low, high, (low + high) / 2, *length_choices(routine)]
    for length in lengths:
        skip = rnd.sample(tags, rnd.randint(0, len(tags))) if tags else []
        before = controller.plan
        problem = controller.replan(length, skip)
        if problem:  # nothing left to run: refused in words, the plan before stays
            assert "nothing to run" in problem and controller.plan is before
        else:
            assert controller.plan.skipped == tuple(dict.fromkeys(skip))
    if tags:  # every part left out at once: planned, or refused in words with the plan kept
        problem = controller.replan(None, tags)
        assert problem == "" or "nothing to run" in problem
        assert controller.plan.steps and controller.state == "ready"
    run_to_the_end(controller, clock, presses)
    controller.clear()
    controller.choose(routine)
    run_to_the_end(controller, clock, [])


class TestLeavingOut:
    ALL_OPTIONAL = load_routine_text(
        "version: 1\nname: All optional\nsteps:\n"
        "  - {name: Glutes, time: 2m, optional: glutes}\n  - {name: Hips, time: 1m, optional: hips}\n"
    )

    def test_leaving_out_every_part_is_refused_in_words_and_the_plan_stays(self):
        controller = Controller(FakeClock(0.0))
        controller.choose(self.ALL_OPTIONAL)
        assert controller.replan(skip=["glutes"]) == ""
        assert [s.name for s in controller.plan.steps] == ["Hips"]
        problem = controller.replan(skip=["glutes", "hips"])
        assert "nothing to run" in problem
        assert [s.name for s in controller.plan.steps] == ["Hips"] and controller.state == "ready"

    def test_a_booked_length_out_of_reach_after_leaving_out_moves_to_the_nearest(self):
        controller = Controller(FakeClock(0.0))
        routine = load_routine_text(
            "version: 1\nname: R\nlength: 5m\nsteps:\n  - {name: A, time: 2-3m}\n"
            "  - {name: B, time: 2-3m, optional: b}\n"
        )
        controller.choose(routine)
        assert controller.replan(skip=["b"]) == ""
        assert controller.plan.total_s == 180.0


def test_a_length_out_of_reach_is_listed_with_the_files_with_problems(tmp_path):
    (tmp_path / "good.yaml").write_text("version: 1\nname: Good\nsteps:\n  - {name: A, time: 1m}\n")
    (tmp_path / "far.yaml").write_text("version: 1\nname: Far\nlength: 45m\nsteps:\n  - {name: A, time: 5-6m}\n")
    library = Library.load([tmp_path])
    assert [r.name for r in library.routines] == ["Good"]
    assert [line.split(": error: ")[0] for line in library.error_lines()] == [f"{tmp_path / 'far.yaml'}:3:9"]
    assert "from 5:00 to 6:00" in library.error_lines()[0]
