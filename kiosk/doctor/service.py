"""Checks of the set-up around the kiosk: room config, user, data folder, service and watchdog."""

from __future__ import annotations

from pathlib import Path

from kiosk.doctor import FAIL, GROUP_USES, OK, SKIP, WARN, Context, Finding

MIN_FREE_BYTES = 50 * 1024 * 1024
INSTALL = "run scripts/install.sh from the kiosk's checkout (see docs/deploy.md)"


def check_config(ctx: Context) -> list[Finding]:
    where = ctx.config.path or "no room config file (defaults)"
    found = [
        Finding("config", FAIL, str(problem),
                f"edit {problem.path}" + (f" at line {problem.line}" if problem.line else "")
                + "; until then the kiosk uses the default for this value")
        for problem in ctx.config_problems
    ] + _check_default_routine(ctx) + _check_home(ctx) + _check_language(ctx)
    return found or [Finding("config", OK, f"{where}: no problems")]


def _check_default_routine(ctx: Context) -> list[Finding]:
    """The routine the kiosk opens at start exists, and can be planned to the default length."""
    from kiosk.controller import Library
    from kiosk.paths import ROUTINES_DIR
    from kiosk.routines.durations import fmt_clock
    from kiosk.routines.plan import reachable

    config, edit = ctx.config, f"edit {ctx.config.path or 'the room config'}"
    if not config.default_routine:
        return []
    library = Library.load([ROUTINES_DIR, *(ctx.system.path(str(p)) for p in config.routines)])
    key = config.default_routine.strip().casefold()
    routine = next((r for r in library.routines if Path(r.path).stem.casefold() == key
                    or r.name.casefold() == key or str(r.path) == str(ctx.system.path(config.default_routine))), None)
    if routine is None:
        known = ", ".join(sorted(Path(r.path).stem for r in library.routines)) or "none"
        return [Finding("config", FAIL, f"default_routine: there is no routine \"{config.default_routine}\"",
                        f"{edit}: use one of {known}; until then the kiosk starts on the routine list")]
    if config.default_length is None:
        return []
    low, high = reachable(routine)
    if low - 0.5 <= config.default_length <= high + 0.5:
        return []
    return [Finding("config", FAIL, f"default_length {fmt_clock(config.default_length)} is out of reach for "
                    f"{routine.name} (it plans {fmt_clock(low)} to {fmt_clock(high)})",
                    f"{edit}: set default_length within that range, or leave it out")]


