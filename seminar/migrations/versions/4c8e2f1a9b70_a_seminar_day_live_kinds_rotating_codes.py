"""A seminar day: live question kinds, answers as sets of choices, rotating check-in codes

Live questions get their kind (single, multiple, true/false, poll); a live answer keeps the set
of choices picked (a multiple answer picks several) and has no right or wrong in a poll.
Sessions may rotate their check-in code (a secret it is derived from, and the period), and an
attendance says whether closing the session checked it out (reopening check-in takes it back).

Revision ID: 4c8e2f1a9b70
Revises: 7486168414e4
Create Date: 2026-12-08 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "4c8e2f1a9b70"
down_revision = "7486168414e4"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("seminar_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("code_seconds", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("checkin_secret", sa.String(length=64), nullable=True))
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("out_at_close", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("live_questions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=20), server_default="single", nullable=False)
        )
    with op.batch_alter_table("live_answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("choices", sa.JSON(), nullable=True))
    answers = sa.table(
        "live_answers",
        sa.column("id", sa.Integer),
        sa.column("choice", sa.Integer),
        sa.column("choices", sa.JSON),
    )
    connection = op.get_bind()
    for answer_id, choice in connection.execute(sa.select(answers.c.id, answers.c.choice)).all():
        connection.execute(
            sa.update(answers).where(answers.c.id == answer_id).values(choices=[choice])
        )
    with op.batch_alter_table("live_answers", schema=None) as batch_op:
        batch_op.alter_column("choices", existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column("correct", existing_type=sa.Boolean(), nullable=True)
        batch_op.drop_column("choice")


def downgrade():
    with op.batch_alter_table("live_answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("choice", sa.Integer(), nullable=True))
    answers = sa.table(
        "live_answers",
        sa.column("id", sa.Integer),
        sa.column("choice", sa.Integer),
        sa.column("choices", sa.JSON),
        sa.column("correct", sa.Boolean),
    )
    connection = op.get_bind()
    for answer_id, choices in connection.execute(sa.select(answers.c.id, answers.c.choices)).all():
        connection.execute(
            sa.update(answers)
            .where(answers.c.id == answer_id)
            .values(choice=(choices or [0])[0])
        )
    connection.execute(sa.update(answers).where(answers.c.correct.is_(None)).values(correct=False))
    with op.batch_alter_table("live_answers", schema=None) as batch_op:
        batch_op.alter_column("choice", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("correct", existing_type=sa.Boolean(), nullable=False)
        batch_op.drop_column("choices")
    with op.batch_alter_table("live_questions", schema=None) as batch_op:
        batch_op.drop_column("kind")
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_column("out_at_close")
    with op.batch_alter_table("seminar_sessions", schema=None) as batch_op:
        batch_op.drop_column("checkin_secret")
        batch_op.drop_column("code_seconds")
