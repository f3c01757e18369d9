"""Which characters a ticket may send as text: only through code pages that every ESC/POS printer numbers alike.

A python-escpos profile lists a printer's code pages by their `ESC t` number, and clones number some tables
their own way: the 58 mm POS-5890 profile has CP1257 at 25, where an Epson-compatible printer has a Thai table.
The model behind a profile is often a guess (the default profiles are), so a table whose number two kinds of
printer read differently would print the wrong letters on one of them. A character none of the tables both
agree on has is sent as its plain ASCII look-alike (dashes, curly quotes) or, failing that, its line is drawn.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from escpos.capabilities import BaseProfile
from escpos.magicencode import Encoder

# `ESC t n` of Epson's ESC/POS reference, by python-escpos' names for the tables (1 is Epson's Katakana page,
# which is what CP932 holds in its single-byte half).
STANDARD_CODE_PAGES: dict[int, str] = {
    0: "CP437", 1: "CP932", 2: "CP850", 3: "CP860", 4: "CP863", 5: "CP865", 11: "CP851", 12: "CP853",
    13: "CP857", 14: "CP737", 15: "ISO_8859-7", 16: "CP1252", 17: "CP866", 18: "CP852", 19: "CP858",
    32: "CP720", 33: "CP775", 34: "CP855", 35: "CP861", 36: "CP862", 37: "CP864", 38: "CP869",
    39: "ISO_8859-2", 40: "ISO_8859-15", 41: "CP1098", 44: "CP1125", 45: "CP1250", 46: "CP1251",
    47: "CP1253", 48: "CP1254", 49: "CP1255", 50: "CP1256", 51: "CP1257", 52: "CP1258", 53: "RK1048",
}
# Punctuation with no compatibility form in ASCII, and the ASCII a reader takes for it.
ASCII_LOOK_ALIKES: dict[str, str] = {
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63", "-"),
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u2035", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u2036\u00ab\u00bb", '"'),
    "\u2039": "<", "\u203a": ">", "\u2022": "*", "\u00b7": ".", "\u2044": "/", "\u00d7": "x",
    **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad", ""),
}


def usable_code_pages(profile: BaseProfile) -> dict[str, int]:
    """The profile's tables that an Epson-compatible printer has at the same `ESC t` number, each at its lowest."""
    pages: dict[str, int] = {}
    for number, name in sorted(((int(number), name) for number, name in profile.codePages.items())):
        if STANDARD_CODE_PAGES.get(number) == name:
            pages.setdefault(name, number)
    return pages


def encoder_for(profile: BaseProfile) -> Encoder:
    """python-escpos' code page chooser limited to the usable tables, built once per profile."""
    return _encoder(type(profile))


def text_for_code_pages(profile: BaseProfile, text: str) -> str | None:
    """The line as the printer's code pages can print it (with ASCII look-alikes where they must stand in),
    or None when it has to be drawn as an image: a script no table has, or one that needs shaping."""
    encoder = encoder_for(profile)
    printed = [_printed_char(encoder, char) for char in unicodedata.normalize("NFC", text)]
    return None if any(char is None for char in printed) else "".join(printed)  # type: ignore[arg-type]


def ascii_look_alike(char: str) -> str | None:
    """Plain ASCII that reads as the character: its compatibility form (a no-break space, "…") or a look-alike."""
    if char in ASCII_LOOK_ALIKES:
        return ASCII_LOOK_ALIKES[char]
    compatible = unicodedata.normalize("NFKC", char)
    if compatible != char and compatible.isascii() and compatible.isprintable():
        return compatible
    return None


@lru_cache(maxsize=64)  # per profile class: python-escpos makes one class per profile name, with its code pages
def _encoder(profile_class: type[BaseProfile]) -> Encoder:
    return Encoder(usable_code_pages(profile_class()))


@lru_cache(maxsize=4096)  # per encoder and character: looking through the code pages took 4 ms a ticket
def _printed_char(encoder: Encoder, char: str) -> str | None:
    if ord(char) < 128:
        return char if char.isprintable() else None
    if unicodedata.bidirectional(char) in ("R", "AL") or unicodedata.combining(char):
        return None  # right-to-left and combining scripts need shaping that code pages cannot do
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return None  # each CJK character is two columns wide and in no single-byte table: drawn
    if encoder.find_suitable_encoding(char) is not None:
        return char
    return ascii_look_alike(char)
