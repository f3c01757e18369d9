"""The declarative base every table derives from."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Enum
from sqlalchemy.orm import DeclarativeBase

from waitwell.persistence.types import UTCDateTime


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime()}


def string_enum(enum_class: type[StrEnum]) -> Enum:
    """Store an enum by its value in a short VARCHAR, portable across SQLite and PostgreSQL."""
    return Enum(
        enum_class,
        native_enum=False,
        length=16,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )
