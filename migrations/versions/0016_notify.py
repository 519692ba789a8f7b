"""Remember the reminder before each session of a series, once per registration and session

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('session_reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_session_reminder_registration_id_registration'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['seminar_session.id'], name=op.f('fk_session_reminder_session_id_seminar_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_reminder')),
    sa.UniqueConstraint('registration_id', 'session_id', name='uq_session_reminder_once')
    )
    with op.batch_alter_table('session_reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_reminder_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_reminder_session_id'), ['session_id'], unique=False)


def downgrade():
    with op.batch_alter_table('session_reminder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_reminder_session_id'))
        batch_op.drop_index(batch_op.f('ix_session_reminder_registration_id'))

    op.drop_table('session_reminder')
