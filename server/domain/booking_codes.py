"""Booking codes: short enough to type at a kiosk, read aloud on the phone, or scan from a QR code.

Eight characters of Crockford's base 32 (no I, L, O or U), shown as two groups of four. What a
person types is normalised the same way: case, spaces and dashes do not matter, and the letters
that look like digits (O, I, L) are read as those digits.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_NOT_CODE = re.compile(r"[^0-9A-Z]")


def new_booking_code() -> str:
    """A random code like 'K7M2-9QXD' (40 bits; the database keeps them unique)."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return format_code(raw)


def format_code(raw: str) -> str:
    return f"{raw[:4]}-{raw[4:]}"


def normalise_code(typed: str) -> str | None:
    """The code someone typed or scanned, in its stored form; None if it cannot be one."""
    cleaned = _NOT_CODE.sub("", (typed or "").upper().translate(_LOOKALIKES))
    if len(cleaned) != CODE_LENGTH or any(char not in ALPHABET for char in cleaned):
        return None
    return format_code(cleaned)
