"""``kiosk doctor``: the things that break kiosks in practice, each found and explained with its fix.

Every check reads the machine through a :class:`~kiosk.doctor.system.System`, so tests stage each
fault on a scratch folder. A check returns findings: ``ok``, ``warn`` (works, but worth knowing),
``fail`` (the kiosk is broken or will be) or ``skip`` (does not apply here). Any ``fail`` makes the
command exit 1.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from kiosk.config import SYSTEM_CONFIG, RoomConfig, apply_environment, load_config, resolve_data_dir
from kiosk.doctor.system import System
from kiosk.errors import Problem

OK, WARN, FAIL, SKIP = "ok", "warn", "fail", "skip"
SYSTEM_CONFIG_PATH = str(SYSTEM_CONFIG)

#: The groups the kiosk user needs, and what each gives it.
GROUP_USES = {
    "render": "the GPU (without it Kivy falls back to slow software drawing)",
    "video": "the display",
    "input": "the touch screen and USB pedals",
    "audio": "the sound cues",
    "gpio": "the foot switch pins",
}


@dataclass(frozen=True)
class Finding:
    """One result: which check, how it went, what was seen, and how to fix it."""

    check: str
    status: str
    message: str
    fix: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"check": self.check, "status": self.status, "message": self.message, "fix": self.fix}


@dataclass
class Context:
    """What the checks share: the machine, the user the kiosk runs as, its config and data folder."""

    system: System
    user: str
    config: RoomConfig
    config_problems: list[Problem] = field(default_factory=list)
    data_dir: Path | None = None
    unit: str = "kiosk.service"

    @cached_property
    def under_systemd(self) -> bool:
        return self.system.exists("/run/systemd/system")

    @cached_property
    def service(self) -> dict[str, str] | None:
        """The unit's properties from ``systemctl show``, or None without systemd."""
        if not self.under_systemd:
            return None
        names = ("LoadState", "ActiveState", "SubState", "Result", "UnitFileState", "NRestarts", "Type",
                 "WatchdogUSec", "Environment", "ExecMainStatus", "User", "ConditionResult", "StatusText")
        done = self.system.run("systemctl", "show", self.unit, "--no-pager", "-p", ",".join(names))
        if done is None:
            return None
        props = {}
        for line in done[1].splitlines():
            key, sep, value = line.partition("=")
            if sep:
                props[key] = value
        return props

    @cached_property
    def unit_settings(self) -> list[tuple[str, str]]:
        """``Key=value`` lines of the unit file and its drop-ins as ``systemctl cat`` shows them, in order
        (what is configured, also while the service is not running)."""
        if not self.under_systemd:
            return []
        done = self.system.run("systemctl", "cat", self.unit, "--no-pager")
        if done is None or done[0] != 0:
            return []
        pairs = []
        for line in done[1].splitlines():
            line = line.strip()
            if line and not line.startswith(("#", ";", "[")) and "=" in line:
                key, _, value = line.partition("=")
                pairs.append((key.strip(), value.strip()))
        return pairs

    def unit_setting(self, key: str) -> str | None:
        """The value systemd uses for ``key`` (the last assignment wins), or None when not set."""
        values = [v for k, v in self.unit_settings if k == key]
        return values[-1] if values else None

    @cached_property
    def unit_environment(self) -> dict[str, str]:
        """The ``Environment=`` the unit gives the kiosk (empty without systemd)."""
        raw = (self.service or {}).get("Environment", "")
        try:
            words = shlex.split(raw)
        except ValueError:
            words = raw.split()
        return dict(w.split("=", 1) for w in words if "=" in w)

    def env(self, name: str) -> str | None:
        """A variable as the kiosk sees it: the unit's value first, then this process's."""
        return self.unit_environment.get(name, self.system.environ.get(name))

    @property
    def service_active(self) -> bool:
        return (self.service or {}).get("ActiveState") in ("active", "reloading", "activating")

    @property
    def journal_lines(self) -> list[str]:
        return self._journal

    @cached_property
    def _journal(self) -> list[str]:
        """This boot's kiosk log (newest last); empty when it cannot be read (not root, no journal)."""
        if not self.under_systemd:
            return []
        done = self.system.run("journalctl", "-u", self.unit, "-b", "-o", "cat", "--no-pager", "-n", "5000")
        if done is None or done[0] != 0:
            return []
        return done[1].splitlines()


def make_context(system: System, *, user: str | None = None, config_path: str | None = None,
                 data_dir: str | None = None, unit: str = "kiosk.service") -> Context:
    """The context as the kiosk service would see it: its user, and config and data folder from its unit."""
    probe = Context(system, user or "kiosk", RoomConfig(), unit=unit)
    if user is None:
        user = ((probe.service or {}).get("User") or ("kiosk" if system.user("kiosk") else None)
                or system.user_name(system.euid) or "root")
        probe.user = user
    environ = {**system.environ, **probe.unit_environment}
    config, problems = _load_config(system, config_path, environ)
    ctx = Context(system, user, config, problems, resolve_data_dir(data_dir, config, environ), unit)
    ctx.__dict__.update({k: probe.__dict__[k] for k in ("under_systemd", "service", "unit_environment")
                         if k in probe.__dict__})
    return ctx


def _load_config(system: System, path: str | None, environ: dict[str, str]) -> tuple[RoomConfig, list[Problem]]:
    """The room config as the kiosk on ``system`` reads it, with the machine's paths in the problems."""
    path = path or environ.pop("KIOSK_CONFIG", None) or (
        SYSTEM_CONFIG_PATH if system.exists(SYSTEM_CONFIG_PATH) else None)
    environ.pop("KIOSK_CONFIG", None)
    if not path:
        return apply_environment(RoomConfig(), environ)
    path = os.path.abspath(path)
    real = str(system.path(path))
    config, problems = load_config(real, environ)
    problems = [replace(p, path=path) if p.path == real else p for p in problems]
    return replace(config, path=path), problems


Check = Callable[[Context], list[Finding]]


def all_checks() -> list[tuple[str, Check]]:
    """Every check in the order the report lists them."""
    from kiosk.clinic.doctor import check_clinic
    from kiosk.doctor import devices, display, overrides, service

    return [
        ("config", service.check_config), ("user", service.check_user),
        ("gpu", display.check_gpu), ("input", display.check_input),
        ("touch", display.check_touch_providers), ("screen", display.check_screen_blanking),
        ("audio", devices.check_audio), ("gpio", devices.check_gpio),
        ("data", service.check_data_dir), ("settings", overrides.check_settings),
        ("service", service.check_service), ("watchdog", service.check_watchdog),
        ("clinic", check_clinic),
    ]


def run_checks(ctx: Context, only: list[str] | None = None) -> list[Finding]:
    """Run the checks (or ``only`` those named); a check that crashes is itself a finding."""
    findings: list[Finding] = []
    for name, check in all_checks():
        if only and name not in only:
            continue
        try:
            findings.extend(check(ctx))
        except Exception as exc:  # noqa: BLE001 - one broken check must not hide the others
            findings.append(Finding(name, FAIL, f"the check itself failed: {type(exc).__name__}: {exc}",
                                    "report this; the other checks still ran"))
    return findings


__all__ = ["OK", "WARN", "FAIL", "SKIP", "GROUP_USES", "Context", "Finding", "all_checks", "make_context",
           "run_checks"]
