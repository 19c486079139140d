"""Text made ahead of time looks exactly like text rendered on the spot, and is there when needed.

The big digits are drawn a character at a time and the step's labels swap in textures rendered
before the step began; either would show as a shifted digit, a clipped edge or a stale word if
it drew differently from Kivy's own Label. The screenshots compare the whole screen drawn both
ways in the same run, at the smallest and a large supported size.
"""

from __future__ import annotations

import pytest

from tests.ui.conftest import DATA

pytestmark = pytest.mark.ui

SHORT = DATA / "good" / "short.yaml"


def pixels(texture) -> list[bytes]:
    """The texture's rows of RGBA, with colour zeroed where nothing is drawn (alpha 0)."""
    data, w = texture.pixels, texture.width
    rows = []
    for y in range(texture.height):
        row = bytearray(data[y * w * 4:(y + 1) * w * 4])
        for x in range(w):
            if row[x * 4 + 3] == 0:
                row[x * 4:x * 4 + 3] = b"\0\0\0"
        rows.append(bytes(row))
    return rows


def composed(digits) -> list[bytes]:
    """What the digits widget draws, as one image: each character's texture at its offset."""
    width, height = digits.texture_size
    rows = [bytearray(width * 4) for _ in range(height)]
    for texture, x in digits._pieces:
        for y, row in enumerate(pixels(texture)):
            rows[y][x * 4:x * 4 + len(row)] = row
    return [bytes(r) for r in rows]


def rendered(label, text):
    """The texture Kivy's Label would make for ``text`` with ``label``'s options."""
    from kivy.core.text import Label as CoreLabel

    from kiosk.ui.textures import core_args

    core = CoreLabel(**core_args(label, text))
    core.refresh()
    return core.texture


def settle(d) -> None:
    """Up to the big clock's next second: the refresh after a step showed renders the next one ahead."""
    d.wait(1.0, step=0.25)


def start(kiosk, size=(800, 480)):
    d = kiosk(routine=SHORT, size=size)
    d.app.begin()
    d.frames(2)
    assert d.screen == "session"
    return d


def until_step(d, name: str) -> None:
    """Run session time on, half a second a frame, up to the first frame that shows step ``name``."""
    for _ in range(200):
        if d.app.step_name == name:
            return
        d.clock.advance(0.5)
        d.frames(1)
    raise AssertionError(f"{name} never began (at {d.app.step_name})")


@pytest.mark.parametrize("size", [(800, 480), (1280, 720)], ids=["800x480", "1280x720"])
def test_the_big_digits_read_the_time_left_as_a_label_would_draw_it(kiosk, size):
    d = start(kiosk, size)
    digits = d.ids("session").digits
    seen = set()
    for _ in range(4):
        d.wait(1)
        text = digits.text
        seen.add(text)
        assert digits.texture is None and len(digits._pieces) == len(text)  # drawn from glyphs
        whole = rendered(digits, text)
        assert list(digits.texture_size) == list(whole.size)
        assert composed(digits) == pixels(whole), text
    assert len(seen) == 4


def test_the_digits_fall_back_to_the_whole_string_for_other_text(kiosk):
    d = start(kiosk)
    digits = d.ids("session").digits
    digits.text = "done"
    d.frames(2)
    assert digits.texture is not None and digits._pieces == [(digits.texture, 0)]
    assert list(digits.texture_size) == list(digits.texture.size)


def test_a_new_second_changes_only_the_characters_that_changed(kiosk):
    d = start(kiosk)
    digits = d.ids("session").digits
    d.wait(1)
    before_text, before = digits.text, [r.texture for r in digits._rects]
    d.wait(1)
    after_text, after = digits.text, [r.texture for r in digits._rects]
    assert before_text != after_text and len(before_text) == len(after_text)
    for i, (a, b) in enumerate(zip(before_text, after_text)):
        assert (before[i] is after[i]) == (a == b), (before_text, after_text, i)


