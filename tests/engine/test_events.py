"""Engine events: frozen records known by their kind, the names the journal, cues and --json use."""

from __future__ import annotations

import dataclasses

import pytest

from kiosk.engine.events import EVENT_TYPES, Event, Paused, Rep


@pytest.mark.parametrize("kind, cls", sorted(EVENT_TYPES.items()))
def test_every_event_is_a_frozen_record_known_by_its_kind(kind, cls):
    assert issubclass(cls, Event) and cls.kind == kind
    assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen
    assert [f.name for f in dataclasses.fields(cls)][:2] == ["at", "index"]


def test_an_event_cannot_be_changed_once_given():
    event = Rep(at=1.0, index=0, rep=2, of=3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.rep = 3  # type: ignore[misc]
    assert event.to_dict() == {"event": "rep", "at": 1.0, "index": 0, "rep": 2, "of": 3}
    assert Paused(at=1.0, index=None) == Paused(at=1.0, index=None)