def _check_language(ctx: Context) -> list[Finding]:
    """The screens' language (the room's ``language:``, else the kiosk's locale) has the kiosk's words."""
    from kiosk import i18n

    tag = ctx.config.language
    source = "language: " + (tag or "")
    if not tag:
        env = {name: ctx.env(name) or "" for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
        tag, source = i18n.system_language(env), "the system locale"
    if i18n.language(tag).translated:
        return []
    shipped = ", ".join(i18n.available())
    return [Finding("config", WARN, f"{source} asks for {tag}, which the kiosk has no words for: its screens "
                    "show English", f"set language: to one of {shipped} in {ctx.config.path or 'the room config'}, "
                    f"or add {tag} (docs/languages.md: copy a .po file, translate it, make translations)")]


def _check_home(ctx: Context) -> list[Finding]:
    home = ctx.env("HOME")
    if home is None or home.strip():
        return []
    return [Finding("config", WARN, "HOME is set but empty for the kiosk: the default data folder and Kivy's "
                    "files would land relative to wherever it starts",
                    "set Environment=HOME=/var/lib/kiosk in the unit (systemctl edit kiosk), or data_dir in "
                    "the room config")]


def check_user(ctx: Context) -> list[Finding]:
    system = ctx.system
    if system.user(ctx.user) is None:
        return [Finding("user", FAIL, f'there is no user "{ctx.user}" to run the kiosk', INSTALL)]
    if system.user(ctx.user)[0] == 0:
        return [Finding("user", WARN, "the kiosk would run as root",
                        "run it as the kiosk user: " + INSTALL)]
    have = system.groups_of(ctx.user)
    missing = [g for g in GROUP_USES if g not in have]
    absent = [g for g in missing if system.group_id(g) is None]
    if not missing:
        return [Finding("user", OK, f"{ctx.user} is in {', '.join(GROUP_USES)}")]
    findings = [
        Finding("user", FAIL, f"{ctx.user} is not in group {g}, which gives it {GROUP_USES[g]}",
                f"sudo usermod -aG {g} {ctx.user} && sudo systemctl restart kiosk")
        for g in missing if g not in absent
    ]
    if absent:
        findings.append(Finding("user", WARN, f"group(s) {', '.join(absent)} do not exist on this machine",
                                "on a Raspberry Pi they come with the OS; elsewhere " + INSTALL))
    return findings


def check_data_dir(ctx: Context) -> list[Finding]:
    system = ctx.system
    directory = ctx.data_dir
    if directory is None:
        return [Finding("data", SKIP, "no data folder resolved")]
    path = str(directory)
    if system.exists(path) and not system.path(path).is_dir():
        return [Finding("data", FAIL, f"the data folder {path} is a file, not a folder",
                        "set data_dir in the room config to a folder of its own, e.g. /var/lib/kiosk")]
    if not system.exists(path):
        parent = directory.parent
        while not system.exists(str(parent)) and parent != parent.parent:
            parent = parent.parent
        if not system.path(str(parent)).is_dir():
            return [Finding("data", FAIL, f"the data folder {path} cannot be created: {parent} is a file, "
                            "not a folder", "set data_dir in the room config to a folder of its own, "
                            "e.g. /var/lib/kiosk")]
        if system.can(ctx.user, str(parent), "w"):
            return [Finding("data", OK, f"{path} does not exist yet; the kiosk creates it on its first start")]
        return [Finding("data", FAIL, f"the data folder {path} does not exist and {ctx.user} cannot create it",
                        f"sudo install -d -o {ctx.user} -g {ctx.user} -m 0750 {path}  (the installer does this)")]
    mount = system.mount_of(path)
    findings = []
    if mount is not None and "ro" in mount.options:
        return [Finding("data", FAIL, f"{path} is on a read-only file system ({mount.mountpoint})",
                        "sessions cannot be saved or resumed; put the data folder on a writable partition "
                        "(docs/deploy.md, 'Read-only root')")]
    if system.user_name(system.euid) == ctx.user:
        error = system.try_write(path)
        writable = error is None
    else:
        error, writable = "permission denied", system.can(ctx.user, path, "rw")
    if not writable:
        findings.append(Finding("data", FAIL, f"{ctx.user} cannot write {path} ({error})", _own_folder_fix(ctx, path)))
    if mount is not None and mount.fstype in ("overlay", "tmpfs", "ramfs"):
        findings.append(Finding(
            "data", WARN,
            f"{path} is on {mount.fstype} ({mount.mountpoint}): the journal and resume snapshots are lost at "
            "every reboot, so a power cut loses the session",
            "mount a real partition on the data folder: scripts/install.sh --data-device LABEL=KIOSKDATA "
            "(docs/deploy.md, 'Read-only root')"))
    free = system.free_bytes(path)
    if free is not None and free < MIN_FREE_BYTES:
        findings.append(Finding("data", WARN, f"only {free // (1024 * 1024)} MB free for {path}",
                                "free some space; a full disk stops the journal"))
    findings += _check_journal(ctx, path)
    if writable and not findings:
        findings.append(Finding("data", OK, f"{path} is writable by {ctx.user}"
                                + (f" ({mount.fstype} on {mount.mountpoint})" if mount else "")))
    return findings


def _own_folder_fix(ctx: Context, path: str) -> str:
    """How to let the kiosk write ``path``: a chown only for a folder that is plainly the kiosk's own."""
    owner = ctx.system.owner(path)
    users = {ctx.system.user_name(owner[0]) if owner else None}
    if "kiosk" in Path(path).name.lower() or ctx.user in users:
        return f"sudo chown -R {ctx.user}:{ctx.user} {path}"
    return (f"{path} is not the kiosk's own folder: do not change its owner; set data_dir in the room config "
            f"to a folder of its own (sudo install -d -o {ctx.user} -g {ctx.user} -m 0750 /var/lib/kiosk)")


def _check_journal(ctx: Context, path: str) -> list[Finding]:
    """The journal file itself: a regular file that SQLite's quick_check calls sound."""
    import sqlite3

    from kiosk.journal import store

    journal = ctx.system.path(str(store.database_path(path)))
    if not journal.exists():
        return []
    shown = store.database_path(path)
    if not journal.is_file():
        return [Finding("data", FAIL, f"{shown} is not a regular file",
                        "move it out of the way; the kiosk writes its journal as a file there")]
    try:
        conn = store.connect_readonly(journal)
        try:
            found = store.check(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        found = str(exc)
    except sqlite3.Error:  # cannot be opened (permissions): the writability check says why
        return []
    if found is None:
        return []
    return [Finding("data", FAIL, f"the session journal {shown} is damaged ({found})",
                    store.RECOVER_HINT.format(path=shown))]


def check_service(ctx: Context) -> list[Finding]:
    props = ctx.service
    if props is None:
        return [Finding("service", SKIP, "not a systemd machine (or systemctl is missing)")]
    if props.get("LoadState") != "loaded":
        return [Finding("service", FAIL, f"{ctx.unit} is not installed ({props.get('LoadState', 'unknown')})",
                        INSTALL)]
    findings = []
    state = props.get("UnitFileState", "")
    if state not in ("enabled", "enabled-runtime", "static", "linked"):
        findings.append(Finding("service", FAIL, f"{ctx.unit} does not start at boot ({state or 'unknown'})",
                                f"sudo systemctl enable {ctx.unit}"))
    active, sub, result = props.get("ActiveState", ""), props.get("SubState", ""), props.get("Result", "")
    unmet = unmet_conditions(ctx) if props.get("ConditionResult") == "no" else []
    if unmet:
        findings.append(Finding("service", FAIL, f"{ctx.unit} was not started: its condition {', '.join(unmet)}",
                                "on a Raspberry Pi the console /dev/tty1 always exists; elsewhere (a container, a "
                                "board without a console) give it one, or override the condition with "
                                f"sudo systemctl edit {ctx.unit}"))
    elif active not in ("active", "activating", "reloading"):
        findings.append(Finding("service", FAIL,
                                f"{ctx.unit} is {active}/{sub}" + (f" (last result: {result})" if result else ""),
                                f"see why with: journalctl -u {ctx.unit} -b -n 50; "
                                f"then sudo systemctl restart {ctx.unit}"))
    said = props.get("StatusText", "")
    if said and active != "active" and not unmet:
        findings.append(Finding("service", FAIL if said.startswith("cannot start") else WARN,
                                f"{ctx.unit} says: {said}",
                                f"journalctl -u {ctx.unit} -b -n 50 shows the lines before"))
    restarts = int(props.get("NRestarts", "0") or 0)
    if restarts:
        findings.append(Finding("service", WARN,
                                f"{ctx.unit} was restarted {restarts} time(s) since it was started"
                                + (f"; last result: {result}" if result and result != "success" else ""),
                                f"journalctl -u {ctx.unit} -b shows each crash or watchdog kill"))
    if not findings:
        findings.append(Finding("service", OK, f"{ctx.unit} is enabled and {active}/{sub}"))
    return findings


def check_watchdog(ctx: Context) -> list[Finding]:
    props = ctx.service
    if props is None or props.get("LoadState") != "loaded":
        return [Finding("watchdog", SKIP, "no kiosk service to check")]
    findings = []
    if props.get("Type") != "notify":
        findings.append(Finding("watchdog", FAIL, f"{ctx.unit} is Type={props.get('Type')}, not notify: "
                                "systemd cannot tell a frozen screen from a working one",
                                "remove the drop-in that changes Type (systemctl cat kiosk), or reinstall the unit"))
    usec = props.get("WatchdogUSec", "0")
    if _off(usec) and not ctx.service_active:
        # Not running: what counts is what the unit file says (the watchdog is armed at start).
        usec = ctx.unit_setting("WatchdogSec") or usec
    if _off(usec):
        findings.append(Finding("watchdog", FAIL, "the watchdog is off: a frozen kiosk would never be restarted",
                                "set WatchdogSec=20 in the unit (systemctl edit kiosk), or reinstall it"))
    if props.get("Result") == "watchdog":
        findings.append(Finding("watchdog", WARN, "the watchdog killed a frozen kiosk since boot (it was restarted)",
                                f"journalctl -u {ctx.unit} -b around 'Watchdog timeout' shows when"))
    if not findings:
        findings.append(Finding("watchdog", OK, f"Type=notify with WatchdogSec={usec}"))
    return findings


def _off(usec: str) -> bool:
    return usec in ("0", "infinity", "") or usec.startswith("0")


def unmet_conditions(ctx: Context) -> list[str]:
    """The unit's Condition...= lines that do not hold here, as 'ConditionPathExists=/dev/tty1 is not met'."""
    unmet = []
    for key, value in ctx.unit_settings:
        if not key.startswith("Condition") or not value:
            continue
        negate = value.startswith("!")
        path = value.lstrip("!|")
        if key in ("ConditionPathExists", "ConditionPathIsDirectory", "ConditionFileNotEmpty"):
            if ctx.system.exists(path) == negate:
                unmet.append(f"{key}={value} is not met")
        else:
            unmet.append(f"{key}={value} may not be met")
    return unmet or ["(see systemctl status " + ctx.unit + ")"]
