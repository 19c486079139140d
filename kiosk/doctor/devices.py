"""Checks of the devices behind the cues and the pedal: sound card and GPIO."""

from __future__ import annotations

import re

from kiosk.audio.sdlmixer import RATE
from kiosk.doctor import FAIL, OK, SKIP, WARN, Context, Finding

SILENT_DRIVERS = ("dummy", "disk")
#: Pins with another job on a Raspberry Pi header (BCM numbers).
SPECIAL_PINS = {2: "I2C SDA", 3: "I2C SCL", 14: "UART TX", 15: "UART RX", 0: "HAT EEPROM", 1: "HAT EEPROM"}
NO_AUDIO_FIX = ("connect a display with speakers over HDMI, or a USB sound adapter (a Pi 5 has no 3.5 mm jack); "
                "until then the kiosk runs silent with a visual flash")


def sound_cards(ctx: Context) -> dict[int, str]:
    """``{index: name}`` from /proc/asound/cards."""
    text = ctx.system.read("/proc/asound/cards") or ""
    return {int(m.group(1)): m.group(2).strip()
            for m in re.finditer(r"^\s*(\d+) \[(\S+)\s*\]", text, re.MULTILINE)}


def check_audio(ctx: Context) -> list[Finding]:
    system = ctx.system
    if ctx.config.muted:
        return [Finding("audio", SKIP, "the room config mutes all cues (muted: true)")]
    driver = (ctx.env("SDL_AUDIODRIVER") or "").strip().lower()
    if driver in SILENT_DRIVERS:
        return [Finding("audio", WARN, f"SDL_AUDIODRIVER={driver}: the kiosk plays to nowhere",
                        "remove SDL_AUDIODRIVER from the unit's environment (sudo systemctl edit kiosk)")]
    cards = sound_cards(ctx)
    if not cards:
        return [Finding("audio", FAIL, "no sound card", NO_AUDIO_FIX)]
    findings = []
    pcms = system.glob("/dev/snd/pcmC*D*p")
    blocked = [p for p in pcms if not system.can(ctx.user, p, "rw")]
    if blocked:
        findings.append(Finding("audio", FAIL, f"{ctx.user} cannot open {', '.join(blocked)}",
                                f"sudo usermod -aG audio {ctx.user} && sudo systemctl restart kiosk"))
    default = _default_card(ctx, cards)
    if isinstance(default, str):
        findings.append(Finding("audio", FAIL, default,
                                "point it at a card from `aplay -l`, or delete the line to use the first card"))
        default = None
    card = min(cards) if default is None else default
    if _hdmi_without_sink(ctx, card, cards[card]):
        others = [f"{i} ({n})" for i, n in cards.items() if i != card]
        findings.append(Finding("audio", WARN if others else FAIL,
                                f"sound goes to card {card} ({cards[card]}), an HDMI output with no display that "
                                "can play sound attached",
                                ("choose another card in /etc/asound.conf (defaults.pcm.card N, "
                                 f"defaults.ctl.card N); here: {', '.join(others)}") if others else NO_AUDIO_FIX))
    holder = _held_by_other(ctx, card)
    if holder:
        findings.append(Finding("audio", WARN, f"card {card} is held open by {holder}: the kiosk may get no sound",
                                "stop that program, or use Raspberry Pi OS Lite, where no sound server runs"))
    if not findings:
        findings.append(Finding("audio", OK, f"sound goes to card {card} ({cards[card]})"))
    findings.append(_buffer_advice(ctx))
    return findings


def _buffer_advice(ctx: Context) -> Finding:
    """The sound buffer against how busy the CPU is: a starved mixer crackles, a big buffer delays cues."""
    frames = ctx.config.audio_buffer
    shown = f"audio_buffer {frames} frames ({frames / RATE * 1000:.1f} ms before a cue starts)"
    where = ctx.config.path or "room.yaml"
    load = _load(ctx)
    if load is not None and load[0] > load[1] and frames < 1024:
        return Finding("audio", WARN, f"the CPU is busy (load {load[0]:.1f} on {load[1]} cores): cues may crackle "
                                      f"with {shown}",
                       f"set audio_buffer: 1024 in {where} (23 ms before a cue), 2048 if cues still crackle; "
                       "and find what keeps the CPU busy (top)")
    return Finding("audio", OK, shown, f"if cues crackle or stutter on a busy Pi, set audio_buffer: 1024 (or 2048) "
                                       f"in {where}")


def _load(ctx: Context) -> tuple[float, int] | None:
    """The 1-minute load average and the number of cores, when /proc says them."""
    loadavg, cpuinfo = ctx.system.read("/proc/loadavg"), ctx.system.read("/proc/cpuinfo")
    cores = len(re.findall(r"^processor\s*:", cpuinfo or "", re.MULTILINE))
    try:
        return (float(loadavg.split()[0]), cores) if loadavg and cores else None
    except ValueError:
        return None


def _default_card(ctx: Context, cards: dict[int, str]) -> int | str | None:
    """The default card set in /etc/asound.conf or ~/.asoundrc; a message when it names no card."""
    for path in ("/etc/asound.conf", f"/var/lib/{ctx.user}/.asoundrc", f"/home/{ctx.user}/.asoundrc"):
        text = ctx.system.read(path)
        if not text:
            continue
        m = re.search(r"defaults\.pcm\.card\s+(\S+)", text) or re.search(r"^\s*card\s+(\S+)", text, re.MULTILINE)
        if not m:
            continue
        value = m.group(1).strip("\"'")
        if value.isdigit():
            if int(value) in cards:
                return int(value)
            return f"{path} sends sound to card {value}, which does not exist (cards: {_list(cards)})"
        for index, name in cards.items():
            if name == value:
                return index
        return f"{path} sends sound to card \"{value}\", which does not exist (cards: {_list(cards)})"
    return None


def _list(cards: dict[int, str]) -> str:
    return ", ".join(f"{i} {n}" for i, n in sorted(cards.items()))


def _hdmi_without_sink(ctx: Context, card: int, name: str) -> bool:
    if "hdmi" not in name.lower():
        return False
    elds = ctx.system.glob(f"/proc/asound/card{card}/eld#*")
    texts = [ctx.system.read(e) or "" for e in elds]
    return bool(texts) and all(re.search(r"^monitor_present\s+1", t, re.MULTILINE) is None
                               or re.search(r"^eld_valid\s+0", t, re.MULTILINE) for t in texts)


def _held_by_other(ctx: Context, card: int) -> str | None:
    """The program holding the card's playback device, when it is not the kiosk itself."""
    for status in ctx.system.glob(f"/proc/asound/card{card}/pcm*p/sub*/status"):
        text = ctx.system.read(status) or ""
        m = re.search(r"owner_pid\s*:\s*(\d+)", text)
        if not m:
            continue
        comm = (ctx.system.read(f"/proc/{m.group(1)}/comm") or "?").strip()
        if comm not in ("python", "python3", "kiosk") and not comm.startswith("python3."):
            return f"{comm} (pid {m.group(1)})"
    return None


def check_gpio(ctx: Context) -> list[Finding]:
    system = ctx.system
    pedals = ctx.config.pedals
    if not pedals:
        return [Finding("gpio", SKIP, "no pedals in the room config")]
    factory = (ctx.env("GPIOZERO_PIN_FACTORY") or "").strip().lower()
    # The installer's words for the same gap (scripts/install.sh, package_cost).
    no_lgpio = Finding("gpio", FAIL, "the lgpio library is missing: gpiozero cannot read the pins, so there is no "
                       "GPIO foot switch; a USB or Bluetooth pedal and the touch screen still work",
                       "sudo apt-get install python3-lgpio (from the Raspberry Pi archive, which Raspberry Pi OS "
                       "has enabled; the installer's venv sees system packages)")
    lgpio_missing = factory in ("", "lgpio", "mock") and not system.importable("lgpio")
    if factory == "mock":
        return [Finding("gpio", WARN, "GPIOZERO_PIN_FACTORY=mock: the pedal is simulated, a real one is not read",
                        "remove GPIOZERO_PIN_FACTORY=mock from the environment (or set it to lgpio)")] \
            + ([no_lgpio] if lgpio_missing else [])
    chips = system.glob("/dev/gpiochip*")
    if not chips:
        return [Finding("gpio", FAIL, "no GPIO chip (/dev/gpiochip*): not a Raspberry Pi, or the driver is missing",
                        "on a desktop, use a USB pedal or the keyboard; on a Pi, update Raspberry Pi OS")] \
            + ([no_lgpio] if lgpio_missing else [])
    findings = []
    if lgpio_missing:
        findings.append(no_lgpio)
    blocked = [c for c in chips if not system.can(ctx.user, c, "rw")]
    if blocked:
        findings.append(Finding("gpio", FAIL, f"{ctx.user} cannot open {', '.join(blocked)}",
                                f"sudo usermod -aG gpio {ctx.user} && sudo systemctl restart kiosk"))
    for pedal in pedals:
        number = _bcm(pedal.pin)
        if number in SPECIAL_PINS:
            findings.append(Finding("gpio", WARN, f"pedal pin {pedal.pin} is also {SPECIAL_PINS[number]}",
                                    "wire the pedal to a plain pin such as GPIO17 (header pin 11) or GPIO27"))
    if ctx.service_active:
        findings.append(Finding("gpio", SKIP, "pins not probed: the running kiosk owns them"))
    elif not findings:
        for pedal in pedals:
            reason = system.probe_pin(pedal.pin)
            if reason:
                findings.append(Finding("gpio", FAIL, f"pedal pin {pedal.pin}: {reason}",
                                        "stop the other program that uses the pin (gpioinfo shows who), or move "
                                        "the pedal to a free pin and change pedals: pin in the room config"))
    if not any(f.status == FAIL for f in findings):
        findings.append(Finding("gpio", OK, f"pedal pin(s) {', '.join(str(p.pin) for p in pedals)} on "
                                f"{factory or 'the default factory'}"))
    return findings


def _bcm(pin: object) -> int | None:
    text = str(pin).upper()
    for prefix in ("GPIO", "BCM"):
        text = text.removeprefix(prefix)
    return int(text) if text.isdigit() else None
