"""Engine fixtures: an office with overlapping counters in every state, plus a second office."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.factories import OfficeSetup, make_office
from waitwell.runtime import Runtime
from waitwell.services import counters, offices


@dataclass(frozen=True)
class World:
    """Hartford: Counter 1 serves A and B, Counter 2 serves B, Counter 3 (closed) and Counter 4 (paused) serve A.

    New Haven is another office; Bridgeport refuses tickets out of hours and is closed on Tuesdays.
    """

    runtime: Runtime
    office: OfficeSetup
    other_office: OfficeSetup
    closed_office: OfficeSetup
    inactive_service_id: int


def build_world(runtime: Runtime) -> World:
    office = make_office(runtime, counters={"Counter 1": ["A", "B"], "Counter 2": ["B"],
                                            "Counter 3": ["A"], "Counter 4": ["A"]})
    counters.close_counter(runtime.uow(), counter_id=office.counters["Counter 3"])
    counters.pause_counter(runtime.uow(), counter_id=office.counters["Counter 4"])
    inactive = offices.add_service(runtime.uow(), office_id=office.office_id, name="Road test", prefix="R",
                                   active=False)
    other = make_office(runtime, name="New Haven DMV", services=(("Licence renewal", "A"),),
                        counters={"Counter 1": ["A"]})
    closed = make_office(runtime, name="Bridgeport DMV", services=(("Licence renewal", "A"),),
                         counters={"Counter 1": ["A"]}, opening_hours={"mon": [["08:00", "17:00"]]},
                         refuse_tickets_when_closed=True)
    return World(runtime, office, other, closed, inactive.id)


@pytest.fixture
def world(runtime: Runtime) -> World:
    """The world on SQLite."""
    return build_world(runtime)


@pytest.fixture
def any_world(any_runtime: Runtime) -> World:
    """The world on SQLite and, in a second run, on PostgreSQL."""
    return build_world(any_runtime)
