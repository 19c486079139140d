"""The composition root: reads the room config, builds clock, engine, journal, audio and inputs,
and opens the kiosk. Nothing else in the project constructs hardware.

Wiring only: what reacts to the session is a listener class in its own package
(:mod:`kiosk.listeners`), and the order they hear of it is the order of the ``add_listener``
lines below. Behaviour belongs in those classes, where it is tested without building the kiosk.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk import i18n
from kiosk.config import RoomConfig
from kiosk.controller import Controller, Library
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.listeners import OnClose
from kiosk.paths import ROUTINES_DIR
from kiosk.platform.datadir import writable_data_dir
from kiosk.settings import FILENAME as SETTINGS_FILE
from kiosk.settings import LocalSettings

if TYPE_CHECKING:
    from kiosk.clinic import Clinic
    from kiosk.audio.player import CuePlayer
    from kiosk.engine.clock import Clock
    from kiosk.inputs.handoff import MainThreadHandoff
    from kiosk.inputs.keys import KeyMap
    from kiosk.journal.journal import Journal
    from kiosk.journal.recorder import SessionRecorder
    from kiosk.platform.backlight import Backlight
    from kiosk.ui.kiosk_app import KioskApp

log = logging.getLogger("kiosk")


@dataclass(frozen=True)
class RunOptions:
    """What ``kiosk run`` was asked for (the command line turns its arguments into this)."""

    #: A routine to open on the ready screen: a file, or a routine's file stem or name.
    routine: str | None = None
    #: Session length in seconds (else the room's default, else the routine's own).
    length: float | None = None
    #: Optional tags to leave out of that routine.
    skip: tuple[str, ...] = ()
    #: Routine folders instead of the shipped routines and the room's own folders.
    routines: tuple[Path, ...] = ()
    #: Where the journal and settings live, instead of the room config's or the user data folder.
    data_dir: Path | None = None
    #: A window even where the kiosk could own the whole screen.
    windowed: bool = False
    #: Window size in pixels, instead of the room config's.
    size: tuple[int, int] | None = None
    #: The room config file, instead of $KIOSK_CONFIG or /etc/kiosk/room.yaml.
    config: Path | None = None


@dataclass
class Services:
    """Everything the Kivy App needs, built by :func:`build_services` and the ``attach_*`` wiring."""

    controller: Controller
    library: Library
    settings: LocalSettings
    keymap: "KeyMap"
    fullscreen: bool = False
    notices: list[str] = field(default_factory=list)
    start_screen: str = "picker"
    resume_message: str = ""
    player: "CuePlayer | None" = None
    player_available: bool = True
    #: Engine event kinds that sound a cue: a kiosk without sound flashes the screen for them.
    cue_kinds: frozenset[str] = frozenset()
    brightness: "Backlight | None" = None
    journal: "Journal | None" = None
    recorder: "SessionRecorder | None" = None
    #: Session length asked for with --length or the room config; used wherever it is in reach.
    default_length: float | None = None
    #: Notices that arise while the kiosk runs (the app shows them as they come).
    late_notices: list[str] = field(default_factory=list)
    #: The room config: the room's name, PIN and exit chord come from here, never from settings.
    config: RoomConfig = field(default_factory=RoomConfig)
    #: The room on the clinic's MQTT broker, when the room config has an ``mqtt:`` block.
    clinic: "Clinic | None" = None

    @property
    def volume_percent(self) -> float:
        return float(self.settings.get("volume", 50))

    @property
    def brightness_percent(self) -> float:
        return float(self.settings.get("brightness", 100))

    @property
    def spoken(self) -> bool:
        return bool(self.settings.get("spoken_prompts", False))

    def save_setting(self, key: str, value) -> None:
        self.settings.set(key, value)

    def set_volume(self, fraction: float) -> None:
        self.settings.set("volume", round(fraction * 100))
        if self.player is not None:
            self.player.volume = fraction

    def set_brightness(self, fraction: float) -> float:
        """Set the backlight; returns how much the screen must be dimmed in software instead."""
        self.settings.set("brightness", round(fraction * 100))
        if self.brightness is not None and self.brightness.set(fraction):
            return 0.0
        return round(max(0.0, min(0.85, 1.0 - fraction)), 3)

    def set_spoken(self, on: bool) -> None:
        self.settings.set("spoken_prompts", bool(on))

    def set_language(self, tag: str) -> None:
        """The screens' language chosen on the kiosk: kept like the other settings; the screens
        switch at once and show the new words from the next screen on."""
        self.settings.set("language", tag)
        i18n.use(tag)


def setup_logging() -> None:
    """Log to stderr only: under systemd that is the journal, and nothing wears the SD card."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(handler)
    root.setLevel(logging.INFO)


