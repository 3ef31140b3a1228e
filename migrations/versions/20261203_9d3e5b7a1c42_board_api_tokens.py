"""board api tokens: a board's own token for its follow-up and redovisning

Revision ID: 9d3e5b7a1c42
Revises: b7a1e0c9d2f4
Create Date: 2026-12-03 07:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = '9d3e5b7a1c42'
down_revision = 'b7a1e0c9d2f4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('board_api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
                            name=op.f('fk_board_api_tokens_organization_id_organizations')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                            name=op.f('fk_board_api_tokens_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_board_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_board_api_tokens_token_hash'))
    )
    with op.batch_alter_table('board_api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_board_api_tokens_organization_id'),
                              ['organization_id'], unique=False)
    with op.batch_alter_table('followup_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('board_token_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_followup_events_board_token_id_board_api_tokens'),
            'board_api_tokens', ['board_token_id'], ['id'])


def downgrade():
    with op.batch_alter_table('followup_events', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_followup_events_board_token_id_board_api_tokens'),
            type_='foreignkey')
        batch_op.drop_column('board_token_id')
    with op.batch_alter_table('board_api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_board_api_tokens_organization_id'))
    op.drop_table('board_api_tokens')
