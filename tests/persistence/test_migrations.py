"""Migrations build the schema the models describe, from empty, and take it down again, on SQLite and PostgreSQL."""

from __future__ import annotations

import importlib
import pkgutil

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

import waitwell.persistence
from waitwell.persistence import Base
from waitwell.persistence.database import make_engine
from waitwell.persistence.migrate import alembic_config, downgrade, is_up_to_date, upgrade

# alembic_version.version_num is VARCHAR(32); PostgreSQL refuses a longer revision id when stamping it.
ALEMBIC_VERSION_LENGTH = 32


def all_models_loaded() -> None:
    """Import every module of the persistence package, so no table is missing from the metadata."""
    for module in pkgutil.iter_modules(waitwell.persistence.__path__):
        importlib.import_module(f"waitwell.persistence.{module.name}")


def scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config("sqlite://"))


def tables_in(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_there_is_exactly_one_migration_head() -> None:
    assert len(scripts().get_heads()) == 1, f"merge or rebase the migrations: heads {scripts().get_heads()}"


def test_migrations_form_one_line_from_the_first() -> None:
    revisions = list(scripts().walk_revisions())
    assert [r for r in revisions if r.down_revision is None] == [revisions[-1]]
    assert all(not isinstance(r.down_revision, tuple) for r in revisions), "no merge points, one straight line"


def test_revision_ids_fit_the_alembic_version_column() -> None:
    too_long = [r.revision for r in scripts().walk_revisions() if len(r.revision) > ALEMBIC_VERSION_LENGTH]
    assert too_long == [], f"revision ids longer than {ALEMBIC_VERSION_LENGTH} characters break PostgreSQL"


def test_upgrade_from_empty_to_head_then_down_to_base(empty_database_url: str) -> None:
    all_models_loaded()
    upgrade(empty_database_url)
    assert tables_in(empty_database_url) == set(Base.metadata.tables) | {"alembic_version"}
    engine = make_engine(empty_database_url)
    try:
        assert is_up_to_date(engine, empty_database_url)
    finally:
        engine.dispose()

    downgrade(empty_database_url, "base")
    assert tables_in(empty_database_url) <= {"alembic_version"}

    upgrade(empty_database_url)  # and up again: the downgrade left nothing behind in the way
    assert tables_in(empty_database_url) == set(Base.metadata.tables) | {"alembic_version"}


def test_every_migration_steps_up_and_down_on_its_own(empty_database_url: str) -> None:
    revisions = [r.revision for r in reversed(list(scripts().walk_revisions()))]
    for revision in revisions:
        upgrade(empty_database_url, revision)
    for _ in revisions:
        downgrade(empty_database_url, "-1")
    assert tables_in(empty_database_url) <= {"alembic_version"}


def test_models_match_the_migrations(empty_database_url: str) -> None:
    """Autogenerate would find nothing to do: every model change came with its migration."""
    all_models_loaded()
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == []
