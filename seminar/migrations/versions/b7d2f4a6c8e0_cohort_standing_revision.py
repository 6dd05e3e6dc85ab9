"""cohorts.standing_revision (dashboards kept per worker) and student_progress by user

Revision ID: b7d2f4a6c8e0
Revises: a3c1e5d7f902
Create Date: 2026-12-06 21:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b7d2f4a6c8e0'
down_revision = 'a3c1e5d7f902'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('standing_revision', sa.Integer(), server_default='0', nullable=False)
        )
    with op.batch_alter_table('student_progress', schema=None) as batch_op:
        batch_op.create_index('ix_student_progress_user_id', ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('student_progress', schema=None) as batch_op:
        batch_op.drop_index('ix_student_progress_user_id')
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.drop_column('standing_revision')