def routine_folders(options: RunOptions, config: RoomConfig) -> list[Path]:
    """``--routines`` folders, else the shipped routines plus the room's own folders."""
    if options.routines:
        return list(options.routines)
    folders = [ROUTINES_DIR]
    for path in config.routines:
        if path not in folders:
            folders.append(path)
    return folders


def build_services(options: RunOptions, *, clock: "Clock | None" = None, config: RoomConfig | None = None,
                   config_problems=(), fullscreen: bool = False, data_dir: Path | None = None) -> Services:
    """Everything but the Kivy window and the listeners: routines, settings, keys, the controller.

    ``data_dir`` is the one :func:`prepare_data_dir` made (worked out here when not given).
    """
    from kiosk.engine.clock import MonotonicClock
    from kiosk.inputs.keys import KeyMap
    from kiosk.platform.backlight import Backlight

    config = config if config is not None else RoomConfig()
    i18n.use(config.language or i18n.system_language())  # the room's words from the first notice on
    notices = [_("Room config: {problem} (running on the default for it)").format(problem=problem)
               for problem in config_problems]
    library = Library.load(routine_folders(options, config))
    if data_dir is None:
        data_dir, data_notice = prepare_data_dir(options, config)
        notices[:0] = [data_notice] if data_notice else []
    settings = LocalSettings(data_dir / SETTINGS_FILE if data_dir else None, config)
    i18n.use(str(settings.get("language") or i18n.system_language()))  # a language chosen on the kiosk wins
    backlight = Backlight.find() if fullscreen else None  # a desktop's own backlight is not ours
    return Services(controller=Controller(clock or MonotonicClock()), library=library, settings=settings,
                    keymap=KeyMap(config.keys or {}), fullscreen=fullscreen, notices=notices,
                    brightness=backlight, default_length=options.length or config.default_length, config=config)


def prepare_data_dir(options: RunOptions, config: RoomConfig) -> tuple[Path, str | None]:
    """The data folder the room config resolves (``--data-dir`` first), created and writable; when
    it cannot be, a private temporary one and the notice that says so (the kiosk still starts)."""
    from kiosk import config as room_config

    return writable_data_dir(room_config.resolve_data_dir(options.data_dir, config))


def attach_journal(services: Services, config: RoomConfig, data_dir: Path | None) -> None:
    """Record every session in the data folder's journal (and find one a power cut interrupted)."""
    from kiosk.journal.journal import Journal
    from kiosk.journal.recorder import SessionRecorder

    if data_dir is None:
        services.notices.append(_("No data folder: sessions are not recorded and cannot resume."))
        return
    journal = Journal.open(data_dir, room=config.room, save_every_s=config.autosave)
    if journal.notice:
        services.notices.append(journal.notice)
    services.journal = journal
    services.recorder = services.controller.add_listener(
        SessionRecorder(journal, services.controller, services.late_notices.append))


def attach_audio(services: Services, config: RoomConfig, data_dir: Path | None,
                 handoff: "MainThreadHandoff") -> None:
    """Load every cue before the first screen (a kiosk without sound flashes the screen instead);
    each chosen routine gets its own sounds and, when wanted, spoken prompts."""
    from kiosk.audio.cues import EVENT_CUES, CueListener, cue_files
    from kiosk.audio.player import open_player
    from kiosk.audio.prompts import PromptLoader

    player = open_player(volume=services.volume_percent / 100.0, muted=bool(config.muted), enabled=config.cues,
                         buffer_frames=config.audio_buffer)
    player.load(cue_files())
    services.player, services.player_available = player, player.available
    services.cue_kinds = frozenset(EVENT_CUES)
    if not player.available and player.notice:
        services.notices.append(player.notice)
    services.notices.extend(_("Sound: {problem}").format(problem=problem)
                            for problem in getattr(player, "problems", ()) or ())
    cues = services.controller.add_listener(CueListener(player))
    services.controller.add_listener(PromptLoader(
        cues, player, cache_dir=(data_dir / "speech") if data_dir else None, spoken=lambda: services.spoken,
        handoff=handoff, notify=services.late_notices.append, room_language=room_language))


def room_language() -> str:
    """The room's language (a BCP 47 tag), read when a routine is chosen: a routine without its own
    ``language:`` is spoken in it. It is the language the kiosk's screens speak now."""
    from kiosk import i18n

    return i18n.current().tag


def open_start(services: Services, options: RunOptions, config: RoomConfig) -> None:
    """The first screen: the routine asked for (or the room's default) on the ready screen, unless
    a session was interrupted, which then comes back paused where it was."""
    wanted = options.routine or config.default_routine
    if wanted:
        open_routine(services, services.library.find(wanted), services.default_length, options.skip)
    if services.recorder is None:
        return
    resumed = services.recorder.resume_interrupted(config.resume_max_age)
    if resumed is not None and resumed.session is not None:
        services.start_screen, services.resume_message = "resume", resumed.message
    elif resumed is not None:
        services.notices.append(resumed.message)


