"""organization name key: names unique case-folded and Unicode-normalised

Revision ID: b7a1e0c9d2f4
Revises: f6110e8a1015
Create Date: 2026-12-02 21:10:00

"""
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = 'b7a1e0c9d2f4'
down_revision = 'f6110e8a1015'
branch_labels = None
depends_on = None


def _key(name):
    return " ".join(unicodedata.normalize("NFKC", name or "").casefold().split())


def upgrade():
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', sa.String(length=200), nullable=True))
    conn = op.get_bind()
    table = sa.table('organizations', sa.column('id', sa.Integer), sa.column('name', sa.String),
                     sa.column('name_key', sa.String))
    seen = set()
    for org_id, name in conn.execute(sa.select(table.c.id, table.c.name)).all():
        key = _key(name)
        if key in seen:  # an earlier duplicate that only differed in case: keep it findable
            key = f"{key} ({org_id})"
        seen.add(key)
        conn.execute(table.update().where(table.c.id == org_id).values(name_key=key))
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.alter_column('name_key', existing_type=sa.String(length=200), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_organizations_name_key'), ['name_key'])


def downgrade():
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_organizations_name_key'), type_='unique')
        batch_op.drop_column('name_key')
