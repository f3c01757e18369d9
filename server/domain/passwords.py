"""What a staff password must be: long enough, and not one that attackers try first.

Length is what makes a password hard to guess; composition rules (a digit, a capital) only make people
write "Password1!". So the rule is at least 12 characters and not on the list of common passwords shipped
with Waitwell (data/common-passwords.txt.gz: breached passwords from SecLists, see its LICENSE), compared
regardless of case and Unicode form.
"""

from __future__ import annotations

import gzip
import unicodedata
from functools import cache
from pathlib import Path

from waitwell.domain.errors import InvalidInput

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200  # werkzeug hashes any length; this only keeps a pasted file out of the form
COMMON_PASSWORDS_FILE = Path(__file__).with_name("data") / "common-passwords.txt.gz"


def check_password(password: str) -> None:
    """InvalidInput saying what to change when the password may not be used; nothing otherwise."""
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"a password needs at least {MIN_PASSWORD_LENGTH} characters "
                           f"(this one has {len(password)}); a few words in a row are easy to remember")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(f"a password is at most {MAX_PASSWORD_LENGTH} characters")
    if is_common(password):
        raise InvalidInput("this password is on the list of common passwords that attackers try first; "
                           "choose another")


def is_common(password: str) -> bool:
    """Whether the password is on the shipped list, whatever its case."""
    return comparable(password) in _common_passwords()


def comparable(password: str) -> str:
    """The form passwords are compared with the list in (the list is stored in it)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", password).casefold())


@cache
def _common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(line.rstrip("\n") for line in lines if line.strip())
