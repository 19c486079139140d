"""The kiosk as a therapist uses it: picker, ready, a session driven by keys and touches, summary."""

from __future__ import annotations

import pytest

from tests.ui.conftest import DATA

pytestmark = pytest.mark.ui

SHORT = DATA / "good" / "short.yaml"


def start_short(kiosk, **kwargs):
    d = kiosk(routine=SHORT, **kwargs)
    assert d.screen == "ready"
    d.key("space")
    assert d.screen == "session"
    return d


class TestPicker:
    def test_lists_good_routines_and_counts_bad_files(self, kiosk):
        d = kiosk(routines=(DATA / "good", DATA / "bad"))
        assert d.screen == "picker"
        tiles = d.ids("picker").tiles.children
        assert len(tiles) == 1 and "Short practice" in tiles[0].text
        assert d.app.error_count == 1

    def test_problems_screen_names_file_line_and_column(self, kiosk):
        d = kiosk(routines=(DATA / "good", DATA / "bad"))
        d.app.show_errors()
        d.frames()
        text = d.ids("errors").problems.text
        assert "broken.yaml:5:11: error:" in text and "6-5m" in text

    def test_pedal_tap_opens_the_highlighted_routine(self, kiosk):
        d = kiosk()
        d.key("space")
        assert d.screen == "ready" and d.app.routine_title == "Short practice"

    def test_tapping_a_tile_opens_its_ready_screen(self, kiosk):
        d = kiosk()
        d.tap(d.ids("picker").tiles.children[0])
        assert d.screen == "ready"


class TestOpening:
    def test_a_routine_can_be_opened_by_its_name(self, kiosk):
        from kiosk.paths import ROUTINES_DIR

        d = kiosk(routines=(ROUTINES_DIR,), routine="back-massage")
        assert d.screen == "ready" and d.app.routine_title == "Back massage"

    def test_the_asked_length_is_used_where_the_routine_reaches_it(self, kiosk):
        from kiosk.paths import ROUTINES_DIR

        d = kiosk(routines=(ROUTINES_DIR,), length=35 * 60.0)
        by_name = {r.name: r for r in d.app.library.routines}
        d.app.choose(by_name["Back massage"])          # 25:00 to 39:30: 35 minutes fit
        assert d.app.controller.plan.total_s == pytest.approx(35 * 60.0)
        d.app.choose(by_name["Full body, 90 min"])     # cannot be that short: its own length
        assert d.app.controller.plan.total_s == pytest.approx(90 * 60.0)

    def test_a_missing_routine_lands_on_the_problems_list(self, kiosk):
        d = kiosk(routine="no-such-routine")
        assert d.screen == "picker" and d.app.error_count == 1


class TestReady:
    def test_shows_the_whole_plan(self, kiosk):
        d = kiosk(routine=SHORT)
        names = [row.name for row in reversed(d.ids("ready").rows.children)]
        assert names == ["Warm-up", "Sweeps  (left)", "Sweeps  (right)", "Check in"]

    def test_offers_only_lengths_the_routine_can_reach(self, kiosk):
        from kiosk.paths import ROUTINES_DIR

        d = kiosk(routine=ROUTINES_DIR / "back-massage.yaml")
        offered = [b.text for b in reversed(d.ids("ready").lengths.children)]
        plan = d.app.controller.plan
        assert offered, "a routine with a length offers at least that length"
        for label in offered:
            from kiosk.routines.durations import parse_duration

            assert plan.min_total_s - 1 <= parse_duration(label) <= plan.max_total_s + 1

    def test_leaving_out_an_optional_part_replans_without_it(self, kiosk):
        from kiosk.paths import ROUTINES_DIR

        d = kiosk(routine=ROUTINES_DIR / "gluteal-work.yaml")
        before = len(d.app.controller.plan.steps)
        toggle = d.ids("ready").skips.children[-1]
        d.tap(toggle)
        after = d.app.controller.plan
        assert after.skipped and len(after.steps) < before
        assert all(step.optional not in after.skipped for step in after.steps)


