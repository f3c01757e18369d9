"""security hardening: what sessions, tokens and sign-in throttling need to be kept

Revision ID: 0008_security_hardening
Revises: 0007_indexes_for_long_lines
Create Date: 2026-12-07 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401 - used by the operations below
from alembic import op  # noqa: F401 - used by the operations below

revision = "0008_security_hardening"
down_revision = "0007_indexes_for_long_lines"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Operations are added by the changes that need them (sessions, tokens, sign-in throttling).
    pass


def downgrade() -> None:
    pass
