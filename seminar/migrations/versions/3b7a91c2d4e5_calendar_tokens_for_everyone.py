"""Calendar tokens for everyone: made when a person or cohort is created, so pages never write

Before, a calendar feed's secret was made the first time its schedule page was shown (a GET
that wrote). Accounts and cohorts made before this revision get theirs here.

Revision ID: 3b7a91c2d4e5
Revises: 1e641284806d
Create Date: 2026-12-06 14:00:00.000000

"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "3b7a91c2d4e5"
down_revision = "1e641284806d"
branch_labels = None
depends_on = None


def upgrade():
    connection = op.get_bind()
    for table in ("users", "cohorts"):
        rows = sa.table(table, sa.column("id", sa.Integer), sa.column("calendar_token", sa.String))
        missing = connection.execute(
            sa.select(rows.c.id).where(rows.c.calendar_token.is_(None))
        ).scalars()
        for row_id in list(missing):
            connection.execute(
                sa.update(rows)
                .where(rows.c.id == row_id)
                .values(calendar_token=secrets.token_urlsafe(24))
            )


def downgrade():
    pass  # the tokens are harmless to keep; feeds subscribed to them keep working
