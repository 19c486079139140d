"""The front-desk board under a clinic's load: a room's change to the card updated in a real browser.

A real Mosquitto, a real ``kiosk desk`` process and a headless Chromium showing the board; N rooms
(default 30), each logged in as itself, publish a new state every few seconds (far busier than a
clinic: a room changes on a step, a pause, a message). The board page records, through a
MutationObserver, when each change reached its card; room and browser share this machine's clock.
Prints the latency (median, p99; target p99 <= 250 ms) and the desk server's CPU and memory.

    .venv/bin/python bench/bench_desk.py [--rooms 30] [--seconds 30] [--every 2]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.benchlib import write_results  # noqa: E402
from kiosk.clinic.protocol import build_state, dumps, iso  # noqa: E402

OBSERVE = """
window.__seen = {};
new MutationObserver(function () {
  document.querySelectorAll('li.card .routine').forEach(function (el) {
    var m = /bench-(\\d+)/.exec(el.textContent);
    if (m && !(m[1] in window.__seen)) window.__seen[m[1]] = Date.now();
  });
}).observe(document.getElementById('rooms'), {subtree: true, childList: true, characterData: true});
"""


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rooms", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--every", type=float, default=2.0, help="seconds between one room's changes")
    parser.add_argument("--out", help="results file (default bench/results/bench_desk.json)")
    args = parser.parse_args()

    import paho.mqtt.client as paho
    from selenium import webdriver
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    from kiosk_testkit.desk import PASSWORD, Desk
    from kiosk_testkit.mosquitto import Mosquitto

    rooms = [f"room-{n}" for n in range(1, args.rooms + 1)]
    users = {"desk": "desk-pass", **{r: f"{r}-pass" for r in rooms}}
    scratch = Path(tempfile.mkdtemp(prefix="bench-desk-"))
    broker = Mosquitto(scratch / "broker", users).start()
    desk = Desk(broker, scratch / "desk").start()
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1366,768"):
        options.add_argument(arg)
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(shutil.which("chromedriver")))
    clients = []
    try:
        driver.get(desk.url + "/login")
        driver.find_element(By.ID, "password").send_keys(PASSWORD + Keys.ENTER)
        deadline = time.monotonic() + 15
        while driver.find_element(By.ID, "live").text != "● Live":
            assert time.monotonic() < deadline, "the board never went live"
            time.sleep(0.05)
        driver.execute_script(OBSERVE)
        for room in rooms:
            c = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"bench-{room}")
            c.username_pw_set(room, users[room])
            c.connect("127.0.0.1", broker.port)
            c.loop_start()
            clients.append(c)
        time.sleep(1.0)
        sent: dict[str, float] = {}
        seq = 0
        pid = desk.proc.pid
        cpu0, t0 = cpu_s(pid), time.monotonic()
        rss_peak = 0.0
        gap = args.every / len(rooms)
        next_at = time.monotonic()
        end = next_at + args.seconds
        while time.monotonic() < end:
            room = rooms[seq % len(rooms)]
            now = time.time()
            state = build_state(room=room, state="running", updated_at=now, routine=f"bench-{seq}",
                                step={"index": 1, "name": "Kneading", "side": random.choice(["left", "right"]),
                                      "kind": "timed", "ends_at": iso(now + 120), "remaining_s": 120, "reps": None},
                                session={"id": f"{room}/1", "started_at": iso(now - 600), "ends_at": iso(now + 1800),
                                         "target_end": iso(now + 1800), "over_s": 0.0})
            sent[str(seq)] = time.time() * 1000
            clients[seq % len(clients)].publish(f"kiosk/{room}/state", dumps(state), qos=1, retain=True)
            seq += 1
            if seq % 50 == 0:
                rss_peak = max(rss_peak, rss_mib(pid))
            next_at += gap
            time.sleep(max(0.0, next_at - time.monotonic()))
        time.sleep(2.0)
        cpu = cpu_s(pid) - cpu0
        wall = time.monotonic() - t0
        rss_peak = max(rss_peak, rss_mib(pid))
        seen = driver.execute_script("return window.__seen")
    finally:
        for c in clients:
            c.loop_stop()
            c.disconnect()
        driver.quit()
        desk.stop()
        broker.stop()
    latencies = sorted(seen[k] - sent[k] for k in sent if k in seen)
    missed = len(sent) - len(latencies)
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]  # noqa: E731
    report = {
        "rooms": len(rooms), "changes": len(sent), "missed": missed,
        "changes_per_s": round(len(sent) / args.seconds, 1),
        "latency_ms": {"median": round(statistics.median(latencies), 1), "p90": round(p(0.90), 1),
                       "p99": round(p(0.99), 1), "max": round(latencies[-1], 1)},
        "desk_cpu_percent": round(100 * cpu / wall, 1), "desk_rss_mib_peak": round(rss_peak, 1),
        "target": "p99 <= 250 ms",
    }
    print(json.dumps(report, indent=2))
    print(f"room change -> card updated in the browser, {len(rooms)} rooms: "
          f"median {report['latency_ms']['median']} ms, "
          f"p99 {report['latency_ms']['p99']} ms (target <= 250 ms); desk server {report['desk_cpu_percent']}% of one "
          f"core, {report['desk_rss_mib_peak']} MiB resident; {missed} change(s) never shown")
    write_results("bench_desk", report, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
