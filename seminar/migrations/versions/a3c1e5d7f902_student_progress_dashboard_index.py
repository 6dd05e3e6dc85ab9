"""student_progress: stored dashboard cells and a covering index for filters and counts

Revision ID: a3c1e5d7f902
Revises: a3c5e7f9b1d2
Create Date: 2026-12-06 15:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

import seminar.db  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = 'a3c1e5d7f902'
down_revision = 'a3c5e7f9b1d2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('student_progress', schema=None) as batch_op:
        # Rows computed before this show cells from their requirements until recomputed.
        batch_op.add_column(sa.Column('cells', sa.Text(), nullable=True))
        batch_op.create_index(
            'ix_student_progress_dashboard',
            ['cohort_id', 'name', 'user_id', 'percent', 'eligible', 'last_activity', 'joined_at'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('student_progress', schema=None) as batch_op:
        batch_op.drop_index('ix_student_progress_dashboard')
        batch_op.drop_column('cells')
