"""Printer errors: each carries a reason in plain words that a kiosk or an admin page can show as is.

The printing library stands alone, as python-escpos does: its errors derive from its own `PrinterLibraryError`, not from
the server's domain errors. The server decides what each means to its callers (an HTTP status, a form's refusal).
"""

from __future__ import annotations


class PrinterLibraryError(Exception):
    """Base of every error the printing library raises on purpose; `code` names the kind for machines."""

    code = "printer_library_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PrinterError(PrinterLibraryError):
    """The printer cannot be used right now (unreachable, refused, out of paper, not allowed to be reached)."""

    code = "printer_error"


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


class InvalidPrinterSettings(PrinterLibraryError):
    """Printer settings that cannot work, with every problem listed: the caller's mistake, not the printer's."""

    code = "invalid_printer_settings"
