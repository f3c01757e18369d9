"""Usernames: one form per account, so "Alice", "alice" and "ａｌｉｃｅ" (full-width) are the same account, and
names that only look like another (invisible characters, Latin mixed with Cyrillic) are refused.

The form kept and compared is NFKC, case-folded (Unicode's caseless matching), then NFKC again. Signing
in uses the same form, so the case typed does not matter. A new name is also checked for characters a
person cannot see and for a mix of scripts, which is how one account is made to look like another.
"""

from __future__ import annotations

import unicodedata

from confusable_homoglyphs import categories

from waitwell.domain.errors import InvalidInput

MAX_USERNAME_LENGTH = 80

# Characters that show nothing although Unicode does not class them as format characters (Cf):
# variation selectors, the combining grapheme joiner, Hangul fillers, Khmer inherent vowels, Mongolian FVS.
_INVISIBLE_RANGES = ((0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x3164, 0x3164),
                     (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0), (0xE0100, 0xE01EF))
# Control, format (zero-width space and joiners, bidi marks), surrogate, private use, unassigned,
# and every kind of space or line separator.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})
# Scripts that are written together (Unicode TS #39, "highly restrictive"); any other mix is refused.
_SCRIPTS_WRITTEN_TOGETHER = (frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
                             frozenset({"LATIN", "HAN", "BOPOMOFO"}), frozenset({"LATIN", "HAN", "HANGUL"}))
_NO_SCRIPT = frozenset({"COMMON", "INHERITED"})  # digits, punctuation, combining marks: fit any script


def normalise_username(typed: str) -> str:
    """The form a username is stored, compared and looked up in (no checks: signing in with any text must
    find the account or nothing)."""
    once = unicodedata.normalize("NFKC", (typed or "").strip())
    return unicodedata.normalize("NFKC", once.casefold())


def new_username(typed: str) -> str:
    """The normalised form of a username for a new account; InvalidInput saying what is wrong otherwise."""
    if invisible := [c for c in (typed or "") if _is_invisible(c) and c != " "]:
        raise InvalidInput(f"a username cannot contain invisible or control characters (found "
                           f"{', '.join(_code_point(c) for c in dict.fromkeys(invisible))})")
    username = normalise_username(typed)
    if not username or len(username) > MAX_USERNAME_LENGTH or any(_is_invisible(c) for c in username):
        raise InvalidInput(f"a username is 1 to {MAX_USERNAME_LENGTH} characters without spaces")
    scripts = sorted({categories.alias(c) for c in username} - _NO_SCRIPT)
    if len(scripts) > 1 and not any(set(scripts) <= allowed for allowed in _SCRIPTS_WRITTEN_TOGETHER):
        raise InvalidInput(f"a username is written in one script: {typed.strip()!r} mixes "
                           f"{' and '.join(s.title() for s in scripts)} letters, which can make it look like "
                           "another account's name")
    return username


def _is_invisible(character: str) -> bool:
    code = ord(character)
    return (unicodedata.category(character) in _INVISIBLE_CATEGORIES
            or any(first <= code <= last for first, last in _INVISIBLE_RANGES))


def _code_point(character: str) -> str:
    name = unicodedata.name(character, "")
    return f"U+{ord(character):04X}" + (f" {name.lower()}" if name else "")
