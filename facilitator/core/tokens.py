"""Secret tokens: made once, shown once, stored only as a hash.

Every stored token (login sessions, participant cookies, projector links, review links,
API tokens, a board's API tokens) is made by `new_token` and stored and looked up only as
`hash_token(raw)`, so a copy of the database opens nothing.
"""

import hashlib
import secrets


def hash_token(raw: str | None) -> str:
    """The stored form of a token: SHA-256, hex. Tokens are long and random, so no salt."""
    return hashlib.sha256((raw or "").encode("utf-8")).hexdigest()


def new_token(nbytes: int = 32) -> str:
    """A fresh URL-safe random token."""
    return secrets.token_urlsafe(nbytes)
