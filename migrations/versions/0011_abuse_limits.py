"""Cap unconfirmed registrations per address and per client

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

PENDING = sa.text("status = 'pending'")


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_key', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_registration_pending_email', ['email_normalized'], unique=False, postgresql_where=PENDING, sqlite_where=PENDING)
        batch_op.create_index('ix_registration_pending_client', ['client_key'], unique=False, postgresql_where=PENDING, sqlite_where=PENDING)


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index('ix_registration_pending_client', postgresql_where=PENDING, sqlite_where=PENDING)
        batch_op.drop_index('ix_registration_pending_email', postgresql_where=PENDING, sqlite_where=PENDING)
        batch_op.drop_column('client_key')