def test_the_next_steps_words_are_ready_before_it_begins_and_shown_in_its_first_frame(kiosk):
    d = start(kiosk)
    settle(d)
    ids = d.ids("session")
    made = {name: [core.texture for core in ids[name].made(text)] for name, text in
            (("step_name", "Sweeps"), ("side", "LEFT"), ("say", "Sweep beside the spine."),
             ("step_of", "Step 2 of 4"))}
    assert all(made.values()), made
    assert d.app.step_name == "Warm-up"  # rendered ahead without showing: the screen still says Warm-up
    assert ids.step_name.texture not in made["step_name"]
    until_step(d, "Sweeps")  # the frame in which the engine started the step
    for name, textures in made.items():
        assert any(ids[name].texture is t for t in textures), name  # swapped in, not rendered again
    for name in ("step_name", "side", "say", "step_of", "next"):
        label = ids[name]
        assert pixels(label.texture) == pixels(rendered(label, label.text)), name
    settle(d)
    assert ids.side.made("RIGHT")  # and the step after it, once this one is on screen


def test_the_rehearsal_leaves_what_the_screen_says_unchanged(kiosk):
    d = start(kiosk)
    app, screen = d.app, d.app.sm.get_screen("session")
    before = {k: getattr(app, k) for k in ("step_name", "step_of", "say", "caution", "next_text", "big_text")}
    texts = {name: label.text for name, label in screen.ids.items() if hasattr(label, "made")}
    assert screen.ahead.run(app)
    assert {k: getattr(app, k) for k in before} == before
    assert {name: screen.ids[name].text for name in texts} == texts
    d.frames(2)
    for name in ("step_name", "say", "caution"):
        label = screen.ids[name]
        assert pixels(label.texture) == pixels(rendered(label, label.text)), name


def test_a_text_made_at_another_size_is_rendered_again(kiosk):
    d = start(kiosk)
    settle(d)
    name = d.ids("session").step_name
    assert name.made("Sweeps")
    d.resize((1280, 720))  # the font grows: the texture made at 800x480 is the wrong size
    until_step(d, "Sweeps")
    d.frames(1)
    assert pixels(name.texture) == pixels(rendered(name, "Sweeps"))


def screenshot_both_ways(d, name):
    """The screen as drawn now, and drawn again with every label the plain Label way."""
    from PIL import Image

    from kiosk.ui import textures

    screen = d.app.sm.get_screen("session")
    ours = Image.open(d.screenshot(f"{name}-prerendered")).convert("RGB")
    textures.ENABLED = False
    try:
        for widget in screen.ids.values():
            if hasattr(widget, "made") or hasattr(widget, "warm"):
                widget.texture_update()
        plain = Image.open(d.screenshot(f"{name}-plain")).convert("RGB")
    finally:
        textures.ENABLED = True
        for widget in screen.ids.values():
            if hasattr(widget, "made") or hasattr(widget, "warm"):
                widget.texture_update()
    return ours, plain


@pytest.mark.parametrize("size", [(800, 480), (1280, 720)], ids=["800x480", "1280x720"])
def test_the_screen_looks_exactly_as_plain_labels_draw_it(kiosk, size):
    from PIL import ImageChops

    d = start(kiosk, size)
    d.wait(2)
    settle(d)
    ours, plain = screenshot_both_ways(d, f"session-{size[0]}x{size[1]}")
    assert ImageChops.difference(ours, plain).getbbox() is None
    until_step(d, "Sweeps")
    ours, plain = screenshot_both_ways(d, f"step-change-{size[0]}x{size[1]}")
    assert d.app.step_name == "Sweeps"
    assert ImageChops.difference(ours, plain).getbbox() is None


def test_a_key_wakes_the_sleeping_loop_so_its_frame_is_drawn_at_once(kiosk):
    """Kivy sleeps between frames until its next frame is due or a "free" clock event wakes it; a
    key that changes the screen must wake it, or its effect waits out the rest of that frame."""
    from kivy.clock import Clock

    d = start(kiosk)
    d.frames(2)
    d.window.dispatch("on_key_down", 32, 44, None, [])  # space: the next step
    assert Clock._event.is_set()  # the next frame starts now, without sleeping
    d.frames(1)
    d.window.dispatch("on_key_up", 32, 44)
    assert d.app.step_name == "Sweeps"
