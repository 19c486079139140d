"""The live system test runs only through ``make system-test`` (it boots a Debian root as root).

``make test`` collects nothing here: booting containers needs root, debootstrap and minutes, and
it has its own invocation (``scripts/system-test/run.sh``), which sets KIOSK_SYSTEM_TEST=1.
"""

import os
import signal

import pytest

if os.environ.get("KIOSK_SYSTEM_TEST") != "1":
    collect_ignore_glob = ["test_*.py"]


@pytest.fixture(scope="session")
def machine():
    """One booted Trixie container with the kiosk installed by the tests, shared by the whole run."""
    from tests.system.container import Container

    def interrupted(signum, frame):  # a CI timeout's SIGTERM: clean up like Ctrl-C does
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    box = Container.from_env()
    try:
        box.boot()
        yield box
    finally:
        box.destroy()
