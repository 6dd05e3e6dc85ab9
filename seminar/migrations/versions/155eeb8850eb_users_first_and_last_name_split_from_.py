"""users: first and last name, split from the full name

Boards and CE trackers key on a licensee's first and last name separately; the full name stays
for display (and is what records print). Accounts made before this revision get theirs split
from their full name (seminar.core.names.split_name); each person can correct it on their
account page.

Revision ID: 155eeb8850eb
Revises: 14f104b16fda
Create Date: 2026-12-06 13:40:11.209413

"""
from alembic import op
import sqlalchemy as sa

from seminar.core.names import split_name


# revision identifiers, used by Alembic.
revision = '155eeb8850eb'
down_revision = '14f104b16fda'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_name', sa.String(length=120), server_default='', nullable=False))
        batch_op.add_column(sa.Column('last_name', sa.String(length=120), server_default='', nullable=False))

    connection = op.get_bind()
    users = sa.table(
        'users',
        sa.column('id', sa.Integer),
        sa.column('name', sa.String),
        sa.column('first_name', sa.String),
        sa.column('last_name', sa.String),
    )
    for row_id, name in list(connection.execute(sa.select(users.c.id, users.c.name))):
        first, last = split_name(name or '')
        connection.execute(
            sa.update(users).where(users.c.id == row_id).values(first_name=first, last_name=last)
        )


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('last_name')
        batch_op.drop_column('first_name')
