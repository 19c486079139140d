"""Every screen at every supported size: nothing clipped, nothing spilling over, digits readable.

Screenshots land in artifacts/screens/ for people to look at.
"""

from __future__ import annotations

import pytest

from kiosk.paths import ROUTINES_DIR
from tests.ui.conftest import DATA, SIZES

pytestmark = pytest.mark.ui


def visible(widget, window) -> bool:
    while widget is not None and widget is not window:
        if getattr(widget, "opacity", 1) == 0 or widget.width <= 0 or widget.height <= 0:
            return False
        x, y = widget.to_window(widget.x, widget.y)
        if x >= window.width or y >= window.height or x + widget.width <= 0:
            return False
        widget = widget.parent
    return True


def needed_height(label) -> float:
    """How tall ``label`` must be to show all its text at its width."""
    from kivy.core.text import Label as CoreLabel

    core = CoreLabel(text=label.text, font_size=label.font_size, font_name=label.font_name,
                     bold=label.bold, markup=label.markup, line_height=label.line_height,
                     text_size=(label.text_size[0], None), halign=label.halign)
    core.refresh()
    return core.texture.size[1]


def layout_problems(root, window) -> list[str]:
    from kivy.uix.boxlayout import BoxLayout
    from kivy.uix.label import Label
    from kivy.uix.scrollview import ScrollView

    from kiosk.ui.widgets import Digits

    problems = []

    def walk(widget, in_scroll=False):
        if not visible(widget, window):
            return
        x, y = widget.to_window(widget.x, widget.y)
        name = f"{type(widget).__name__} {getattr(widget, 'text', '')[:30]!r}"
        if not in_scroll and (x < -1 or y < -1 or x + widget.width > window.width + 1
                              or y + widget.height > window.height + 1):
            problems.append(f"{name} leaves the screen at {(x, y, widget.width, widget.height)}")
        if isinstance(widget, Label) and widget.text.strip():
            tw, th = widget.texture_size
            if widget.text_size[0] is None and tw > widget.width + 2:
                problems.append(f"{name} is {tw:.0f}px wide in a {widget.width:.0f}px box")
            if isinstance(widget, Digits):
                if widget.font_size * Digits.INK > widget.height + 2:
                    problems.append(f"{name}: digits of {widget.font_size:.0f}px in a {widget.height:.0f}px box")
            elif widget.text_size[1] is None and th > widget.height + 2 and not in_scroll:
                problems.append(f"{name} is {th:.0f}px tall in a {widget.height:.0f}px box")
            if widget.text_size[0] and widget.text_size[1] and not widget.shorten:
                need = needed_height(widget)
                if need > widget.text_size[1] + 2:
                    problems.append(f"{name} needs {need:.0f}px but shows {widget.text_size[1]:.0f}px")
        if isinstance(widget, BoxLayout) and not in_scroll:
            for child in widget.children:
                if child.width <= 0 or child.height <= 0:
                    continue
                if (child.x < widget.x - 1 or child.y < widget.y - 1
                        or child.right > widget.right + 1 or child.top > widget.top + 1):
                    problems.append(f"{type(child).__name__} {getattr(child, 'text', '')[:30]!r} "
                                    f"spills out of its row")
        for child in widget.children:
            walk(child, in_scroll or isinstance(widget, ScrollView))

    walk(root)
    return problems


def digit_height(d) -> int:
    """Pixel rows of the screenshot that hold the big digits' ink."""
    from PIL import Image

    label = d.ids("session").digits
    path = d.screenshot(f"digits_{d.window.width}x{d.window.height}")
    image = Image.open(path).convert("L")
    x0, y0 = label.to_window(label.x, label.y)
    top = d.window.height - (y0 + label.height)
    box = (int(x0), max(0, int(top) - 40), int(x0 + label.width),
           min(d.window.height, int(top + label.height) + 40))
    crop = image.crop(box)
    rows = [r for r in range(crop.height)
            if any(crop.getpixel((c, r)) > 150 for c in range(0, crop.width, 2))]
    return (rows[-1] - rows[0] + 1) if rows else 0


def open_history(d):
    """The history screen, once the journal has written the session just ended."""
    d.app.services.journal.flush()
    d.app.to_picker()
    d.app.show_history()
    d.frames()


def visit_every_screen(d, size):
    """Show each screen in turn, yielding its name once it is drawn."""
    w, h = size
    d.resize(size)
    yield "picker"
    d.app.show_errors()
    d.frames()
    yield "errors"
    d.app.choose(next(r for r in d.app.library.routines if r.name == "Back massage"))
    d.frames()
    yield "ready"
    d.wait(1.5)                         # a tap sooner after picking is taken as part of the pick
    d.key("space")
    d.key("space")
    d.wait(3)
    yield "session"
    d.key("space")
    d.key("space")
    d.wait(2)
    yield "session_reps"
    d.key("p")
    yield "paused"
    d.key("p")
    d.app.set_practice(True)
    d.frames()
    yield "session_practice"
    d.app.set_practice(False)
    for _ in range(40):
        if d.screen == "summary":
            break
        d.clock.advance(40)
        d.key("space")
    yield "summary"
    open_history(d)
    yield "history"
    d.app.open_room_settings()
    d.frames()
    yield "pin"
    for digit in "2468":
        d.app.sm.get_screen("pin").press(digit)
    d.frames()
    d.app.act("advance", "pedal 1 on GPIO17")
    d.frames()
    yield "settings"


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_screen_fits(kiosk, size):
    d = kiosk(routines=(ROUTINES_DIR, DATA / "bad"), settings={"pin": "2468"}, size=size)
    seen, problems = [], []
    for name in visit_every_screen(d, size):
        d.frames(3)
        assert d.screen == name.split("_")[0].replace("paused", "session"), (name, d.screen)
        d.screenshot(f"{name}_{size[0]}x{size[1]}")
        problems += [f"{name}: {p}" for p in layout_problems(d.app.root, d.window)]
        seen.append(name)
    assert len(seen) == 11
    assert problems == [], "\n".join(problems)


