"""One search service over the library, on the database's own full-text engine.

- PostgreSQL: `to_tsvector('swedish', text) @@ plainto_tsquery('swedish', query)`, the
  built-in Swedish configuration (Snowball stemmer, its stop words).
- SQLite: an FTS5 table holding each shared example's words as the same Snowball stemmer
  (`snowballstemmer`) makes them, without PostgreSQL's Swedish stop words (shipped as
  `swedish.stop`, copied from PostgreSQL); the query goes through the same steps.

Both match when every word of the query (after stemming, stop words left out) is in the text,
so "utredningar" finds "utredning" on both. Hyphens separate words on both. Only shared
examples are ever indexed or returned.
"""

import re
from functools import cache
from pathlib import Path

import snowballstemmer
from sqlalchemy import text

from ..extensions import db

WORD = re.compile(r"\w+", re.UNICODE)
FTS_TABLE = "library_fts"


@cache
def _stopwords() -> frozenset[str]:
    path = Path(__file__).with_name("swedish.stop")
    return frozenset(w.strip() for w in path.read_text(encoding="utf-8").split() if w.strip())


@cache
def _stemmer():
    return snowballstemmer.stemmer("swedish")


def words(value: str) -> list[str]:
    """The words of a text as they are searched: lower case, no stop words, stemmed."""
    stem = _stemmer().stemWord
    stop = _stopwords()
    return [stem(w) for w in WORD.findall((value or "").lower()) if w not in stop]


def _dialect() -> str:
    return db.session.get_bind().dialect.name


# --- SQLite: an FTS5 table of stemmed words ----------------------------------------------


def _ensure_sqlite() -> None:
    """Create the FTS5 table on first use and fill it from the shared examples; it lives
    beside the schema the models describe, rebuilt from them whenever it is missing."""
    exists = db.session.execute(text(
        "SELECT 1 FROM sqlite_master WHERE name = :n"), {"n": FTS_TABLE}).first()
    if exists:
        return
    db.session.execute(text(
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(body, example_id UNINDEXED, "
        "tokenize = 'unicode61 remove_diacritics 0')"))
    rows = db.session.execute(text(
        "SELECT s.contribution_id, c.text FROM shared_examples s "
        "JOIN contributions c ON c.id = s.contribution_id")).all()
    for example_id, body in rows:
        _insert_sqlite(example_id, body)


def _insert_sqlite(example_id: int, body: str) -> None:
    db.session.execute(text(f"INSERT INTO {FTS_TABLE} (body, example_id) VALUES (:b, :i)"),
                       {"b": " ".join(words(body)), "i": example_id})


def index(example_id: int, body: str) -> None:
    """Add a shared example to the index (PostgreSQL indexes the text itself)."""
    if _dialect() != "sqlite":
        return
    _ensure_sqlite()
    remove(example_id)
    _insert_sqlite(example_id, body)


def remove(example_id: int) -> None:
    """Take an example out of the index."""
    if _dialect() != "sqlite":
        return
    _ensure_sqlite()
    db.session.execute(text(f"DELETE FROM {FTS_TABLE} WHERE example_id = :i"),
                       {"i": example_id})


def matching_ids(query: str) -> set[int]:
    """Ids of the shared examples whose text holds every word of `query`."""
    terms = words(query)
    if not terms:
        return set()
    if _dialect() == "postgresql":
        rows = db.session.execute(text(
            "SELECT s.contribution_id FROM shared_examples s "
            "JOIN contributions c ON c.id = s.contribution_id "
            "WHERE to_tsvector('swedish', replace(c.text, '-', ' ')) "
            "@@ plainto_tsquery('swedish', :q)"), {"q": query.replace("-", " ")})
        return {row[0] for row in rows}
    _ensure_sqlite()
    match = " AND ".join('"' + t.replace('"', '""') + '"' for t in dict.fromkeys(terms))
    rows = db.session.execute(text(
        f"SELECT f.example_id FROM {FTS_TABLE} f "
        "JOIN shared_examples s ON s.contribution_id = f.example_id "
        f"WHERE {FTS_TABLE} MATCH :m"), {"m": match})
    return {int(row[0]) for row in rows}
