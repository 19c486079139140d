"""A real broker, a real ``kiosk desk`` process logged in to it, and rooms that publish."""

from __future__ import annotations

import pytest

from tests.clinic.conftest import Watcher, broker, watcher  # noqa: F401 - fixtures shared with clinic tests
from kiosk_testkit.desk import Browser, Desk


@pytest.fixture
def desk(broker, tmp_path):  # noqa: F811
    server = Desk(broker, tmp_path / "desk").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def browser(desk):
    b = Browser(desk)
    status, _, body = b.login()
    assert status == 303, body
    return b


@pytest.fixture(scope="module")
def shared_broker(tmp_path_factory):
    from tests.clinic.conftest import USERS
    from kiosk_testkit.mosquitto import Mosquitto

    server = Mosquitto(tmp_path_factory.mktemp("broker"), USERS).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def shared_desk(shared_broker, tmp_path_factory):
    """One desk for a module's tests that neither log everyone out nor trip the login limit."""
    server = Desk(shared_broker, tmp_path_factory.mktemp("desk")).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def shared_browser(shared_desk):
    b = Browser(shared_desk)
    status, _, body = b.login()
    assert status == 303, body
    return b
