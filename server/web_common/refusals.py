"""Which errors are refusals a caller can act on, and the HTTP status of each.

Domain errors carry their own status; the printing library's errors (waitwell.printers) know nothing of HTTP, so
their status is decided here: settings that cannot work are invalid input (422), anything else means the printer
cannot be used right now (503)."""

from __future__ import annotations

from waitwell.domain.errors import WaitwellError
from waitwell.printers.errors import InvalidPrinterSettings, PrinterLibraryError

# Errors raised on purpose, with a message a person can act on; nothing was changed.
REFUSALS: tuple[type[Exception], ...] = (WaitwellError, PrinterLibraryError)


def refusal_status(error: WaitwellError | PrinterLibraryError) -> int:
    """The HTTP status that answers `error`."""
    if isinstance(error, WaitwellError):
        return error.http_status
    return 422 if isinstance(error, InvalidPrinterSettings) else 503
