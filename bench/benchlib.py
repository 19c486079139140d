"""What every benchmark shares: where results go, the machine they ran on, and writing them.

Importing it also puts the repository on ``sys.path``, so a benchmark run as ``python bench/X.py``
imports the kiosk and :mod:`kiosk_testkit` (the process harness the tests use too) from this tree.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"


def machine() -> dict:
    return {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count()}


def write_results(name: str, report: dict, out: str | Path | None = None) -> Path:
    """Write ``report`` as JSON to bench/results/<name>.json (or ``out``), stamped with the
    benchmark's name, the machine and the time, and say where it went."""
    stamped = {"benchmark": name, "machine": machine(), "when": time.strftime("%Y-%m-%dT%H:%M:%S"), **report}
    path = Path(out) if out is not None else RESULTS / f"{name}.json"
    if not path.is_absolute():
        path = RESULTS / path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(stamped, indent=2) + "\n")
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"wrote {shown}")
    return path