class TestSession:
    def test_first_pedal_tap_starts_and_shows_the_step(self, kiosk):
        d = start_short(kiosk)
        assert d.app.step_name == "Warm-up"
        assert d.app.big_text == "0:30"
        assert d.app.say == "Light strokes over the whole back."
        assert d.app.caution == "No pressure on the spine."
        assert d.app.next_text == "Next: Sweeps (left)"

    def test_steps_change_on_their_deadlines(self, kiosk):
        d = start_short(kiosk)
        d.wait(29.5, step=0.5)
        assert d.app.step_name == "Warm-up" and d.app.big_text == "0:01"
        d.wait(0.5, step=0.5)
        assert d.app.step_name == "Sweeps" and d.app.side_text == "LEFT"
        assert d.app.rep_text == "sweep 1 of 2-3"
        d.wait(5)
        assert d.app.rep_text == "sweep 2 of 2-3"

    def test_space_advances_and_left_goes_back(self, kiosk):
        d = start_short(kiosk)
        d.key("space")
        assert d.app.step_name == "Sweeps" and d.app.side_text == "LEFT"
        d.key("pagedown")
        assert d.app.side_text == "RIGHT"
        d.key("left")
        assert d.app.side_text == "LEFT"

    def test_pause_shows_the_overlay_and_stops_the_clock(self, kiosk):
        d = start_short(kiosk)
        d.wait(5)
        d.key("p")
        overlay = d.ids("session").pause_overlay
        assert d.app.paused and overlay.x == 0
        shown = d.app.big_text
        d.wait(20)
        assert d.app.big_text == shown and d.app.step_name == "Warm-up"
        d.key("p")
        assert not d.app.paused and overlay.x > d.window.width

    def test_a_tap_while_paused_resumes_instead_of_skipping(self, kiosk):
        d = start_short(kiosk)
        d.key("p")
        d.key("space")
        assert not d.app.paused and d.app.step_name == "Warm-up"

    def test_extend_adds_a_minute(self, kiosk):
        d = start_short(kiosk)
        d.key("e")
        assert d.app.big_text == "1:30"

    def test_only_the_rooms_exit_chord_leaves(self, kiosk, monkeypatch):
        d = start_short(kiosk, settings={"exit_chord": "ctrl+alt+q"})
        left = []
        monkeypatch.setattr(d.app, "leave", lambda: left.append(True))
        q = 113
        for modifiers in ([], ["ctrl"], ["alt", "shift", "ctrl"]):
            d.window.dispatch("on_key_down", q, 20, "q", modifiers)
        assert left == []
        d.window.dispatch("on_key_down", q, 20, "q", ["ctrl", "alt", "numlock"])
        assert left == [True]

    def test_escape_never_leaves(self, kiosk):
        d = start_short(kiosk)
        d.key("escape")
        assert d.screen == "session" and d.app.state == "running"

    def test_waiting_step_counts_up_and_asks_for_the_pedal(self, kiosk):
        d = start_short(kiosk)
        for _ in range(3):
            d.key("space")
        assert d.app.step_name == "Check in"
        d.wait(4)
        assert d.app.big_text == "0:04" and "tap" in d.app.big_caption

    def test_practice_mode_shows_the_note(self, kiosk):
        d = start_short(kiosk, settings={"practice_mode": True})
        assert d.app.note == "From the seed text, a light warm-up."
        d.app.set_practice(False)
        d.frames()
        assert d.app.note == ""


class TestLeaveOut:
    def test_a_declined_part_is_left_out_from_the_pause_overlay(self, kiosk):
        from kiosk.paths import ROUTINES_DIR

        d = kiosk(routine=ROUTINES_DIR / "gluteal-work.yaml")
        d.key("space")
        d.key("p")
        parts = d.ids("session").parts.children
        assert [b.text for b in parts] == ["Leave out: glutes"]
        before = d.app.controller.session.snapshot().total_steps
        d.hold(parts[0])
        snap = d.app.controller.session.snapshot()
        assert snap.total_steps < before
        assert d.ids("session").parts.children == []       # nothing left to leave out
        d.key("p")
        assert not d.app.paused


