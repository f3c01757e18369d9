"""The layers of docs/architecture.md hold: import-linter checks the contracts of .importlinter on the real
import graph (scripts/lint-imports lays the package out as Python imports it, printers/ kiosk/ display/ included)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from waitwell.domain.errors import WaitwellError
from waitwell.printers.errors import InvalidPrinterSettings, PrinterError, PrintFailed

ROOT = Path(__file__).resolve().parent.parent


def test_every_layer_contract_is_kept() -> None:
    run = subprocess.run([str(ROOT / "scripts" / "lint-imports")], cwd=ROOT, capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert " kept, 0 broken." in run.stdout


def test_the_printing_library_has_errors_of_its_own() -> None:
    """waitwell.printers stands alone as python-escpos does: none of its errors is one of the server's."""
    for error in (PrinterError, PrintFailed, InvalidPrinterSettings):
        assert not issubclass(error, WaitwellError)
        assert not hasattr(error, "http_status")
