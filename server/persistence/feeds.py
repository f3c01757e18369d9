"""The version of each office's live feed, kept in the database so it survives restarts and is shared by processes."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from waitwell.persistence.base import Base


class FeedVersion(Base):
    """Bumped once per published change of an office; screens use it to notice a missed change."""

    __tablename__ = "feed_versions"

    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
