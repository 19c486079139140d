"""The composition root: reads the room config, builds clock, engine, journal, audio and inputs,
and opens the kiosk. Nothing else in the project constructs hardware.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from kiosk.controller import Controller, Library
from kiosk.errors import KioskError
from kiosk.paths import ROUTINES_DIR

log = logging.getLogger("kiosk")


class LocalSettings:
    """Settings changed on the kiosk itself (volume, practice mode ...), kept in the data directory.

    They sit on top of the room config, which is often read-only (/etc/kiosk) and owned by the
    clinic's set-up. A settings file that cannot be read or written is ignored with a log line.
    """

    def __init__(self, path: Path | None, defaults: dict):
        self.path = path
        self.values = dict(defaults)
        self._stored: dict = {}  # what the settings file holds: only what was changed on the kiosk
        if path and path.exists():
            try:
                stored = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(stored, dict):
                    self._stored = {k: v for k, v in stored.items() if k in defaults}
                    self.values.update(self._stored)
            except (OSError, ValueError) as exc:
                log.warning("ignoring unreadable settings file %s: %s", path, exc)

    def get(self, key, default=None):
        return self.values.get(key, default)

    def set(self, key, value) -> None:
        """Change a setting and keep it; a slider dragged over the same value writes nothing."""
        self.values[key] = value
        if not self.path or self._stored.get(key, object()) == value:
            return
        self._stored[key] = value
        try:
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self._stored, indent=1), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError as exc:
            log.warning("could not save setting %s: %s", key, exc)


@dataclass
class Services:
    """Everything the Kivy App needs, built by :func:`build_services`."""

    controller: Controller
    library: Library
    settings: LocalSettings
    keymap: object
    fullscreen: bool = False
    notices: list[str] = field(default_factory=list)
    start_screen: str = "picker"
    resume_message: str = ""
    player: object = None
    player_available: bool = True
    cue_kinds: frozenset = frozenset()
    closers: list[Callable[[], None]] = field(default_factory=list)
    frame_hooks: list[Callable[[], None]] = field(default_factory=list)
    brightness: object = None
    journal: object = None
    #: Session length asked for with --length or the room config; used wherever it is in reach.
    default_length: float | None = None
    #: Notices that arise while the kiosk runs (the app shows them as they come).
    late_notices: list[str] = field(default_factory=list)

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


def setup_logging() -> None:
    """Log to stderr only: under systemd that is the journal, and nothing wears the SD card."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(handler)
    root.setLevel(logging.INFO)


def routine_folders(args, config) -> list[Path]:
    """``--routines`` folders, else the shipped routines plus the room's own folders."""
    if args.routines:
        return [Path(p) for p in args.routines]
    folders = [ROUTINES_DIR]
    for folder in getattr(config, "routines", None) or ():
        path = Path(folder)
        if path not in folders:
            folders.append(path)
    return folders


def build_services(args, *, clock=None, config=None, config_problems=(), fullscreen=False,
                   data_dir: Path | None = None) -> Services:
    """Everything but the Kivy window: routines, the chosen plan, settings, keys.

    ``data_dir`` is the one :func:`resolve_data_dir` found (worked out here when not given).
    """
    from kiosk.engine.clock import MonotonicClock
    from kiosk.inputs.keys import KeyMap

    clock = clock or MonotonicClock()
    notices: list[str] = []
    for problem in config_problems:
        notices.append(f"Room config: {problem} (running on the default for it)")

    library = Library.load(routine_folders(args, config))
    if data_dir is None:
        data_dir = resolve_data_dir(args, config)
    defaults = {
        "room": getattr(config, "room", "") or "",
        "pin": getattr(config, "pin", None) or "",
        "volume": getattr(config, "volume", 50),
        "brightness": getattr(getattr(config, "display", None), "brightness", 100) or 100,
        "spoken_prompts": bool(getattr(config, "spoken_prompts", False)),
        "practice_mode": bool(getattr(config, "practice_mode", False)),
        "exit_chord": getattr(config, "exit_chord", None) or "",
    }
    settings = LocalSettings(data_dir / "settings.json" if data_dir else None, defaults)
    controller = Controller(clock)
    from kiosk.platform.backlight import Backlight

    backlight = Backlight.find() if fullscreen else None  # a desktop's own backlight is not ours
    keymap = KeyMap(getattr(config, "keys", None) or {})
    services = Services(controller=controller, library=library, settings=settings, keymap=keymap,
                        fullscreen=fullscreen, notices=notices, brightness=backlight)

    services.default_length = args.length or getattr(config, "default_length", None)
    wanted = args.routine or getattr(config, "default_routine", None)
    if wanted:
        open_routine(services, find_routine(library, wanted), services.default_length, args.skip or ())
    return services


