"""login sessions store the hash of their token

Revision ID: 3f1a9c2e7b10
Revises: cc428a39e6c9
Create Date: 2026-12-02 21:20:00

Existing sessions keep working: each stored token is replaced by its SHA-256, which is what
the login loader now looks up (`core.tokens.hash_token`).
"""
import hashlib

import sqlalchemy as sa
from alembic import op

revision = '3f1a9c2e7b10'
down_revision = 'cc428a39e6c9'
branch_labels = None
depends_on = None


def _hash(token):
    return hashlib.sha256((token or "").encode("utf-8")).hexdigest()


def upgrade():
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.drop_constraint('uq_login_sessions_token', type_='unique')
        batch_op.alter_column('token', new_column_name='token_hash',
                              existing_type=sa.String(length=64), existing_nullable=False)
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_login_sessions_token_hash'),
                                          ['token_hash'])
    conn = op.get_bind()
    table = sa.table('login_sessions', sa.column('id', sa.Integer),
                     sa.column('token_hash', sa.String))
    for row_id, token in conn.execute(sa.select(table.c.id, table.c.token_hash)).all():
        conn.execute(table.update().where(table.c.id == row_id)
                     .values(token_hash=_hash(token)))


def downgrade():
    # A hash cannot be turned back into its token: every login session ends.
    conn = op.get_bind()
    conn.execute(sa.text("DELETE FROM login_sessions"))
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.drop_constraint('uq_login_sessions_token_hash', type_='unique')
        batch_op.alter_column('token_hash', new_column_name='token',
                              existing_type=sa.String(length=64), existing_nullable=False)
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_login_sessions_token'), ['token'])
