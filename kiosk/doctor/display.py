"""Checks of what the therapist sees and touches: GPU, input devices, Kivy's touch providers, blanking."""

from __future__ import annotations

import configparser
import re

from kiosk.doctor import FAIL, OK, SKIP, WARN, Context, Finding

SOFTWARE_GL = ("llvmpipe", "softpipe", "swrast", "software rasterizer")
_RENDERER = re.compile(r"OpenGL renderer\s*<?\s*(?:b['\"])?([^'\">]+)")
ABS_MT_POSITION_X = 0x35
#: Kivy input providers that read a Linux event device.
DEVICE_PROVIDERS = ("probesysfs", "mtdev", "hidinput", "linuxwacom")


def check_gpu(ctx: Context) -> list[Finding]:
    system = ctx.system
    cards = system.glob("/dev/dri/card*")
    if not cards:
        return [Finding("gpu", FAIL, "no GPU device (/dev/dri/card*): the KMS driver is not loaded",
                        "put dtoverlay=vc4-kms-v3d in /boot/firmware/config.txt (Raspberry Pi OS default) and reboot")]
    findings = []
    nodes = cards + system.glob("/dev/dri/renderD*")
    blocked = [n for n in nodes if not system.can(ctx.user, n, "rw")]
    if blocked:
        groups = sorted({system.group_name(system.owner(n)[1]) for n in blocked})
        findings.append(Finding("gpu", FAIL, f"{ctx.user} cannot open {', '.join(blocked)}: Kivy would draw "
                                "in software (llvmpipe), slow and choppy",
                                f"sudo usermod -aG {','.join(groups)} {ctx.user} && sudo systemctl restart kiosk"))
    renderer = last_renderer(ctx.journal_lines)
    if renderer is None:
        findings.append(Finding("gpu", SKIP if not blocked else WARN,
                                "no GL renderer in this boot's kiosk log (not started yet, or run doctor with sudo "
                                "to read the journal)"))
    elif any(word in renderer.lower() for word in SOFTWARE_GL):
        findings.append(Finding("gpu", FAIL, f"the GL renderer is software ({renderer}): the GPU is not used",
                                f"make sure {ctx.user} is in groups render and video (sudo usermod -aG render,video "
                                f"{ctx.user}), that dtoverlay=vc4-kms-v3d is set, then sudo systemctl restart kiosk"))
    else:
        findings.append(Finding("gpu", OK, f"hardware GL renderer: {renderer}"))
    return findings


def last_renderer(lines: list[str]) -> str | None:
    """The renderer Kivy logged last, e.g. ``V3D 7.1`` or ``llvmpipe (LLVM 15.0.6, 128 bits)``."""
    for line in reversed(lines):
        m = _RENDERER.search(line)
        if m:
            return m.group(1).strip()
    return None


def input_devices(ctx: Context) -> list[dict]:
    """Event devices from /proc/bus/input/devices: name, event node, and whether it is multitouch."""
    text = ctx.system.read("/proc/bus/input/devices") or ""
    devices = []
    for block in text.split("\n\n"):
        name = re.search(r'^N: Name="(.*)"$', block, re.MULTILINE)
        handlers = re.search(r"^H: Handlers=(.*)$", block, re.MULTILINE)
        event = re.search(r"\bevent(\d+)\b", handlers.group(1)) if handlers else None
        if not name or not event:
            continue
        abs_bits = re.search(r"^B: ABS=([0-9a-f ]+)$", block, re.MULTILINE)
        touch = False
        if abs_bits:
            # The kernel prints the bitmap as space-separated longs, most significant first.
            value = 0
            for word in abs_bits.group(1).split():
                value = (value << 64) | int(word, 16)
            touch = bool(value >> ABS_MT_POSITION_X & 1)
        keys = re.search(r"^B: KEY=([0-9a-f ]+)$", block, re.MULTILINE)
        devices.append({"name": name.group(1), "node": f"/dev/input/event{event.group(1)}",
                        "touch": touch, "keys": bool(keys and keys.group(1).strip("0 "))})
    return devices