def find_routine(library: Library, wanted: str) -> Path:
    """A routine file: ``wanted`` as a path, else the loaded routine with that file stem or name."""
    path = Path(wanted).expanduser()
    if path.exists():
        return path
    key = wanted.strip().casefold()
    for routine in library.routines:
        if Path(routine.path).stem.casefold() == key or routine.name.casefold() == key:
            return Path(routine.path)
    return path  # not found: loading it reports the missing file on the problems screen


def open_routine(services: Services, path: Path, length_s, skip) -> None:
    """Put a routine on the ready screen; a bad file lands on the error screen, not in a crash."""
    from kiosk.routines.loader import load_routine

    try:
        routine = load_routine(path)
        services.controller.choose(routine, length_s, skip)
    except KioskError as exc:
        services.library.errors.append(exc)
        services.notices.append(f"Could not open {path}: see the problems list")
        return
    if all(r.path != routine.path for r in services.library.routines):
        services.library.routines.append(routine)
    services.start_screen = "ready"


def resolve_data_dir(args, config) -> Path | None:
    """The data directory (``--data-dir``, the room config, the user data folder), created; None if unusable."""
    from kiosk import config as room_config

    raw = getattr(args, "data_dir", None)
    path = room_config.resolve_data_dir(raw, config) if config is not None else (
        Path(raw).expanduser() if raw else room_config.data_dir_default())
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        log.warning("data directory %s is not usable: %s", path, exc)
        return None
    return path


def attach_pedals(app, services: Services, config, handoff) -> None:
    """Open the room's foot switches; their actions reach the app on Kivy's main thread only."""
    from kiosk.inputs.footswitch import open_pedals

    pedals = getattr(config, "pedals", None) or ()
    switches, notices = open_pedals(pedals, handoff.sink("pedal"))
    for switch in switches:
        switch.when_gesture = lambda gesture, action, name=switch.name: handoff.call(
            app.log_pedal, f"{name}: {gesture} -> {action.value if action else 'nothing'}")
        log.info("listening to %s", switch.name)
    services.notices.extend(notices)
    services.closers.append(handoff.close)
    services.closers.extend(switch.close for switch in switches)


def attach_audio(services: Services, config, data_dir: Path | None, handoff) -> None:
    """Load every cue before the first screen; a kiosk without sound flashes the screen instead.

    Spoken prompts are rendered with espeak-ng off the UI thread when a routine is chosen (a Pi
    takes a while for a long routine); they join in as soon as they are ready.
    """
    import threading

    from kiosk.audio.cues import EVENT_CUES, CueListener, cue_files, spoken_texts
    from kiosk.audio.player import open_player
    from kiosk.audio.speech import SpeechPrompts

    player = open_player(volume=services.volume_percent / 100.0, muted=bool(getattr(config, "muted", False)),
                         enabled=getattr(config, "cues", None))
    player.load(cue_files())
    services.player = player
    services.player_available = player.available
    services.cue_kinds = frozenset(EVENT_CUES)
    if not player.available and player.notice:
        services.notices.append(player.notice)
    for problem in getattr(player, "problems", ()) or ():
        services.notices.append(f"Sound: {problem}")
    listener = CueListener(player)
    speech_cache = (data_dir / "speech") if data_dir else None
    speech: list = []
    rendering = threading.Lock()  # one espeak-ng run at a time: they share the cache folder
    chosen = [0]                  # which plan the prompts being rendered belong to

    def on_plan(plan) -> None:
        # A routine's own `speak:` wins over the room's setting either way.
        own = getattr(plan.routine, "speak", None)
        wanted = services.spoken if own is None else bool(own)
        if wanted and speech_cache is not None and not speech:
            speech.append(SpeechPrompts(speech_cache))
            if speech[0].notice:
                services.late_notices.append(speech[0].notice)
        chosen[0] += 1
        listener.speech = None
        listener.prepare(plan.steps, warning_s=plan.routine.warning_s)  # the routine's own sounds
        if not (wanted and speech and speech[0].available):
            return
        texts, ticket = spoken_texts(plan.steps, plan.routine.warning_s), chosen[0]

        def render() -> None:
            with rendering:
                files = speech[0].render(texts)
            handoff.call(ready, ticket, files)

        def ready(ticket: int, files: dict) -> None:
            if ticket == chosen[0]:  # still the routine on screen
                player.load(files)
                listener.speech = speech[0]

        threading.Thread(target=render, name="spoken prompts", daemon=True).start()

    services.controller.plan_listeners.append(on_plan)
    services.controller.listeners.append(listener.on_events)
    if services.controller.plan is not None:  # a routine chosen already (--routine, the room's default)
        on_plan(services.controller.plan)


