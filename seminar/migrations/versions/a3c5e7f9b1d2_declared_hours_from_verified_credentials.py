"""declared hours from verified Open Badges 3.0 credentials

A declaration may come from another issuer's credential: its replay key (unique, so the same
credential counts once) and what was verified. Rows declared with a certificate keep NULL and
an empty text.

Revision ID: a3c5e7f9b1d2
Revises: 6652e99dfdbe
Create Date: 2026-12-06 16:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a3c5e7f9b1d2'
down_revision = '6652e99dfdbe'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('declared_hours', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credential_key', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('verified', sa.Text(), server_default='', nullable=False))
        batch_op.create_unique_constraint(
            batch_op.f('uq_declared_hours_credential_key'), ['credential_key']
        )


def downgrade():
    with op.batch_alter_table('declared_hours', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_declared_hours_credential_key'), type_='unique')
        batch_op.drop_column('verified')
        batch_op.drop_column('credential_key')
