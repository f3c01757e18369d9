"""`waitwell user`: staff accounts and their API tokens."""

from __future__ import annotations

import os

import click

from waitwell.commands.common import configured_database_url, open_runtime, user_errors
from waitwell.credential_settings import token_rules
from waitwell.domain.passwords import MIN_PASSWORD_LENGTH
from waitwell.persistence import Role
from waitwell.services import accounts


@click.group(short_help="Staff accounts and API tokens.")
def user() -> None:
    """Manage staff accounts (clerks, supervisors, admins) and their API tokens."""


@user.command()
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.CLERK.value, show_default=True,
              help="clerk: serves at counters; supervisor: also manages the office's queue; admin: every office.")
@click.option("--office", "office_ids", type=int, multiple=True, metavar="ID",
              help="An office this person works in (repeat for several). Needed for clerks and supervisors.")
@click.option("--display-name", default="", help="The name shown to colleagues (default: the username).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True, envvar="WAITWELL_PASSWORD",
              help=f"At least {MIN_PASSWORD_LENGTH} characters and not a common password (a few words in a row "
                   "will do). Asked for when not given (or read from WAITWELL_PASSWORD).")
@click.option("--token", "token_name", metavar="NAME",
              help="Also create a bearer API token named NAME (e.g. 'counter-3 PC') and print it once.")
def create(username: str, role: str, office_ids: tuple[int, ...], display_name: str, password: str,
           token_name: str | None) -> None:
    """Create the staff account USERNAME, optionally with an API token for a machine.

    Usernames are the same whatever the case (Alice is alice) and are kept in lower case.

    \b
    Examples:
      waitwell user create alice --role admin
      waitwell user create bob --role clerk --office 1 --token "bob's counter PC"
    """
    chosen = Role(role)
    if chosen != Role.ADMIN and not office_ids:
        raise click.UsageError(f"a {chosen.value} works in an office: add --office ID (admins may omit it)")
    with open_runtime(configured_database_url()) as runtime, user_errors():
        member = accounts.create_user(runtime.uow(), username=username, password=password, role=chosen,
                                      office_ids=office_ids, display_name=display_name)
        offices = ", ".join(map(str, sorted(member.office_ids))) or "none (an admin acts in every office)"
        click.echo(f"Created {member.role.value} {member.username!r} (user {member.id}); offices: {offices}.")
        if token_name:
            # An operator's token, with the server's default lifetime (WAITWELL_API_TOKEN_DAYS; none when unset).
            expires_at = token_rules(os.environ).expiry(by_admin=True, days=None, now=runtime.clock.now())
            token = accounts.create_api_token(runtime.uow(), user_id=member.id, name=token_name,
                                              expires_at=expires_at)
            until = f"; it expires at {expires_at:%Y-%m-%d %H:%M} UTC" if expires_at else ""
            click.echo(f"API token {token_name!r} (shown only now; send it as 'Authorization: Bearer <token>'"
                       f"{until}):")
            click.echo(token)
