"""Builders of kiosks and printers for the kiosk and printing tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tests.factories import OfficeSetup, make_office
from waitwell.runtime import Runtime
from waitwell.services import kiosks, printers
from waitwell.services.kiosks import KioskView


@dataclass(frozen=True)
class KioskSetup:
    office: OfficeSetup
    kiosk: KioskView
    printer_id: int | None


def make_kiosk(
    runtime: Runtime,
    *,
    printer: Mapping[str, Any] | None = None,
    services: Sequence[tuple[str, str]] = (("Licence renewal", "A"), ("Title", "B")),
    language: str = "en",
    idle_reset_seconds: int = 45,
    result_seconds: int = 10,
    office: OfficeSetup | None = None,
    name: str = "Entrance",
) -> KioskSetup:
    """An office with a kiosk for all its services; `printer` holds add_printer's keyword arguments."""
    office = office or make_office(runtime, services=services)
    printer_id = None
    if printer is not None:
        printer_id = printers.add_printer(runtime.uow(), office_id=office.office_id,
                                          **{"name": f"{name} printer", **printer}).id
    kiosk = kiosks.register_kiosk(runtime.uow(), office_id=office.office_id, name=name,
                                  service_ids=list(office.services.values()), printer_id=printer_id,
                                  language=language, idle_reset_seconds=idle_reset_seconds,
                                  result_seconds=result_seconds)
    return KioskSetup(office, kiosk, printer_id)


def preview_printer() -> dict[str, Any]:
    """A printer the server never reaches over a wire: enough to get print jobs stored."""
    return {"connection": "network", "settings": {"host": "127.0.0.1", "port": 9}}
