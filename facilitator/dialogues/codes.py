"""Join codes: six characters a person can read aloud and type on a phone."""

import secrets

from sqlalchemy import select

from ..extensions import db
from .models import Dialogue

#: No look-alikes: no 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V.
ALPHABET = "34679ACDEFGHJKMNPQRTWXY"
LENGTH = 6


def normalize(code: str | None) -> str:
    """Upper-case, without spaces or dashes, as people type it."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def is_well_formed(code: str) -> bool:
    return len(code) == LENGTH and all(ch in ALPHABET for ch in code)


def new_code() -> str:
    """A code not used by any non-archived dialogue (archiving frees a code)."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        if db.session.scalar(select(Dialogue.id).where(Dialogue.join_code == code)) is None:
            return code


def find_by_code(code: str | None) -> Dialogue | None:
    """The joinable dialogue with this code, typed in any case."""
    code = normalize(code)
    if not is_well_formed(code):
        return None
    return db.session.scalar(select(Dialogue).where(Dialogue.join_code == code))
