"""meeting split reflection: the reflection whose split the projector shows on request

Revision ID: e4b1c7d9a2f3
Revises: d3a8f51c2e07
Create Date: 2026-12-03 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'e4b1c7d9a2f3'
down_revision = 'd3a8f51c2e07'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('split_reflection_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_meetings_split_reflection_id_reflections', 'reflections',
                                    ['split_reflection_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_constraint('fk_meetings_split_reflection_id_reflections',
                                 type_='foreignkey')
        batch_op.drop_column('split_reflection_id')