def test_digits_take_a_third_of_the_small_screen(kiosk):
    d = kiosk(routine=DATA / "good" / "short.yaml", size=(800, 480))
    d.key("space")
    d.wait(1)
    assert d.app.big_text == "0:29"
    assert digit_height(d) >= 480 / 3


def text_em(d, path, label) -> float:
    """The font size a label's text is drawn at, measured in the screenshot at ``path``.

    The height of the text's ink in the screenshot, divided by the share of the font size that the
    same text's ink takes when drawn alone: "10 mm tall" is the size of the type, whatever letters
    the words happen to have (the step name "Sweeps" reaches lower than "LEFT").
    """
    from kivy.core.text import Label as CoreLabel
    from PIL import Image

    reference = CoreLabel(text=label.text, font_size=200, font_name=label.font_name, bold=label.bold)
    reference.refresh()
    tex = reference.texture
    alpha = tex.pixels[3::4]
    rows = [r for r in range(tex.height) if max(alpha[r * tex.width:(r + 1) * tex.width]) > 127]
    share = (rows[-1] - rows[0] + 1) / 200.0
    image = Image.open(path).convert("L")
    x, y = label.to_window(label.x, label.y)
    top = d.window.height - (y + label.height)
    crop = image.crop((int(x), int(top), int(x + label.width), int(top + label.height)))
    ink = [r for r in range(crop.height) if any(crop.getpixel((c, r)) > 100 for c in range(crop.width))]
    return (ink[-1] - ink[0] + 1) / share if ink else 0.0


def pill_height(d, path, label, colour) -> int:
    """Pixel rows of the screenshot where the side badge's colour fills its box's middle."""
    from PIL import Image

    image = Image.open(path).convert("RGB")
    want = tuple(int(round(c * 255)) for c in colour[:3])
    x, _ = label.to_window(label.x, label.y)
    cx = int(x + 4)  # a few pixels in from the badge's left edge: the pill, no letter
    column = [image.getpixel((cx, r)) for r in range(d.window.height)]
    return sum(1 for p in column if max(abs(a - b) for a, b in zip(p, want)) <= 6)


def session_moments(d):
    """The moments a therapist glances at, on the shipped back massage, yielding each by name."""
    d.app.begin()
    d.frames(2)
    yield "untimed"                                 # the consent step waits for the pedal
    d.key("space")
    d.key("space")
    d.key("space")
    yield "reps"                                    # sweeps beside the spine (left)
    for _ in range(20):
        d.wait(1.5)
        d.key("space")
        if d.app.controller.snapshot().side == "right":  # the engine's side, whatever the language
            break
    yield "switch"
    d.key("p")
    yield "paused"
    d.app.stop_session()
    d.frames()
    yield "summary_stopped"
    open_history(d)
    yield "history"


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_session_moments_fit_and_read_from_the_table(kiosk, size):
    """Step name, rep count and side badge at least 10 mm tall on the official 7" display (55 px
    of its 480), the budget readout at least 8 mm (45 px); the same share of the height elsewhere."""
    from kiosk.ui import theme

    d = kiosk(routines=(ROUTINES_DIR,), routine="back-massage", size=size)
    h = size[1]
    big, budget = 55 * h / 480, 45 * h / 480
    problems, sizes = [], {}
    for name in session_moments(d):
        d.frames(3)
        path = d.screenshot(f"moment_{name}_{size[0]}x{size[1]}")
        problems += [f"{name}: {p}" for p in layout_problems(d.app.root, d.window)]
        ids = d.ids("session")
        if name == "untimed":
            assert d.app.big_caption.startswith("elapsed · about 0:30 planned")
        if name in ("untimed", "reps"):
            sizes[f"{name} step name"] = (text_em(d, path, ids.step_name), big)
            sizes[f"{name} budget"] = (text_em(d, path, ids.offset), budget)
        if name == "reps":
            assert d.app.rep_text and d.app.side_text == "LEFT"
            sizes["rep count"] = (text_em(d, path, ids.reps), big)
            sizes["side badge"] = (pill_height(d, path, ids.side, theme.LEFT), big)
        if name == "switch":
            assert ids.banner.text == "Switch to the right side"
            sizes["banner"] = (text_em(d, path, ids.banner), big)
        if name == "summary_stopped":
            assert d.app.sm.get_screen("summary").title.startswith("Stopped after step")
    small = {k: f"{v:.0f}px < {need:.0f}px" for k, (v, need) in sizes.items() if v < need - 1}
    assert small == {}, small
    assert problems == [], "\n".join(problems)
