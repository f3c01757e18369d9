"""Setting up the simulated office through the real admin use cases."""

from __future__ import annotations

from dataclasses import dataclass

from waitwell.runtime import Runtime
from waitwell.services import offices
from waitwell.simulation.bookings import enable_bookings
from waitwell.simulation.scenario import Scenario


@dataclass(frozen=True)
class SimulatedOffice:
    office_id: int
    service_ids: dict[str, int]  # by prefix
    counter_ids: dict[str, int]  # by counter name


def create_simulated_office(runtime: Runtime, scenario: Scenario) -> SimulatedOffice:
    """The scenario's office, services and (closed) counters, created like an administrator would."""
    office = offices.create_office(runtime.uow(), name=f"Simulated office ({scenario.name})",
                                   timezone=scenario.timezone)
    service_ids = {
        spec.prefix: offices.add_service(runtime.uow(), office_id=office.id, name=spec.name, prefix=spec.prefix,
                                         priority_weight=spec.priority_weight).id
        for spec in scenario.services
    }
    counter_ids = {
        spec.name: offices.add_counter(runtime.uow(), office_id=office.id, name=spec.name,
                                       service_ids=[service_ids[p] for p in spec.prefixes])
        for spec in scenario.counters
    }
    if scenario.appointments:
        enable_bookings(runtime, scenario, office.id, service_ids[scenario.appointments.prefix])
    return SimulatedOffice(office.id, service_ids, counter_ids)
