#!/usr/bin/env python3
"""The clinic network: state latency, what MQTT costs the kiosk, and ten rooms on one broker.

All against a real Mosquitto on localhost with the shipped config (kiosk_testkit/mosquitto.py).

1. Step change to state message: ``kiosk simulate --realtime --mqtt-config`` plays a routine of
   short timed steps; a paho subscriber notes when each state with a new step arrives. The
   previous state said when its step ends (``step.ends_at``), so latency = arrival - that time.
   The same is measured on the real kiosk during the "on" runs of 2. Target: p99 <= 50 ms.
2. Kiosk CPU with MQTT on against off: the real kiosk under Xvfb, the same routine, alternating
   off / on runs of the same length in the same run; CPU from /proc (the kiosk process only).
   Target: at most +0.5 % of one core.
3. Ten simulated rooms (``kiosk simulate --realtime --speed N``) on one broker: CPU of the broker
   and of the rooms, per room, while they run.

    .venv/bin/python bench/bench_clinic.py [--steps 60] [--cpu-runs 2 --cpu-s 30] [--rooms 10]

Prints the figures and writes bench/results/clinic.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

from benchlib import write_results  # noqa: E402  (bench/ is on sys.path when run)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk_testkit.mosquitto import Mosquitto  # noqa: E402

USERS = {"desk": "desk-pass", **{f"room-{n}": f"room{n}-pass" for n in range(1, 11)}}
TICKS = os.sysconf("SC_CLK_TCK")


def routine(folder: Path, steps: int, step_s: float) -> Path:
    lines = ["version: 1", "name: Bench steps", "warning: 10m", "steps:"]  # no heads-up cues
    lines += [f"  - name: Step {i + 1}\n    time: {step_s:g}s" for i in range(steps)]
    path = folder / "bench-steps.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def room_config(folder: Path, broker: Mosquitto, n: int) -> Path:
    secret = folder / f"room{n}.secret"
    secret.write_text(USERS[f"room-{n}"] + "\n")
    secret.chmod(0o600)
    path = folder / f"room{n}.yaml"
    path.write_text(f"room: Room {n}\nmqtt:\n  broker: 127.0.0.1:{broker.port}\n  username: room-{n}\n"
                    f"  password_file: {secret}\n  discovery: false\n")
    return path


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


class Arrivals:
    """A desk subscriber noting when each state arrives."""

    def __init__(self, broker: Mosquitto, topic: str):
        import paho.mqtt.client as mqtt

        self.seen: list[tuple[float, dict]] = []
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
        self.client.username_pw_set("desk", USERS["desk"])
        ready = threading.Event()
        self.client.on_connect = lambda c, *a: c.subscribe(topic, qos=1)
        self.client.on_subscribe = lambda *a: ready.set()
        self.client.on_message = lambda c, u, m: self.seen.append((time.time(), json.loads(m.payload)))
        self.client.connect("127.0.0.1", broker.port)
        self.client.loop_start()
        ready.wait(10)

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


def latency(broker: Mosquitto, folder: Path, steps: int, step_s: float) -> dict:
    path = routine(folder, steps, step_s)
    watch = Arrivals(broker, "kiosk/room-1/state")
    subprocess.run([sys.executable, "-m", "kiosk", "simulate", str(path), "--realtime", "--mqtt-config",
                    str(room_config(folder, broker, 1))], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    watch.close()
    return {"steps": steps, "step_s": step_s, **summary(latencies(watch.seen))}


def latencies(seen: list[tuple[float, dict]]) -> list[float]:
    """Arrival of each state with the next step - when the state before said its step ends (ms)."""
    lat, previous = [], None
    for arrived, state in seen:
        step = state.get("step")
        if previous and step and step["index"] == previous["step"]["index"] + 1 and previous["step"]["ends_at"]:
            due = datetime.fromisoformat(previous["step"]["ends_at"]).timestamp()
            lat.append((arrived - due) * 1000.0)
        if step:
            previous = state
    return lat


def summary(lat: list[float]) -> dict:
    return {"changes": len(lat), "median_ms": statistics.median(lat) if lat else None,
            "p99_ms": pct(lat, 0.99) if lat else None, "max_ms": max(lat) if lat else None, "target_p99_ms": 50.0}


def kiosk_cpu(broker: Mosquitto, folder: Path, runs: int, seconds: float) -> dict:
    from kiosk_testkit.process import KioskProcess
    from kiosk_testkit.xvfb import Xvfb

    path = routine(folder, 300, 2.0)  # 10 minutes; a routine has at most 500 steps
    config = room_config(folder, broker, 2)
    out: dict[str, list[float]] = {"off": [], "on": []}
    seen: list[tuple[float, dict]] = []
    with Xvfb(1280, 800) as screen:
        for n in range(runs):
            for mode in ("off", "on"):
                extra = ["--config", str(config)] if mode == "on" else []
                watch = Arrivals(broker, "kiosk/room-2/state") if mode == "on" else None
                kiosk = KioskProcess(screen, "--routine", str(path), "--windowed", "--data-dir",
                                     str(folder / f"data-{mode}-{n}"), *extra).start()
                try:
                    kiosk.key("space")
                    time.sleep(3.0)  # past the start-up
                    c0, t0 = cpu_s(kiosk.proc.pid), time.monotonic()
                    time.sleep(seconds)
                    c1, t1 = cpu_s(kiosk.proc.pid), time.monotonic()
                    out[mode].append(100.0 * (c1 - c0) / (t1 - t0))
                finally:
                    kiosk.stop()
                    if watch is not None:
                        watch.close()
                        seen += watch.seen
    off, on = statistics.median(out["off"]), statistics.median(out["on"])
    return {"runs": runs, "seconds": seconds, "off_pct": out["off"], "on_pct": out["on"],
            "off_median_pct": off, "on_median_pct": on, "extra_pct": on - off, "target_extra_pct": 0.5,
            "kiosk_latency": summary(latencies(seen))}


def fleet(broker: Mosquitto, folder: Path, rooms: int, speed: float) -> dict:
    path = routine(folder, 40, 30.0)  # 20 minutes of session each
    b0, t0 = cpu_s(broker.proc.pid), time.monotonic()
    procs = [subprocess.Popen([sys.executable, "-m", "kiosk", "simulate", str(path), "--realtime", "--speed",
                               str(speed), "--mqtt-config", str(room_config(folder, broker, n))],
                              cwd=ROOT, stdout=subprocess.DEVNULL) for n in range(1, rooms + 1)]
    used = []
    for p in procs:
        _pid, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        used.append(usage.ru_utime + usage.ru_stime)
    b1, t1 = cpu_s(broker.proc.pid), time.monotonic()
    wall = t1 - t0
    return {"rooms": rooms, "speed": speed, "wall_s": wall, "failed": sum(p.returncode != 0 for p in procs),
            "broker_cpu_pct": 100.0 * (b1 - b0) / wall,
            "room_cpu_pct_each_median": 100.0 * statistics.median(used) / wall,
            "rooms_cpu_pct_total": 100.0 * sum(used) / wall}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=60, help="step changes timed (default 60)")
    parser.add_argument("--step-s", type=float, default=1.0, help="length of each step (default 1 s)")
    parser.add_argument("--cpu-runs", type=int, default=2, help="off/on pairs for the CPU figure")
    parser.add_argument("--cpu-s", type=float, default=30.0, help="seconds measured per CPU run")
    parser.add_argument("--rooms", type=int, default=10)
    parser.add_argument("--speed", type=float, default=20.0, help="speed of the simulated rooms")
    parser.add_argument("--out", help="where to write the JSON (default bench/results/clinic.json)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-clinic-") as tmp:
        folder = Path(tmp)
        broker = Mosquitto(folder / "broker", USERS).start()
        try:
            lat = latency(broker, folder, args.steps, args.step_s)
            print(f"step change -> state at a subscriber, {lat['changes']} changes: median {lat['median_ms']:.1f} ms, "
                  f"p99 {lat['p99_ms']:.1f} ms, max {lat['max_ms']:.1f} ms (target p99 <= 50 ms)", flush=True)
            cpu = kiosk_cpu(broker, folder, args.cpu_runs, args.cpu_s)
            print(f"kiosk CPU during a session, % of one core: MQTT off {cpu['off_median_pct']:.2f} %, on "
                  f"{cpu['on_median_pct']:.2f} % -> {cpu['extra_pct']:+.2f} % (target <= +0.5 %); runs off "
                  f"{[round(v, 2) for v in cpu['off_pct']]}, on {[round(v, 2) for v in cpu['on_pct']]}", flush=True)
            k = cpu["kiosk_latency"]
            if k["changes"]:
                print(f"the real kiosk (Xvfb), step change -> state at a subscriber, {k['changes']} changes: median "
                      f"{k['median_ms']:.1f} ms, p99 {k['p99_ms']:.1f} ms, max {k['max_ms']:.1f} ms", flush=True)
            rooms = fleet(broker, folder, args.rooms, args.speed)
            print(f"{rooms['rooms']} simulated rooms at speed {rooms['speed']:g} for {rooms['wall_s']:.0f} s: broker "
                  f"{rooms['broker_cpu_pct']:.2f} % of one core, each room {rooms['room_cpu_pct_each_median']:.2f} % "
                  f"(all rooms {rooms['rooms_cpu_pct_total']:.1f} %), {rooms['failed']} failed", flush=True)
        finally:
            broker.stop()
    write_results("clinic", {"latency": lat, "cpu": cpu, "fleet": rooms}, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
