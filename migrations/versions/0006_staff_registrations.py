"""Let staff move people ahead and register by phone

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 11:49:13.676007

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('queue_priority', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('registered_by_staff', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('registered_by_staff')
        batch_op.drop_column('queue_priority')

