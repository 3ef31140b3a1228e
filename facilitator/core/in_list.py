"""`column IN (a list)` as one statement whatever the list's length.

SQLAlchemy writes an expanding `IN` with one placeholder per value, so on PostgreSQL every
length is a new statement for psycopg to parse and plan (a room's 600 questions: a statement
of several KB, parsed again at every snapshot). There, the list goes as one array parameter
instead (`= ANY(:ids)`), the same statement every time; SQLite keeps the expanding `IN`.
"""

from sqlalchemy import Integer, bindparam, func
from sqlalchemy.dialects.postgresql import ARRAY

from ..extensions import db


def postgresql() -> bool:
    """Whether the session's database is PostgreSQL (pick the statement with it)."""
    return db.session.get_bind().dialect.name == "postgresql"


def one_of(column, name: str, postgresql: bool):
    """`column` is one of the values given as the parameter `name` (a list)."""
    if postgresql:
        return column == func.any(bindparam(name, type_=ARRAY(Integer)))
    return column.in_(bindparam(name, expanding=True))
