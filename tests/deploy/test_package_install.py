"""A plain (non-editable) ``pip install .``: the installed kiosk finds its own routines and sounds.

An installer may build a wheel rather than point at a checkout, so the shipped routines, cue
sounds and .kv layouts must travel inside the package. The project is copied to a scratch folder
(nothing else beside it), installed with ``--no-deps --no-build-isolation`` into a fresh venv
that borrows the test environment's Kivy, PyYAML, gpiozero and setuptools through a path file
(no network), and its ``kiosk`` command is run from an empty folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from kiosk.paths import ROOT, ROUTINES_DIR, SOUNDS_DIR

pytestmark = pytest.mark.slow

WHERE = """
import json, kiosk, kiosk.paths as p
from kiosk.audio.cues import cue_files
print(json.dumps({
    "package": kiosk.__file__,
    "routines": sorted(f.name for f in p.ROUTINES_DIR.glob("*.yaml")),
    "routines_dir": str(p.ROUTINES_DIR),
    "cues": {name: str(path) for name, path in cue_files().items() if path.is_file()},
    "kv": sorted(f.name for f in (p.PACKAGE_DIR / "ui" / "kv").glob("*.kv")),
}))
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv with the kiosk installed from a copy of this checkout (no -e)."""
    scratch = tmp_path_factory.mktemp("install")
    source = scratch / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "kiosk", source / "kiosk", symlinks=True, ignore=left_behind)
    env_dir = scratch / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    site = Path(sysconfig.get_path("purelib", vars={"base": str(env_dir), "platbase": str(env_dir)}))
    # The test environment's packages, appended after the venv's own: no .pth file there runs,
    # so this checkout's editable install stays out of sight.
    (site / "borrowed.pth").write_text(sysconfig.get_path("purelib") + "\n")
    python = env_dir / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                    "--no-deps", "--no-build-isolation", "--no-index", str(source)],
                   check=True, capture_output=True, text=True, timeout=300, env=clean_env())
    return env_dir


def left_behind(folder: str, names: list[str]) -> list[str]:
    """Byte code, and links out of the package (kiosk/data/schema, for editors in a checkout)."""
    def outside(name: str) -> bool:
        path = Path(folder, name)
        return path.is_symlink() and not path.resolve().is_relative_to(ROOT / "kiosk")

    return [n for n in names if n == "__pycache__" or n.endswith(".pyc") or outside(n)]


def clean_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(KIVY_NO_ARGS="1", KIVY_NO_CONSOLELOG="1", KIVY_NO_FILELOG="1", KIVY_NO_CONFIG="1")
    return env


def kiosk(installed: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(installed / "bin" / "kiosk"), *args], capture_output=True, text=True,
                          cwd=cwd, env=clean_env(), timeout=120)


def test_the_package_its_routines_sounds_and_layouts_come_from_the_install(installed, tmp_path):
    out = subprocess.run([str(installed / "bin" / "python"), "-c", WHERE], capture_output=True, text=True,
                         cwd=tmp_path, env=clean_env(), timeout=120, check=True).stdout
    found = json.loads(out.strip().splitlines()[-1])
    assert Path(found["package"]).is_relative_to(installed), found["package"]
    assert Path(found["routines_dir"]).is_relative_to(installed)
    assert found["routines"] == sorted(f.name for f in ROUTINES_DIR.glob("*.yaml"))
    assert sorted(found["cues"]) == sorted(f.stem for f in SOUNDS_DIR.glob("*.wav"))
    assert all(Path(p).is_relative_to(installed) for p in found["cues"].values())
    assert found["kv"] == sorted(f.name for f in (ROOT / "kiosk" / "ui" / "kv").glob("*.kv"))


def test_the_test_kit_is_not_installed(installed, tmp_path):
    probe = subprocess.run([str(installed / "bin" / "python"), "-c", "import kiosk_testkit"],
                           capture_output=True, text=True, cwd=tmp_path, env=clean_env(), timeout=60)
    assert probe.returncode != 0 and "No module named 'kiosk_testkit'" in probe.stderr


def test_validate_without_a_path_checks_the_shipped_routines(installed, tmp_path):
    result = kiosk(installed, "validate", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    names = [Path(line.split(": ok - ")[0]).name for line in result.stdout.splitlines()]
    assert names == sorted(f.name for f in ROUTINES_DIR.glob("*.yaml"))


def test_plan_finds_a_shipped_routine_by_name(installed, tmp_path):
    result = kiosk(installed, "plan", "back-massage", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Light warm-up" in result.stdout and "Traceback" not in result.stderr


def test_run_is_there(installed, tmp_path):
    result = kiosk(installed, "run", "--help", cwd=tmp_path)
    assert result.returncode == 0 and "--routine" in result.stdout
