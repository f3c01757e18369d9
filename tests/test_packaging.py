"""A wheel install must contain every sub-package: each folder with __init__.py is listed in pyproject.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]


def package_folders() -> dict[str, Path]:
    """Every importable package under the mapped folders, by its dotted name in the distribution."""
    found = {}
    for package, folder in SETUPTOOLS["package-dir"].items():
        base = ROOT / folder
        for init in base.rglob("__init__.py"):
            relative = init.parent.relative_to(base)
            if "__pycache__" in relative.parts or "node_modules" in relative.parts:
                continue
            found[".".join((package, *relative.parts))] = init.parent
    return found


def test_every_folder_with_an_init_file_is_a_listed_package() -> None:
    missing = sorted(set(package_folders()) - set(SETUPTOOLS["packages"]))
    assert not missing, f"add these to [tool.setuptools] packages in pyproject.toml: {missing}"


def test_every_listed_package_exists() -> None:
    stale = sorted(set(SETUPTOOLS["packages"]) - set(package_folders()))
    assert not stale, f"pyproject.toml lists packages that have no folder with __init__.py: {stale}"


def test_the_four_product_folders_map_into_one_waitwell_package() -> None:
    assert SETUPTOOLS["package-dir"] == {"waitwell": "server", "waitwell.kiosk": "kiosk",
                                         "waitwell.display": "display", "waitwell.printers": "printers"}


def test_the_console_script_is_the_cli() -> None:
    assert PYPROJECT["project"]["scripts"] == {"waitwell": "waitwell.cli:main"}
