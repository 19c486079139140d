#!/usr/bin/env python3
"""Every benchmark, one after the other, then one table of the figures next to their baselines.

What ``make bench`` runs (about 35 minutes on 2 cores; the step-timing run alone takes 15, as
the long routine must last 10 minutes of real time). Each script prints its own figures and
writes JSON to bench/results/; this one reads that JSON back and writes the table as markdown
to bench/results/latest.md, for the README.

    .venv/bin/python bench/run_all.py [--quick]     # --quick: short runs, for trying it out
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"

#: (script, arguments for the full run, arguments for --quick)
PLAN = (
    ("bench_startup.py", ["--runs", "5"], ["--runs", "2"]),
    ("bench_loader.py", [], ["--repeat", "2"]),
    ("bench_pedal_logic.py", ["--presses", "200"], ["--presses", "40"]),
    ("bench_input_latency.py", ["--presses", "200", "--quota-presses", "200"],
     ["--presses", "30", "--quota-presses", "30"]),
    ("bench_cue_latency.py", ["--cues", "100"], ["--cues", "30"]),
    ("bench_screens.py", ["--seconds", "20"], ["--seconds", "6"]),
    ("bench_timing.py", ["--long", "600", "--fast", "120", "--quota", "120"],
     ["--long", "60", "--fast", "20", "--quota", "30"]),
    ("bench_clinic.py", [], ["--steps", "15", "--cpu-runs", "1", "--cpu-s", "10", "--rooms", "3", "--speed", "60"]),
    ("bench_desk.py", ["--seconds", "30"], ["--seconds", "10"]),
)


def load(name: str) -> dict | None:
    path = RESULTS / name
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def ms(value) -> str:
    if value is None:
        return "n/a"
    return f"{value:.2f} ms" if abs(value) < 1 else f"{value:.1f} ms"


def table(durations: dict[str, float], failed: list[str], command: str) -> str:
    rows: list[tuple[str, str, str, str]] = []
    timing = load("timing.json")
    if timing:
        for label in ("long", "fast"):
            run = timing["runs"].get(label)
            if not run:
                continue
            k, n = run["kiosk"], run["naive"]
            what = f"step change - deadline, {run['steps']} x {run['step_s']} s steps"
            rows.append((f"{what}: median / p99 abs", f"{ms(k['median_ms'])} / {ms(k['p99_abs_ms'])}",
                         f"{ms(n['median_ms'])} / {ms(n['p99_abs_ms'])}", "p99 <= 17 ms"))
            rows.append((f"{what}: drift at the end (first / last tenth median)",
                         f"{ms(k['end_drift_ms'])} "
                         f"({ms(k['first_tenth_median_ms'])} / {ms(k['last_tenth_median_ms'])})",
                         f"{ms(n['end_drift_ms'])} "
                         f"({ms(n['first_tenth_median_ms'])} / {ms(n['last_tenth_median_ms'])})",
                         "no growth"))
        quota = timing["runs"].get("quota")
        if quota:
            k, n = quota["kiosk"], quota["naive"]
            share = f"{k.get('cpu_share', 0.25):.0%} of a core"
            rows.append((f"step change - deadline, {quota['steps']} x {quota['step_s']} s steps, held to {share}: "
                         "median / p99 abs", f"{ms(k['median_ms'])} / {ms(k['p99_abs_ms'])}",
                         f"{ms(n['median_ms'])} / {ms(n['p99_abs_ms'])}", "p99 <= 50 ms"))
            if "seconds_shown" in k:
                rows.append((f"new second on the big clock, held to {share}: median / p99 after it fell due; "
                             "seconds later than 50 ms", f"{ms(k['second_median_ms'])} / {ms(k['second_p99_ms'])}; "
                             f"{k['seconds_late']} of {k['seconds_shown']}", "", "none late"))
            rows.append((f"CPU held to {share}, % of one core", f"{k['cpu_pct']:.1f} %", f"{n['cpu_pct']:.1f} %",
                         "<= naive"))
        run = timing["runs"].get("long") or next(iter(timing["runs"].values()), None)
        if run:
            k, n = run["kiosk"], run["naive"]
            rows.append(("CPU during the session, % of one core (with its X server)",
                         f"{k['cpu_pct']:.1f} % ({k['cpu_with_x_pct']:.1f} %)",
                         f"{n['cpu_pct']:.1f} % ({n['cpu_with_x_pct']:.1f} %)", "<= naive"))
            rows.append(("frames drawn per second during the session", f"{k['frames_drawn_per_s']}",
                         f"{n['frames_drawn_per_s']}", ""))
            rows.append(("peak RSS", f"{k['peak_rss_mib']:.0f} MiB", f"{n['peak_rss_mib']:.0f} MiB",
                         f"<= 1.25 x naive ({1.25 * n['peak_rss_mib']:.0f} MiB)"))
    inputs = load("input_latency.json")
    if inputs:
        for source, quota in (("pedal", False), ("keyboard", False), ("keyboard", True)):
            got = [r for r in inputs["rows"] if r["source"] == source and bool(r.get("cpu_share")) == quota]
            base = next((r for r in got if "baseline" in r["variant"]), None)
            ours = next((r for r in got if "wakes on input" in r["variant"]), None)
            if ours and base:
                held = f", held to {ours['cpu_share']:.0%} of a core" if quota else ""
                rows.append((f"{source} to screen, {ours['presses']} presses{held}: median / p99 (of which drawing "
                             "the frame, median / p99)",
                             f"{ms(ours['median_ms'])} / {ms(ours['p99_ms'])} ({ms(ours.get('draw_median_ms'))} / "
                             f"{ms(ours.get('draw_p99_ms'))})",
                             f"{ms(base['median_ms'])} / {ms(base['p99_ms'])} (Kivy default clock)",
                             "p99 <= 33 ms" if not quota else ""))
    cue = load("cue_latency.json")
    if cue:
        ok = [v for v in cue["variants"] if "error" not in v]
        ours = next((v for v in ok if v["variant"].endswith("(default)")), None)
        base = next((v for v in ok if v["variant"].endswith("(baseline)")), None)
        if ours and base:
            rows.append((f"cue deadline to first sample (SDL disk), {ours['cues']} cues: median / p99",
                         f"{ms(ours['median_ms'])} / {ms(ours['p99_ms'])}",
                         f"{ms(base['median_ms'])} / {ms(base['p99_ms'])} (Kivy SoundLoader)", "p99 < 30 ms"))
    screens = load("screens.json")
    if screens:
        for name, row in screens["kiosk"].items():
            base, what = ((screens["naive"]["counting"], "counting") if name == "session"
                          else (screens["naive"]["idle"], "idle"))
            rows.append((f"CPU on the {name} screen, left alone, % of one core (frames drawn per second)",
                         f"{row['cpu_pct']:.1f} % ({row['frames_per_s']:.1f})",
                         f"{base['cpu_pct']:.1f} % ({base['frames_per_s']:.1f}) (naive countdown, {what})",
                         "<= naive"))
    start = load("startup.json")
    if start:
        rows.append((f"start-up to first frame, median of {start['kiosk']['runs']} (max)",
                     f"{start['kiosk']['median_s']:.2f} s ({start['kiosk']['max_s']:.2f} s)",
                     f"{start['naive']['median_s']:.2f} s ({start['naive']['max_s']:.2f} s) (bare Kivy app)",
                     "<= 1.0 s"))
    pedal = load("pedal_logic.json")
    if pedal:
        ours, base = pedal["footswitch"]["tap"], pedal["gpiozero Button (baseline)"]["tap"]
        rows.append(("pedal release edge to action (gesture logic, mock pin): median / p99",
                     f"{ms(ours['median_ms'])} / {ms(ours['p99_ms'])}",
                     f"{ms(base['median_ms'])} / {ms(base['p99_ms'])} (gpiozero Button)", ""))
    loader = load("loader.json")
    if loader and loader.get("results"):
        first = loader["results"][0]
        if first.get("safe_load_s") is not None:
            rows.append((f"load {first['input']} ({first['kib']:.0f} KiB)", f"{first['loader_s'] * 1000:.1f} ms",
                         f"{first['safe_load_s'] * 1000:.1f} ms (yaml.safe_load)", ""))

    clinic = load("clinic.json")
    if clinic:
        lat, cpu, fleet = clinic["latency"], clinic["cpu"], clinic["fleet"]
        real = cpu.get("kiosk_latency") or {}
        rows.append((f"step change to state at an MQTT subscriber, {lat['changes']} changes (simulated room): "
                     "median / p99", f"{ms(lat['median_ms'])} / {ms(lat['p99_ms'])}", "", "p99 <= 50 ms"))
        if real.get("changes"):
            rows.append((f"the same on the real kiosk, {real['changes']} changes: median / p99",
                         f"{ms(real['median_ms'])} / {ms(real['p99_ms'])}", "", "p99 <= 50 ms"))
        rows.append(("kiosk CPU during a session, MQTT on (off), % of one core",
                     f"{cpu['on_median_pct']:.2f} % ({cpu['off_median_pct']:.2f} %)",
                     "MQTT off, same run", "<= +0.5 %"))
        rows.append((f"{fleet['rooms']} simulated rooms on one broker: broker / each room, % of one core",
                     f"{fleet['broker_cpu_pct']:.2f} % / {fleet['room_cpu_pct_each_median']:.2f} %", "", ""))

    machine = (f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs, load average "
               f"{os.getloadavg()[0]:.1f} at the end")
    lines = [f"Figures from `{command}` on {time.strftime('%Y-%m-%d')}, {machine}; Kivy under Xvfb with "
             "Mesa llvmpipe (software GL). Each baseline ran in the same run.", "",
             "| measure | kiosk | baseline | target |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    lines.append("")
    lines.append("Time per benchmark: " + ", ".join(f"{k} {v / 60:.1f} min" for k, v in durations.items()))
    if failed:
        lines.append("")
        lines.append("FAILED (see their output above): " + ", ".join(failed))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs (minutes, not 20)")
    args = parser.parse_args(argv)
    planned = [name for name, _, _ in PLAN]
    extra = sorted(p.name for p in BENCH.glob("bench_*.py") if p.name not in planned)
    plan = list(PLAN) + [(name, [], []) for name in extra]  # a benchmark added later still runs
    durations: dict[str, float] = {}
    failed: list[str] = []
    began = time.monotonic()
    for name, full, quick in plan:
        print(f"\n=== {name} ===", flush=True)
        start = time.monotonic()
        code = subprocess.call([sys.executable, str(BENCH / name), *(quick if args.quick else full)], cwd=ROOT)
        durations[name.removesuffix(".py")] = time.monotonic() - start
        if code != 0:
            failed.append(f"{name} (exit {code})")
    command = "make bench" if not args.quick else "bench/run_all.py --quick"
    text = table(durations, failed, command)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.md").write_text(text)
    print(f"\n=== all benchmarks: {(time.monotonic() - began) / 60:.1f} min ===\n")
    print(text)
    print(f"wrote {(RESULTS / 'latest.md').relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
