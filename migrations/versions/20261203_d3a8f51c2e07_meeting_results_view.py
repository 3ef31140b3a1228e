"""meeting results view: what the projector shows of a poll (by role, by board, total)

Revision ID: d3a8f51c2e07
Revises: 9d3e5b7a1c42
Create Date: 2026-12-03 07:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'd3a8f51c2e07'
down_revision = '9d3e5b7a1c42'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('results_view', sa.String(length=10), nullable=False,
                                      server_default='role'))


def downgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('results_view')
