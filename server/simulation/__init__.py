"""A seeded discrete-event simulation of an office day that drives the real engine with a virtual clock."""

from waitwell.simulation.command import simulate_command
from waitwell.simulation.result import PredictorScore, SimulationResult, TicketOutcome
from waitwell.simulation.run import all_predictors, run_simulation
from waitwell.simulation.scenario import SCENARIOS, Scenario, scenario_named

__all__ = [
    "SCENARIOS",
    "PredictorScore",
    "Scenario",
    "SimulationResult",
    "TicketOutcome",
    "all_predictors",
    "run_simulation",
    "scenario_named",
    "simulate_command",
]
