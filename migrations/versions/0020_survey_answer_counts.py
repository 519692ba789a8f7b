"""Count survey answers once: per seminar, question key, value and review state

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 13:05:00

The table starts empty with nothing counted; housekeeping counts the stored responses in
batches. Until then the figures expand the stored responses as before, so they are exact
from the first request on.
"""

from alembic import op
import sqlalchemy as sa


revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "survey_answer_count",
        sa.Column("seminar_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["seminar_id"],
            ["seminar.id"],
            name=op.f("fk_survey_answer_count_seminar_id_seminar"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "seminar_id", "key", "value", "state", name=op.f("pk_survey_answer_count")
        ),
    )
    fold = op.create_table(
        "survey_answer_fold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_response_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_answer_fold")),
    )
    op.bulk_insert(fold, [{"id": 1, "last_response_id": 0}])


def downgrade():
    op.drop_table("survey_answer_fold")
    op.drop_table("survey_answer_count")
