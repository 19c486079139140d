"""A routine of one step says "1 step" on its picker tile, not "1 steps"."""

from __future__ import annotations

from kiosk.routines.loader import load_routine_text


def test_one_step_is_singular_and_two_are_plural():
    from kiosk.ui.screens import tile_text

    one = load_routine_text("version: 1\nname: Quick\nsteps:\n  - {name: A, time: 1m}\n")
    two = load_routine_text("version: 1\nname: Pair\nsteps:\n  - {name: A, time: 1m}\n  - {name: B, time: 1m}\n")
    assert "· 1 step[/color]" in tile_text(one)
    assert "· 2 steps[/color]" in tile_text(two)
