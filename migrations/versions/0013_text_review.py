"""Free-text answers reach the steering committee only after staff released them

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    # Every text answered so far waits for review: nothing is released without a reading.
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('released', sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.alter_column('released', server_default=None)


def downgrade():
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.drop_column('released')
