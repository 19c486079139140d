"""The core stays pure: importing every routines and engine module loads neither Kivy nor gpiozero."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import kiosk.engine
import kiosk.routines


def _modules() -> list[str]:
    names = []
    for package in (kiosk.routines, kiosk.engine):
        names.append(package.__name__)
        names += [f"{package.__name__}.{m.name}" for m in pkgutil.iter_modules(package.__path__)]
    return names


def test_core_modules_import_neither_kivy_nor_gpiozero():
    modules = _modules()
    assert "kiosk.engine.session" in modules and "kiosk.routines.plan" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('kivy', 'gpiozero')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
