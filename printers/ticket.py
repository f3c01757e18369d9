"""What is printed on a ticket, and the labels on the paper in the visitor's language."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path


@dataclass(frozen=True)
class TicketLabels:
    """Words printed next to the figures; override them with the kiosk's own translations."""

    people_ahead: str = "People ahead"
    estimated_wait: str = "Estimated wait"

    @classmethod
    def for_language(cls, language: str, overrides: dict[str, str] | None = None) -> TicketLabels:
        """Labels from the built-in table (falling back to English), with any given words replacing them."""
        base = LABELS.get(language.split("-")[0].split("_")[0].lower(), LABELS["en"])
        if not overrides:
            return base
        known = {field.name for field in fields(cls)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise ValueError(f"unknown ticket label(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return replace(base, **overrides)


LABELS: dict[str, TicketLabels] = {
    "en": TicketLabels(),
    "es": TicketLabels(people_ahead="Personas delante", estimated_wait="Espera estimada"),
}


@dataclass(frozen=True)
class TicketPrint:
    """Everything the paper shows, already formatted: the printer library does no lookups or time zones."""

    office_name: str
    service_name: str
    number: str
    issued_at_local: str
    people_ahead: int
    status_url: str
    estimated_wait: str = ""
    footer_line: str = ""
    language: str = "en"
    logo_path: Path | str | None = None
    labels: TicketLabels | None = None
    banner: str = ""  # big words above everything else, e.g. "REPRINT": this paper may be a second copy

    def __post_init__(self) -> None:
        if not self.number.strip():
            raise ValueError("a ticket needs a number to print")
        if not self.status_url.startswith(("http://", "https://")):
            raise ValueError(f"the QR code needs an absolute status URL, got {self.status_url!r}")
        if self.people_ahead < 0:
            raise ValueError("people ahead cannot be negative")

    @property
    def printed_labels(self) -> TicketLabels:
        """The labels given with the ticket, else the built-in ones for its language."""
        return self.labels or TicketLabels.for_language(self.language)
