"""What the session screen says and shows at the moments a therapist glances at it: an untimed
step, the side switch, the pause."""

from __future__ import annotations

import pytest

from tests.ui.conftest import DATA

pytestmark = pytest.mark.ui

SHORT = DATA / "good" / "short.yaml"


def start_short(kiosk, **kwargs):
    d = kiosk(routine=SHORT, **kwargs)
    d.app.begin()
    d.frames(2)
    assert d.screen == "session"
    return d


def ink_colours(path, box, window_height):
    """The set of colours drawn inside ``box`` (window coordinates, origin bottom left)."""
    from PIL import Image

    image = Image.open(path).convert("RGB")
    x, y, w, h = (int(v) for v in box)
    crop = image.crop((x, window_height - (y + h), x + w, window_height - y))
    return {colour for _count, colour in crop.getcolors(maxcolors=1 << 20)}


class TestSideSwitch:
    def test_the_last_step_of_a_side_names_the_next_side(self, kiosk):
        d = start_short(kiosk)
        d.key("space")                                   # warm-up done: left sweeps
        assert d.app.step_name == "Sweeps" and d.app.side_text == "LEFT"
        assert d.app.next_text == "Next: Sweeps (right)"
        assert d.app.big_caption.startswith("remaining")

    def test_a_large_banner_says_which_side_for_a_few_seconds(self, kiosk):
        d = start_short(kiosk)
        d.key("space")
        for _ in range(40):
            d.wait(0.5)
            if d.app.side_text == "RIGHT":
                break
        assert d.app.side_text == "RIGHT"
        banner = d.ids("session").banner
        assert banner.text == "Switch to the right side"
        assert banner.opacity == 1
        # large: across most of the screen, its words about as tall as the step name
        assert banner.width > d.window.width * 0.8 and banner.font_size >= d.window.height * 0.09
        d.wait(6)
        assert banner.text == "" and banner.opacity == 0


class TestUntimedStep:
    def test_the_check_in_counts_up_against_its_estimate(self, kiosk):
        from kiosk.ui import theme

        d = start_short(kiosk)
        for _ in range(60):
            if d.app.step_name == "Check in":
                break
            d.key("space")
            d.wait(1.2)
        assert d.app.step_name == "Check in"
        assert d.app.big_caption == "elapsed · about 0:10 planned · tap when done"
        assert tuple(d.app.big_color) == tuple(theme.ACCENT)
        d.wait(12)
        assert d.app.big_caption == "elapsed · past the estimate of 0:10 · tap when done"
        assert "window" not in d.app.big_caption
        d.key("p")
        assert "elapsed" in d.app.pause_text and "past the estimate" in d.app.pause_text


class TestPause:
    def test_nothing_of_the_session_shows_through_the_pause(self, kiosk):
        from kiosk.ui import theme

        d = start_short(kiosk)
        d.key("p")
        d.frames(3)
        overlay = d.ids("session").pause_overlay
        path = d.screenshot("pause_opaque_800x480")
        bg = tuple(int(round(c * 255)) for c in theme.BG[:3])
        # Every strip of the screen between the overlay's own words and buttons is plain background.
        own = sorted(((c.to_window(c.x, c.y)[1], c.to_window(c.x, c.y)[1] + c.height) for c in overlay.children),
                     key=lambda r: r[0])
        gaps, y = [], 0.0
        for low, high in own:
            if low > y + 4:
                gaps.append((y + 2, low - 2))
            y = max(y, high)
        if y < d.window.height - 4:
            gaps.append((y + 2, d.window.height - 2))
        assert gaps, "the overlay should leave some plain strips"
        for low, high in gaps:
            colours = ink_colours(path, (0, low, d.window.width, high - low), d.window.height)
            assert all(max(abs(a - b) for a, b in zip(c, bg)) <= 3 for c in colours), (low, high, colours)

    def test_the_hints_agree_on_tap_and_hold(self, kiosk):
        d = start_short(kiosk)
        d.key("p")
        overlay = d.ids("session").pause_overlay
        hint = next(c for c in overlay.children if "to go on" in getattr(c, "text", ""))
        assert hint.text.startswith("Tap the pedal or hold Resume")
        d.key("space")                                   # a tap of the pedal resumes, as it says
        assert not d.app.paused


class TestConsent:
    def start_back_massage(self, kiosk):
        from kiosk.paths import ROUTINES_DIR

        d = kiosk(routines=(ROUTINES_DIR,), routine="back-massage")
        d.app.begin()
        d.frames(2)
        assert d.app.step_name == "Consent for the upper buttocks"
        return d

    def test_no_leaves_the_part_out_right_there(self, kiosk):
        d = self.start_back_massage(kiosk)
        ids = d.ids("session")
        assert ids.consent.opacity == 1 and ids.consent.height > 0
        assert ids.consent_no.text == "No, leave out glutes"
        before = d.app.step_of
        d.hold(ids.consent_no)
        assert d.app.step_name == "Warm the lotion"
        assert "glutes" not in d.app.controller.session.tags_ahead()
        assert d.app.step_of != before and ids.consent.height == 0

    def test_yes_goes_on_with_the_part_kept(self, kiosk):
        d = self.start_back_massage(kiosk)
        d.hold(d.ids("session").consent_yes)
        assert d.app.step_name == "Warm the lotion"
        assert "glutes" in d.app.controller.session.tags_ahead()

    def test_a_brush_decides_nothing(self, kiosk):
        d = self.start_back_massage(kiosk)
        d.tap(d.ids("session").consent_no)
        assert d.app.step_name == "Consent for the upper buttocks"
        assert "glutes" in d.app.controller.session.tags_ahead()


def test_the_ready_screen_says_until_you_tap(kiosk):
    d = kiosk(routine=SHORT)
    assert d.screen == "ready"
    windows = {row.name: row.window for row in d.ids("ready").rows.children}
    assert windows["Check in"] == "until you tap"
    assert not any("advance" in w for w in windows.values())