def open_routine(services: Services, path: Path, length_s: float | None, skip) -> None:
    """Put a routine on the ready screen; a bad file lands on the error screen, not in a crash."""
    from kiosk.routines.loader import load_routine

    try:
        routine = load_routine(path)
        services.controller.choose(routine, length_s, skip)
    except KioskError as exc:
        services.library.errors.append(exc)
        services.notices.append(_("Could not open {file}: see the problems list").format(file=path))
        return
    if all(r.path != routine.path for r in services.library.routines):
        services.library.routines.append(routine)
    services.start_screen = "ready"


def attach_pedals(app: "KioskApp", services: Services, config: RoomConfig, handoff: "MainThreadHandoff") -> None:
    """Open the room's foot switches; their actions reach the app on Kivy's main thread only."""
    from kiosk.inputs.footswitch import open_pedals
    from kiosk.ui.screens import input_line

    switches, notices = open_pedals(config.pedals or (), handoff.sink("pedal"))
    for switch in switches:
        switch.when_gesture = lambda gesture, action, name=switch.name: handoff.call(
            app.log_pedal, input_line(f"{name}: {gesture}", action))
        log.info("listening to %s", switch.name)
    services.notices.extend(notices)
    # The hand-off first: a pin's last callback, once it is closed, is dropped, not delivered.
    services.controller.add_listener(OnClose(handoff.close, *(switch.close for switch in switches)))


def attach_clinic(app: "KioskApp", services: Services, config: RoomConfig, handoff: "MainThreadHandoff") -> None:
    """The room on the clinic's MQTT broker, when the room config has an ``mqtt:`` block (else no network)."""
    if config.mqtt is None:
        return
    from kiosk.clinic import attach

    c = services.controller
    services.clinic = attach(c, config.mqtt, room_name=config.room, call=handoff.call,
                             journal=services.journal, player=services.player,
                             choose_length=lambda length: app.choose(c.routine, length, c.skip))
    c.add_listener(services.clinic.publisher)


def attach_systemd(app: "KioskApp", services: Services, notes: tuple[str, ...] = ()) -> None:
    """READY=1 once the first frame is up (with ``notes`` on what works less well than it should);
    watchdog pings from the UI loop, so a frozen screen restarts."""
    from kiosk.platform.service import ServiceNotifier

    service = ServiceNotifier.from_env(notes=notes)
    if service is not None:
        services.controller.add_listener(service)
        app.first_frame_callbacks.append(service.ready)


def run_kiosk(options: RunOptions) -> int:
    """``kiosk run``: configure Kivy, build the services, open the window, run until left."""
    setup_logging()
    from kiosk.config import load_config
    from kiosk.platform import startup
    from kiosk.ui import bootstrap

    config, problems = load_config(options.config)
    i18n.use(config.language or i18n.system_language())  # the start-up notices in the room's words
    display = config.display
    choice = bootstrap.choose_window(windowed=options.windowed, size=options.size or display.size,
                                     fullscreen=display.fullscreen)
    report = startup.StartupReport.from_env()  # under systemd: waits for a late screen, says why not
    if not report.screen_ready(lambda: choice.fullscreen or bootstrap.has_any_screen()):
        return 1
    data_dir, data_notice = prepare_data_dir(options, config)
    bootstrap.configure(choice, home=(data_dir / "kivy") if data_dir else None, rotation=display.rotation)
    log.info("window: %s (%s)", "full screen" if choice.fullscreen else "windowed", choice.reason)
    from kiosk.inputs.handoff import MainThreadHandoff
    from kiosk.ui.kiosk_app import KioskApp

    app: KioskApp | None = None
    # The one way from other threads (pedals, speech rendering) onto Kivy's main thread.
    handoff = MainThreadHandoff(lambda action, source: app.act(action, source) if app else None)
    services = build_services(options, config=config, config_problems=problems, fullscreen=choice.fullscreen,
                              data_dir=data_dir)
    services.notices[:0] = [data_notice] if data_notice else []  # a read-only folder: a temporary one
    # Listeners hear of the session in this order: the journal records before anything can fail.
    attach_journal(services, config, data_dir)
    attach_audio(services, config, data_dir, handoff)
    open_start(services, options, config)
    app = KioskApp(services)
    app.first_frame_callbacks.append(lambda: log.info(
        "frame loop: %s", f"wakes on input, {bootstrap.IDLE_FPS} frames a second at most while idle"
        if bootstrap.wake_on_input(bootstrap.IDLE_FPS) else "Kivy's own (no input wake-up here)"))
    attach_pedals(app, services, config, handoff)
    attach_clinic(app, services, config, handoff)
    attach_systemd(app, services, startup.ready_notes(data_dir_usable=data_notice is None, console=choice.fullscreen))
    report.run(app)
    return 0
