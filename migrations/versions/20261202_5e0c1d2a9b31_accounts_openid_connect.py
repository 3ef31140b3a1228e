"""accounts: OpenID Connect identity, accounts without a password

Revision ID: 5e0c1d2a9b31
Revises: 3f1a9c2e7b10
Create Date: 2026-12-02 21:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e0c1d2a9b31'
down_revision = '3f1a9c2e7b10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('oidc_issuer', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('oidc_subject', sa.String(length=255), nullable=True))
        batch_op.alter_column('password_hash', existing_type=sa.String(length=255),
                              nullable=True)
        batch_op.create_unique_constraint('uq_users_oidc_issuer_oidc_subject',
                                          ['oidc_issuer', 'oidc_subject'])


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('uq_users_oidc_issuer_oidc_subject', type_='unique')
        batch_op.alter_column('password_hash', existing_type=sa.String(length=255),
                              nullable=False)
        batch_op.drop_column('oidc_subject')
        batch_op.drop_column('oidc_issuer')
