"""`waitwell demo`: a demo DMV office on a SQLite file, served on http://127.0.0.1:5000."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import click

from waitwell.config import Config, default_instance_path, sqlite_url
from waitwell.demo import OFFICE_NAME, DemoCredentialsMissing, DemoOffice, load_demo
from waitwell.persistence import Role, migrate
from waitwell.runtime import Runtime

DATABASE_FILE = "demo.db"
CREDENTIALS_FILE = "demo-credentials.json"


@click.command(short_help="Try Waitwell: a demo DMV office on http://127.0.0.1:5000.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--reset", is_flag=True, help="Delete the demo database and start again with new passwords.")
def demo(host: str, port: int, reset: bool) -> None:
    """Try Waitwell: load a demo DMV office and serve it (development server).

    Creates or migrates the SQLite file demo.db in the instance folder (WAITWELL_INSTANCE,
    default ./instance; DATABASE_URL is ignored, so the demo never touches a real database),
    loads the Hartford DMV demo office once (five services, eight counters, an admin, a
    supervisor and a clerk), prints their passwords, an API token and curl examples, then
    serves the API with Socket.IO. Running it again keeps the data; --reset starts over.

    This is Flask's development server: for production use `waitwell serve`.
    """
    instance = default_instance_path()
    database_file = instance / DATABASE_FILE
    credentials_file = instance / CREDENTIALS_FILE
    if reset:
        _delete_demo(database_file, credentials_file)
    instance.mkdir(parents=True, exist_ok=True)
    database_url = sqlite_url(database_file)
    migrate.upgrade(database_url)
    runtime = Runtime(database_url)
    try:
        site = load_demo(runtime, credentials_file)
    except DemoCredentialsMissing as error:
        raise click.ClickException(str(error)) from error
    finally:
        runtime.dispose()

    base_url = f"http://{_url_host(host)}:{port}"
    public_url = os.environ.get("WAITWELL_PUBLIC_URL") or base_url
    _print_welcome(site, database_file, credentials_file, base_url)
    _serve(Config.from_env(database_url=database_url, public_base_url=public_url), host, port)


def _serve(config: Config, host: str, port: int) -> None:
    from waitwell.app import create_app
    from waitwell.extensions import socketio

    app = create_app(config)
    click.echo(f"Serving on http://{_url_host(host)}:{port} — press Ctrl+C to stop.\n")
    try:
        # Werkzeug's development server, fine for a demo on one machine; `waitwell serve` runs gunicorn.
        socketio.run(app, host=host, port=port, debug=False, use_reloader=False, allow_unsafe_werkzeug=True)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise click.ClickException(f"port {port} is already in use: choose another with --port") from error
        raise


def _delete_demo(database_file: Path, credentials_file: Path) -> None:
    for path in (database_file, Path(f"{database_file}-wal"), Path(f"{database_file}-shm"), credentials_file):
        path.unlink(missing_ok=True)
    click.echo(f"Deleted the demo database {database_file}.")


def _url_host(host: str) -> str:
    if host in ("0.0.0.0", "::", ""):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def _print_welcome(site: DemoOffice, database_file: Path, credentials_file: Path, base_url: str) -> None:
    credentials = site.credentials
    clerk = credentials.account(Role.CLERK)
    first_service = next(iter(site.service_ids.values()))
    counter = site.counter_ids["Counter 1"]
    api = f"{base_url}/api/v1"
    origin = "created now" if site.created else "kept from the last run"
    lines = [
        "",
        f"Demo office {OFFICE_NAME!r} (id {credentials.office_id}): {origin}.",
        f"  database: {database_file}   (start over with: waitwell demo --reset)",
        "",
        f"Staff accounts (random demo passwords, also in {credentials_file}):",
        *(f"  {a.role:<11} {a.username:<16} password: {a.password}" for a in credentials.accounts),
        f"API token of {clerk.username}: {credentials.clerk_token}",
        "",
        "Services: " + ", ".join(f"{name} (id {sid})" for name, sid in site.service_ids.items()),
        "",
        "Try it with curl from another terminal:",
        f"  export WW={api} TOKEN={credentials.clerk_token}",
        "  curl -s $WW/offices",
        f"  curl -s $WW/offices/{credentials.office_id}/services",
        f"  curl -s -X POST $WW/tickets -H 'Content-Type: application/json' -d '{{\"service_id\": {first_service}}}'",
        f"  curl -s -X POST $WW/counters/{counter}/open -H \"Authorization: Bearer $TOKEN\"",
        f"  curl -s -X POST $WW/counters/{counter}/call-next -H \"Authorization: Bearer $TOKEN\"",
        "  curl -s -X POST $WW/tickets/<id from call-next>/complete -H \"Authorization: Bearer $TOKEN\"",
        "Or sign in with a session cookie instead of the token:",
        f"  curl -s -c cookies.txt $WW/auth/sign-in -H 'Content-Type: application/json' "
        f"-d '{{\"username\": \"{clerk.username}\", \"password\": \"{clerk.password}\"}}'",
        f"  curl -s -b cookies.txt $WW/offices/{credentials.office_id}/counters",
        "",
        "Screens to open in a browser:",
        *(f"  kiosk (touchscreen):     {base_url}/kiosk/{kiosk_id}" for kiosk_id in site.kiosk_ids),
        *(f"  lobby display:           {base_url}/display/{display_id}" for display_id in site.display_ids),
        f"  staff console (clerk):   {base_url}/console/",
        f"  supervisor dashboard:    {base_url}/dashboard/",
        f"  public waits:            {base_url}/waits",
        f"  book an appointment:     {base_url}/book/",
        f"  administration:          {base_url}/admin/",
        f"API documentation: {base_url}/api/v1/docs",
    ]
    click.echo("\n".join(lines))
