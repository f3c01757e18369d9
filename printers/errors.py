"""Printer errors: each carries a reason in plain words that a kiosk or an admin page can show as is."""

from __future__ import annotations

from waitwell.domain.errors import InvalidInput, WaitwellError


class PrinterError(WaitwellError):
    """Base of the errors raised by the printing library."""

    code = "printer_error"
    http_status = 503


class PrintFailed(PrinterError):
    """The ticket was not confirmed by the printer; `reason` says why. Of several tickets sent together, the
    first `printed` were confirmed before the failure; `uncertain`: the next one's bytes had begun to go out,
    so it may have come out anyway (printing it again must say REPRINT)."""

    code = "print_failed"

    def __init__(self, reason: str, *, printed: int = 0, uncertain: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.printed = printed
        self.uncertain = uncertain


class PrinterDependencyMissing(PrinterError):
    """The connection kind needs an optional package (pycups, pyusb, pyserial) that is not installed."""

    code = "printer_dependency_missing"


class InvalidPrinterSettings(InvalidInput):
    """Printer settings that cannot work, with every problem listed."""

    code = "invalid_printer_settings"