class TestTouch:
    def test_a_brushed_next_button_does_nothing(self, kiosk):
        d = start_short(kiosk)
        button = d.ids("session").next_button
        d.tap(button)                                  # a brief touch
        d.touch(button, hold_s=0.5, move=(120, 0))      # a sliding touch
        assert d.app.step_name == "Warm-up"

    def test_holding_next_advances_once(self, kiosk):
        d = start_short(kiosk)
        d.hold(d.ids("session").next_button)
        assert d.app.step_name == "Sweeps" and d.app.side_text == "LEFT"

    def test_pause_and_resume_buttons(self, kiosk):
        d = start_short(kiosk)
        d.hold(d.ids("session").pause_button)
        assert d.app.paused
        d.hold(d.ids("session").resume_button)
        assert not d.app.paused


class TestSummary:
    def test_a_whole_session_ends_on_the_summary(self, kiosk):
        d = start_short(kiosk)
        d.wait(60, step=1.0)
        assert d.app.step_name == "Check in"
        d.wait(3)
        d.key("space")
        assert d.screen == "summary"
        summary = d.app.sm.get_screen("summary")
        rows = list(reversed(summary.ids.rows.children))
        assert [r.name for r in rows] == ["Warm-up", "Sweeps (left)", "Sweeps (right)", "Check in"]
        assert [r.actual for r in rows] == ["0:30", "0:15", "0:15", "0:03"]
        assert "All steps within their windows." in summary.remarks

    def test_students_see_which_steps_left_their_window(self, kiosk):
        d = start_short(kiosk)
        d.wait(5)
        d.key("space")                   # warm-up ended at 5 s: short of its 20 s minimum
        for _ in range(3):
            d.key("space")
        assert d.screen == "summary"
        remarks = d.app.sm.get_screen("summary").remarks
        assert "Warm-up: 0:05, short of 0:20" in remarks


class TestHistory:
    def test_a_finished_session_shows_in_the_history_with_its_steps(self, kiosk):
        d = start_short(kiosk)
        d.wait(60, step=1.0)
        d.wait(3)
        d.key("space")
        assert d.screen == "summary"
        d.app.services.journal.flush()
        d.app.to_picker()
        d.app.show_history()
        d.frames()
        screen = d.app.sm.get_screen("history")
        sessions = screen.ids.sessions.children
        assert len(sessions) == 1 and "Short practice" in sessions[0].text and "finished" in sessions[0].text
        lines = list(reversed(screen.ids.trends.children))
        assert [line.label for line in lines] == ["Warm-up", "Sweeps (left)", "Sweeps (right)", "Check in"]
        assert lines[0].values == [pytest.approx(30.0)]
        assert (lines[0].min_s, lines[0].max_s) == (20.0, 40.0)


class TestSettings:
    def open(self, kiosk):
        d = kiosk(settings={"pin": "2468"})
        d.app.open_room_settings()
        d.frames()
        return d

    def test_a_wrong_pin_keeps_settings_shut(self, kiosk):
        d = self.open(kiosk)
        for digit in "1111":
            d.app.sm.get_screen("pin").press(digit)
        assert d.screen == "pin" and "Wrong PIN" in d.app.sm.get_screen("pin").message

    def test_the_room_pin_opens_settings_and_changes_are_kept(self, kiosk):
        d = self.open(kiosk)
        for digit in "2468":
            d.app.sm.get_screen("pin").press(digit)
        assert d.screen == "settings"
        ids = d.ids("settings")
        ids.volume.value = 20
        ids.practice.active = True
        d.frames()
        assert d.app.services.settings.get("volume") == 20 and d.app.practice
        import json

        saved = json.loads(d.app.services.settings.path.read_text())
        # Each kept with the room value it overrides, so a later change in room.yaml wins again.
        assert saved == {"volume": {"value": 20, "room": 50}, "practice_mode": {"value": True, "room": False}}

    def test_the_pedal_test_lists_presses_and_moves_nothing(self, kiosk):
        d = self.open(kiosk)
        for digit in "2468":
            d.app.sm.get_screen("pin").press(digit)
        d.key("space")
        d.key("p")
        assert d.screen == "settings"
        assert [line.split("  ", 1)[1].split() for line in d.app.pedal_log] == [
            ["key", "p", "->", "pause", "/", "resume"], ["key", "Space", "->", "next", "step"]]