def check_input(ctx: Context) -> list[Finding]:
    system = ctx.system
    devices = input_devices(ctx)
    if not devices:
        return [Finding("input", WARN, "no touch screen, keyboard or USB pedal found",
                        "connect the touch screen (DSI ribbon or USB) or a USB pedal; the GPIO pedal works without")]
    findings = []
    for dev in devices:
        if system.exists(dev["node"]) and not system.can(ctx.user, dev["node"], "r"):
            findings.append(Finding("input", FAIL, f"{ctx.user} cannot read {dev['node']} ({dev['name']}): "
                                    "touches and keys from it are lost",
                                    f"sudo usermod -aG input {ctx.user} && sudo systemctl restart kiosk"))
    if not findings:
        kinds = [d["name"] + (" (touch)" if d["touch"] else "") for d in devices]
        findings.append(Finding("input", OK, f"{ctx.user} can read: {', '.join(kinds)}"))
    return findings


def kivy_config_files(ctx: Context) -> list[str]:
    """Kivy's config.ini files the kiosk may read: ``$KIVY_HOME`` and the user's ``~/.kivy``."""
    paths = []
    kivy_home = ctx.env("KIVY_HOME")
    if kivy_home:
        paths.append(f"{kivy_home.rstrip('/')}/config.ini")
    account = [f for f in (ctx.system.read("/etc/passwd") or "").splitlines() if f.startswith(ctx.user + ":")]
    if account and len(account[0].split(":")) >= 6:
        paths.append(f"{account[0].split(':')[5].rstrip('/')}/.kivy/config.ini")
    return [p for p in dict.fromkeys(paths) if ctx.system.exists(p)]


def check_touch_providers(ctx: Context) -> list[Finding]:
    files = kivy_config_files(ctx)
    if not files:
        return [Finding("touch", SKIP, "no Kivy config.ini yet (Kivy writes one on its first start)")]
    touch = [d for d in input_devices(ctx) if d["touch"]]
    if not touch:
        return [Finding("touch", SKIP, "no touch screen found")]
    findings = []
    for path in files:
        parser = configparser.RawConfigParser(strict=False)
        try:
            parser.read_string(ctx.system.read(path) or "", source=path)
        except configparser.Error as exc:
            findings.append(Finding("touch", WARN, f"{path} cannot be read: {exc}", f"delete {path}; Kivy rewrites it"))
            continue
        if not parser.has_section("input"):
            continue
        entries = dict(parser.items("input"))
        for dev in touch:
            readers = [k for k, v in entries.items() if _reads(v, dev)]
            mouse = [k for k, v in entries.items() if v.split(",")[0].strip() == "mouse"
                     and "disable_on_activity" not in v]
            if len(readers) > 1:
                findings.append(Finding(
                    "touch", FAIL,
                    f"{path}: {len(readers)} input providers read {dev['name']} ([input] {', '.join(readers)}): "
                    "every touch arrives twice, so one tap can skip two steps",
                    f"keep one: delete the line(s) {', '.join(readers[1:])} in the [input] section of {path}"))
            elif readers and mouse:
                findings.append(Finding(
                    "touch", FAIL,
                    f"{path}: [input] {mouse[0]} = mouse and {readers[0]} both report the touch screen: "
                    "every touch arrives twice",
                    f"change the line to: {mouse[0]} = mouse,disable_on_activity  (in {path})"))
    if not findings:
        findings.append(Finding("touch", OK, "one input provider per touch device"))
    return findings


def _reads(value: str, dev: dict) -> bool:
    """Whether a Kivy [input] entry reads this device."""
    parts = [p.strip() for p in value.split(",")]
    provider = parts[0]
    if provider not in DEVICE_PROVIDERS:
        return False
    if provider == "probesysfs":
        match = next((p.split("=", 1)[1] for p in parts[1:] if p.startswith("match=")), None)
        return match is None or re.search(match, dev["name"]) is not None
    return len(parts) > 1 and parts[1] == dev["node"]


def check_screen_blanking(ctx: Context) -> list[Finding]:
    value = ctx.system.read("/sys/module/kernel/parameters/consoleblank")
    if value is None:
        return [Finding("screen", SKIP, "cannot read the console blanking setting")]
    if value.strip() != "0":
        return [Finding("screen", FAIL, f"the console blanks after {value.strip()} s without keyboard input: "
                        "the screen goes dark mid-session",
                        "add consoleblank=0 to /boot/firmware/cmdline.txt (the installer does) and reboot")]
    return [Finding("screen", OK, "console blanking is off (consoleblank=0)")]
