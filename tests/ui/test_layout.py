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
    d.app.services.journal.flush()
    d.app.to_picker()
    d.app.show_history()
    d.frames()
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