def attach_journal(services: Services, config, data_dir: Path | None) -> None:
    """Record every session; after an unclean stop, start straight into the interrupted one, paused."""
    import time

    from kiosk.journal.journal import Journal

    if data_dir is None:
        services.notices.append("No data folder: sessions are not recorded and cannot resume.")
        return
    journal = Journal.open(data_dir, room=services.settings.get("room", ""),
                           save_every_s=float(getattr(config, "autosave", 5.0) or 5.0))
    shown = {"notice": journal.notice}
    if journal.notice:
        services.notices.append(journal.notice)
    controller = services.controller
    current = {"id": None}

    def on_events(events) -> None:
        session = controller.session
        if any(e.kind == "session_started" for e in events) and controller.routine is not None:
            current["id"] = journal.begin(session, routine_path=controller.routine.path)
        if current["id"] is not None:
            journal.on_events(current["id"], events, session)
        if any(e.kind == "session_finished" for e in events):
            current["id"] = None

    last_save = [0.0]

    def autosave() -> None:
        now = time.monotonic()
        if current["id"] is not None and now - last_save[0] >= 1.0 and controller.session is not None:
            last_save[0] = now
            journal.autosave(current["id"], controller.session)
            if journal.notice and journal.notice != shown["notice"]:  # a disk that filled up mid-session
                shown["notice"] = journal.notice
                services.late_notices.append(journal.notice)

    controller.listeners.insert(0, on_events)
    services.frame_hooks.append(autosave)
    services.closers.append(journal.close)
    services.journal = journal

    info = journal.pending_resume(getattr(config, "resume_max_age", 3 * 3600.0))
    if info is None:
        return
    session = journal.restore(info, controller.clock)
    if session is None:
        services.notices.append(f"An interrupted session of {info.routine} could not be continued.")
        return
    controller.adopt(session)
    current["id"] = info.session_id
    snap = session.snapshot()
    where = f"at {snap.name}" if snap.name else ""
    services.start_screen = "resume"
    services.resume_message = (f"{info.routine} was interrupted {where}; it is paused where it was. "
                               "Tap the pedal to go on.")
    left = f"{snap.step_remaining_s:.3f} s left" if snap.step_remaining_s is not None else "waiting"
    log.info("resuming session %s of %s %s (step %s, %s), paused", info.session_id, info.routine, where,
             (snap.index + 1) if snap.index is not None else "-", left)


def attach_systemd(app, services: Services, notes: tuple[str, ...] = ()) -> None:
    """READY=1 once the first frame is up; watchdog pings from the UI loop, so a frozen screen restarts."""
    import time

    from kiosk.platform.sdnotify import Notifier, Watchdog

    notifier = Notifier.from_env()
    if not notifier.enabled:
        return
    watchdog = Watchdog.from_env(notifier)
    app.first_frame_callbacks.append(lambda: notifier.ready("; ".join(["showing the kiosk", *notes])))
    if watchdog.enabled:
        services.frame_hooks.append(lambda: watchdog.tick(time.monotonic()))
    services.closers.append(lambda: notifier.stopping("leaving the kiosk"))


def run_kiosk(args) -> int:
    """``kiosk run``: configure Kivy, build the services, open the window, run until left."""
    setup_logging()
    from kiosk.config import load_config
    from kiosk.platform import startup
    from kiosk.ui import bootstrap

    config, problems = load_config(args.config)
    display = config.display
    choice = bootstrap.choose_window(windowed=args.windowed, size=args.size or display.size,
                                     fullscreen=display.fullscreen)
    report = startup.StartupReport.from_env()  # under systemd: waits for a late screen, says why not
    if not report.screen_ready(lambda: choice.fullscreen or bootstrap.has_any_screen()):
        return 1
    data_dir = resolve_data_dir(args, config)
    bootstrap.configure(choice, home=(data_dir / "kivy") if data_dir else None, rotation=display.rotation)
    log.info("window: %s (%s)", "full screen" if choice.fullscreen else "windowed", choice.reason)
    from kiosk.inputs.handoff import MainThreadHandoff
    from kiosk.ui.app import KioskApp

    app: KioskApp | None = None
    # The one way from other threads (pedals, speech rendering) onto Kivy's main thread.
    handoff = MainThreadHandoff(lambda action, source: app.act(action, source) if app else None)
    services = build_services(args, config=config, config_problems=problems, fullscreen=choice.fullscreen,
                              data_dir=data_dir)
    attach_audio(services, config, data_dir, handoff)
    attach_journal(services, config, data_dir)
    app = KioskApp(services)
    attach_pedals(app, services, config, handoff)
    attach_systemd(app, services, startup.ready_notes(data_dir_usable=data_dir is not None, console=choice.fullscreen))
    report.run(app)
    return 0
