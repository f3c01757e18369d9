"""What this benchmark borrows from the other benchmarks, imported (not copied) from bench/kiosk and bench/realtime.

bench/kiosk/run.py is loaded under the name `kiosk_run`: this folder has a run.py of its own.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1]
for folder in (BENCH / "kiosk", BENCH / "realtime"):
    if str(folder) not in sys.path:
        sys.path.append(str(folder))  # after this folder: our own modules win on a name both have


def _load(name: str, path: Path) -> object:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


kiosk_run = _load("kiosk_run", BENCH / "kiosk" / "run.py")
KeepAliveClient = kiosk_run.KeepAliveClient  # type: ignore[attr-defined]

from common import (  # noqa: E402
    CONNECT_BATCH,
    die_with_parent,
    free_port,
    percentile,
    stop_after,
    wait_connected,
    wait_until_up,
)
from support import LoopbackPrinter, cpu_seconds, python_speed  # noqa: E402

__all__ = ["CONNECT_BATCH", "KeepAliveClient", "LoopbackPrinter", "cpu_seconds", "die_with_parent", "free_port",
           "percentile", "python_speed", "stop_after", "wait_connected", "wait_until_up"]
