"""The `waitwell` command line: a root group whose commands live in the modules that own them.

Adding a command (for example `waitwell print-agent` or `waitwell simulate`):

1. Write a click command or group in the module of your area, e.g. `waitwell/printers/agent_command.py`
   with `@click.command("print-agent")` ... `def print_agent(...)`. Keep it thin: parse options,
   call services, print the outcome; raise `click.ClickException` for errors a user can act on
   (`waitwell.commands.common.user_errors()` turns domain errors into such messages).
2. Add one line to `COMMANDS` below: the command's name and "module:attribute".

Commands are imported only when they run or when `waitwell --help` lists them, so a slow or
noisy import (a printer library, say) does not slow down the other commands.
"""

from __future__ import annotations

import importlib

import click

COMMANDS: dict[str, str] = {
    "db": "waitwell.commands.db:db",
    "demo": "waitwell.commands.demo:demo",
    "serve": "waitwell.commands.serve:serve",
    "user": "waitwell.commands.users:user",
    "end-of-day": "waitwell.jobs.cli:end_of_day_command",
    "print-agent": "waitwell.printing.agent_command:print_agent",
    "print-worker": "waitwell.printing.cli:print_worker",
    "appointments": "waitwell.appointments.cli:appointments",
    "simulate": "waitwell.simulation.command:simulate",
}


class LazyGroup(click.Group):
    """A click group that imports each command from `COMMANDS` when it is needed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def invoke(self, ctx: click.Context) -> object:
        """A setting Waitwell cannot read is a one-line message naming it, not a traceback."""
        from waitwell.config import ConfigError

        try:
            return super().invoke(ctx)
        except ConfigError as error:
            raise click.ClickException(str(error)) from error

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        module_name, _, attribute = COMMANDS[cmd_name].partition(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{COMMANDS[cmd_name]} is not a click command")
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="waitwell", prog_name="waitwell")
def main() -> None:
    """Waitwell: queue and appointment management for public-service counters.

    \b
    Start here:
      waitwell demo                 try it: a demo DMV office on http://127.0.0.1:5000
      waitwell db upgrade           create or migrate the database (DATABASE_URL)
      waitwell user create NAME     add a staff account (and an API token)
      waitwell serve                run the production server

    Settings come from environment variables: DATABASE_URL (default: SQLite file waitwell.db in
    the instance folder), WAITWELL_INSTANCE (the instance folder, default ./instance), REDIS_URL,
    SECRET_KEY, WAITWELL_PUBLIC_URL. See README.md and docs/deployment.md.
    """


if __name__ == "__main__":
    main()
