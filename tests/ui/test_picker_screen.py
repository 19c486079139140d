"""The routine picker driven by a pedal and by touch: the highlight stays on screen and follows touch."""

from __future__ import annotations

import pytest

from kiosk.paths import ROUTINES_DIR
from tests.ui.conftest import DATA

pytestmark = pytest.mark.ui

PAGE_UP = (280, 75)  # Kivy key code, SDL scancode


def page_up(d):
    d.window.dispatch("on_key_down", *PAGE_UP, None, [])
    d.window.dispatch("on_key_up", *PAGE_UP)
    d.frames(4)


def tiles(d):
    return list(reversed(d.ids("picker").tiles.children))


def on_screen(d, tile) -> bool:
    scroll = tile.parent.parent                     # the ScrollView around the grid of tiles
    _, sy = scroll.to_window(scroll.x, scroll.y)
    _, ty = tile.to_window(tile.x, tile.y)
    return ty >= sy - 1 and ty + tile.height <= sy + scroll.height + 1


@pytest.mark.parametrize("size", [(800, 480), (1024, 600)])
def test_page_up_never_highlights_a_tile_off_screen(kiosk, size):
    d = kiosk(routines=(ROUTINES_DIR, DATA / "good"), size=size)
    grid = d.ids("picker").tiles
    assert grid.height > grid.parent.height, "the list must be longer than the screen"
    for _ in range(len(tiles(d)) + 1):
        page_up(d)                                  # wraps from the first tile to the last
        picker = d.app.sm.get_screen("picker")
        tile = tiles(d)[picker.highlighted]
        assert tile.selected
        assert on_screen(d, tile), f"tile {picker.highlighted} is highlighted but off screen"


def test_a_touch_moves_the_highlight(kiosk):
    d = kiosk(routines=(ROUTINES_DIR, DATA / "good"))
    second = tiles(d)[1]
    d.tap(second)
    chosen = d.app.routine_title
    assert d.screen == "ready"
    assert d.app.sm.get_screen("picker").highlighted == 1 and second.selected
    d.app.to_picker()
    d.frames()
    d.key("space")                                  # the pedal opens the touched routine, not the first
    assert d.screen == "ready" and d.app.routine_title == chosen


def test_tiles_line_up_in_rows(kiosk):
    d = kiosk(routines=(ROUTINES_DIR, DATA / "good"), size=(1024, 600))
    row = {}
    for tile in tiles(d):
        row.setdefault(round(tile.top), []).append(tile)
    assert len(row) >= 2
    heights = {round(t.height) for t in tiles(d)}
    assert len(heights) == 1, heights
    for same in row.values():
        assert len({round(t.y) for t in same}) == 1


@pytest.mark.parametrize("size", [(800, 480), (1280, 720)])
def test_a_start_up_notice_leaves_the_title_readable(kiosk, size):
    from kiosk.inputs.footswitch import NO_GPIO_NOTICE

    d = kiosk(size=size)
    d.app.show_notice(NO_GPIO_NOTICE)
    d.frames(4)
    notice = d.app.root.ids.notice
    assert notice.opacity == 1 and notice.text == NO_GPIO_NOTICE
    title = next(w for w in d.app.sm.get_screen("picker").walk() if "Choose a routine" in getattr(w, "text", ""))
    _, title_y = title.to_window(title.x, title.y)
    _, notice_y = notice.to_window(notice.x, notice.y)
    assert title_y + title.height <= notice_y + 1, "the notice covers the title"
