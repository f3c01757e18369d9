"""security hardening: what sessions, tokens and sign-in throttling need to be kept

Revision ID: 0008_security_hardening
Revises: 0007_indexes_for_long_lines
Create Date: 2026-12-07 22:00:00
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0008_security_hardening"
down_revision = "0007_indexes_for_long_lines"
branch_labels = None
depends_on = None

# Sign-in: usernames are kept in one form (NFKC, case-folded), so "Alice" and "alice" are one account.
users = sa.table("users", sa.column("id", sa.Integer), sa.column("username", sa.String))


def upgrade() -> None:
    # Operations are added by the changes that need them (sessions, tokens, sign-in throttling).
    _normalise_usernames()  # first: when it refuses, nothing has changed yet
    # Sessions and API tokens: each user's session generation, and a token's expiry.
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("api_tokens") as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # Sessions and API tokens.
    with op.batch_alter_table("api_tokens") as batch_op:
        batch_op.drop_column("expires_at")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("session_generation")


def _normalised(username: str) -> str:
    """As domain/usernames.normalise_username, frozen here as it was when this migration was written."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", username.strip()).casefold())


def _normalise_usernames() -> None:
    """Store every username in its normalised form; refuse, changing nothing, when two become the same."""
    from waitwell.persistence.migrate import MigrationRefused

    bind = op.get_bind()
    rows = bind.execute(sa.select(users.c.id, users.c.username).order_by(users.c.id)).all()
    by_form: dict[str, list[str]] = defaultdict(list)
    for _, username in rows:
        by_form[_normalised(username)].append(username)
    if clashes := [names for names in by_form.values() if len(names) > 1]:
        listed = "; ".join(" and ".join(repr(name) for name in names) for names in clashes)
        raise MigrationRefused(
            f"usernames are now the same account whatever their case, and these accounts would become one: "
            f"{listed}. Rename all but one of each (UPDATE users SET username = 'new-name' WHERE id = ...), "
            f"then run the upgrade again. Nothing was changed.")
    for user_id, username in rows:
        if _normalised(username) != username:
            bind.execute(users.update().where(users.c.id == user_id).values(username=_normalised(username)))
