"""The composition root without a window: what the kiosk opens on, and who hears of the session."""

from __future__ import annotations

from kiosk.composition import RunOptions, attach_journal, build_services, open_start
from kiosk.config import RoomConfig
from kiosk.engine.clock import FakeClock
from kiosk.inputs.actions import Action
from kiosk.journal.recorder import SessionRecorder
from kiosk.paths import ROUTINES_DIR


def kiosk(tmp_path, config: RoomConfig | None = None, **options):
    """The services ``kiosk run`` would build with these options, journal attached, start chosen."""
    config = config or RoomConfig()
    opts = RunOptions(routines=(ROUTINES_DIR,), data_dir=tmp_path / "data", **options)
    services = build_services(opts, clock=FakeClock(100.0), config=config)
    attach_journal(services, config, tmp_path / "data")
    open_start(services, opts, config)
    return services


class TestStart:
    def test_a_routine_asked_for_by_name_opens_on_the_ready_screen(self, tmp_path):
        services = kiosk(tmp_path, routine="Back massage", length=35 * 60.0)
        assert services.start_screen == "ready"
        assert services.controller.routine.name == "Back massage" and services.controller.plan.target_s == 2100.0

    def test_the_rooms_default_routine_and_length_are_used_when_none_is_asked_for(self, tmp_path):
        services = kiosk(tmp_path, RoomConfig(default_routine="back-massage", default_length=35 * 60.0))
        assert services.start_screen == "ready" and services.controller.plan.target_s == 2100.0

    def test_an_unknown_routine_leaves_the_picker_with_a_notice(self, tmp_path):
        services = kiosk(tmp_path, routine="no-such-routine")
        assert services.start_screen == "picker" and services.controller.session is None
        assert services.notices == ["Could not open no-such-routine: see the problems list"]
        assert "no-such-routine" in services.library.error_lines()[-1]

    def test_an_interrupted_session_wins_over_the_routine_asked_for(self, tmp_path):
        first = kiosk(tmp_path, routine="back-massage")
        first.controller.act(Action.ADVANCE)
        first.controller.clock.advance(30.0)
        first.controller.tick()
        first.journal.close()  # the power goes; nothing ends the session
        again = kiosk(tmp_path, routine="back-massage")
        assert again.start_screen == "resume" and again.controller.state == "paused"
        assert again.resume_message.startswith("Back massage was interrupted at ")


class TestWiring:
    def test_the_journal_records_and_is_the_first_to_hear(self, tmp_path):
        services = kiosk(tmp_path)
        assert [type(listener) for listener in services.controller.listeners] == [SessionRecorder]
        assert services.recorder is services.controller.listeners[0] and services.journal is not None

    def test_without_a_data_folder_the_kiosk_runs_unrecorded_and_says_so(self, tmp_path):
        services = build_services(RunOptions(routines=(ROUTINES_DIR,), data_dir=tmp_path / "data"),
                                  clock=FakeClock(0.0))
        attach_journal(services, RoomConfig(), None)
        assert services.controller.listeners == () and services.recorder is None
        assert services.notices == ["No data folder: sessions are not recorded and cannot resume."]
