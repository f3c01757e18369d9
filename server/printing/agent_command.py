"""`waitwell print-agent`: on a kiosk PC, print the kiosk's tickets on a printer only the PC reaches.

Imports nothing of the server's stack (Flask, SQLAlchemy), so the agent starts quickly and small.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import click

from waitwell.printers.errors import InvalidPrinterSettings
from waitwell.printing.agent import CONNECT_TRIES, GIVE_UP_AFTER_SECONDS, AgentGaveUp, PrintAgent
from waitwell.printing.cli import SPEC_HELP, log_to_stderr, printer_from_spec, stop_on_signal, wait_for

log = logging.getLogger(__name__)


@click.command("print-agent")
@click.option("--server", "server_url", required=True, help="The Waitwell server, e.g. https://queue.example.org")
@click.option("--kiosk", "kiosk_id", required=True, type=int, help="The id of the kiosk this PC runs")
@click.option("--printer", "spec", required=True, help=SPEC_HELP)
@click.option("--token", envvar="WAITWELL_AGENT_TOKEN", required=True,
              help="API token of a staff account of the kiosk's office (or WAITWELL_AGENT_TOKEN)")
@click.option("--paper", type=click.Choice(["58", "80"]), default="80", show_default=True)
@click.option("--profile", default="", help="python-escpos profile of the printer, e.g. TM-T88V")
@click.option("--state-file", type=click.Path(path_type=Path), default=None,
              help="Where the ids of printed jobs are kept (default: ~/.local/state/waitwell/agent-KIOSK.json)")
@click.option("--connect-tries", type=click.IntRange(min=1), default=CONNECT_TRIES, show_default=True,
              help="Tries to reach the server at start (waiting 1, 2, 4 ... 10 s between) before exiting with an error")
@click.option("--give-up-after", type=click.FloatRange(min=1), default=GIVE_UP_AFTER_SECONDS, show_default=True,
              help="Seconds without a connection to the server after which the agent exits with an error")
def print_agent(server_url: str, kiosk_id: int, spec: str, token: str, paper: str, profile: str,
                state_file: Path | None, connect_tries: int, give_up_after: float) -> None:
    """Print this kiosk's tickets on a printer attached to this PC; jobs queued while offline print on reconnect.

    Exits with status 1 when it cannot connect, or stays disconnected, so that its service manager
    (systemd's Restart=always) starts it again."""
    log_to_stderr()
    try:
        settings = printer_from_spec(spec, paper_mm=int(paper), profile=profile)
    except InvalidPrinterSettings as error:
        raise click.BadParameter(error.message, param_hint="--printer") from None
    state_home = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    agent = PrintAgent(server_url, kiosk_id, token, settings, connect_tries=connect_tries, give_up_after=give_up_after,
                       state_file=state_file or state_home / "waitwell" / f"agent-{kiosk_id}.json")
    stopped = stop_on_signal()
    click.echo(f"print agent for kiosk {kiosk_id}: {settings.describe()}, server {server_url}")
    gave_up: list[str] = []
    threading.Thread(target=_run, args=(agent, stopped, gave_up), daemon=True).start()
    wait_for(stopped)
    agent.stop()
    if gave_up:
        raise click.ClickException(f"{gave_up[0]}; the print agent stops (its service manager starts it again)")


def _run(agent: PrintAgent, stopped: threading.Event, gave_up: list[str]) -> None:
    """Run the agent until it gives up or fails, then end the command: an agent that cannot print must not stay
    alive doing nothing, or its service manager would never start it again."""
    try:
        agent.run_forever()
    except AgentGaveUp as error:
        gave_up.append(str(error))
    except Exception as error:
        log.exception("the print agent failed")
        gave_up.append(f"the print agent failed: {error}")
    finally:
        stopped.set()
