"""Create programme and registration tables

Revision ID: 0001
Revises: -
Create Date: 2026-11-22 10:44:17.838338

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('instructor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('bio', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instructor')),
    sa.UniqueConstraint('name', name=op.f('uq_instructor_name'))
    )
    op.create_table('topic',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('name_de', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topic')),
    sa.UniqueConstraint('key', name=op.f('uq_topic_key'))
    )
    op.create_table('venue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('street', sa.String(length=200), nullable=False),
    sa.Column('postcode', sa.String(length=10), nullable=False),
    sa.Column('town', sa.String(length=100), nullable=False),
    sa.Column('step_free_access', sa.Boolean(), nullable=False),
    sa.Column('accessible_toilet', sa.Boolean(), nullable=False),
    sa.Column('hearing_loop', sa.Boolean(), nullable=False),
    sa.Column('accessible_parking', sa.Boolean(), nullable=False),
    sa.Column('accessibility_notes', sa.Text(), nullable=False),
    sa.Column('directions', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_venue'))
    )
    with op.batch_alter_table('venue', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_venue_town'), ['town'], unique=False)

    op.create_table('seminar',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('format', sa.String(length=20), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=True),
    sa.Column('meeting_url', sa.String(length=500), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('waitlist_capacity', sa.Integer(), nullable=False),
    sa.Column('registration_opens_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('registration_closes_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('teaching_units', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("format IN ('in_person', 'online', 'hybrid')", name=op.f('ck_seminar_format')),
    sa.CheckConstraint("status IN ('draft', 'published', 'cancelled')", name=op.f('ck_seminar_status')),
    sa.CheckConstraint('capacity >= 0', name=op.f('ck_seminar_capacity')),
    sa.CheckConstraint('teaching_units >= 0', name=op.f('ck_seminar_teaching_units')),
    sa.CheckConstraint('waitlist_capacity >= 0', name=op.f('ck_seminar_waitlist_capacity')),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_seminar_topic_id_topic')),
    sa.ForeignKeyConstraint(['venue_id'], ['venue.id'], name=op.f('fk_seminar_venue_id_venue')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seminar')),
    sa.UniqueConstraint('code', name=op.f('uq_seminar_code'))
    )
    with op.batch_alter_table('seminar', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seminar_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_seminar_topic_id'), ['topic_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_seminar_venue_id'), ['venue_id'], unique=False)

    op.create_table('registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seminar_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('holds_seat', sa.Boolean(), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('email_normalized', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('county', sa.String(length=60), nullable=True),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('need_sign_language', sa.Boolean(), nullable=False),
    sa.Column('need_speech_to_text', sa.Boolean(), nullable=False),
    sa.Column('need_step_free', sa.Boolean(), nullable=False),
    sa.Column('need_hearing_loop', sa.Boolean(), nullable=False),
    sa.Column('need_personal_assistant', sa.Boolean(), nullable=False),
    sa.Column('needs_other', sa.Text(), nullable=False),
    sa.Column('remarks', sa.Text(), nullable=False),
    sa.Column('consent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hold_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('offer_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("NOT holds_seat OR status IN ('pending', 'confirmed', 'offered')", name=op.f('ck_registration_holds_seat_status')),
    sa.CheckConstraint("status IN ('pending', 'confirmed', 'waitlisted', 'offered', 'cancelled', 'expired')", name=op.f('ck_registration_status')),
    sa.ForeignKeyConstraint(['seminar_id'], ['seminar.id'], name=op.f('fk_registration_seminar_id_seminar'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_registration_token_hash'))
    )
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_registration_seminar_status', ['seminar_id', 'status'], unique=False)
        batch_op.create_index('uq_registration_active_email', ['seminar_id', 'email_normalized'], unique=True, postgresql_where=sa.text("status IN ('pending', 'confirmed', 'waitlisted', 'offered')"), sqlite_where=sa.text("status IN ('pending', 'confirmed', 'waitlisted', 'offered')"))

    op.create_table('seminar_instructor',
    sa.Column('seminar_id', sa.Integer(), nullable=False),
    sa.Column('instructor_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['instructor_id'], ['instructor.id'], name=op.f('fk_seminar_instructor_instructor_id_instructor'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['seminar_id'], ['seminar.id'], name=op.f('fk_seminar_instructor_seminar_id_seminar'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('seminar_id', 'instructor_id', name=op.f('pk_seminar_instructor'))
    )
    op.create_table('seminar_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seminar_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_seminar_session_ends_after_start')),
    sa.ForeignKeyConstraint(['seminar_id'], ['seminar.id'], name=op.f('fk_seminar_session_seminar_id_seminar'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seminar_session'))
    )
    with op.batch_alter_table('seminar_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seminar_session_seminar_id'), ['seminar_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_seminar_session_starts_at'), ['starts_at'], unique=False)



def downgrade():
    with op.batch_alter_table('seminar_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_seminar_session_starts_at'))
        batch_op.drop_index(batch_op.f('ix_seminar_session_seminar_id'))

    op.drop_table('seminar_session')
    op.drop_table('seminar_instructor')
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index('uq_registration_active_email', postgresql_where=sa.text("status IN ('pending', 'confirmed', 'waitlisted', 'offered')"), sqlite_where=sa.text("status IN ('pending', 'confirmed', 'waitlisted', 'offered')"))
        batch_op.drop_index('ix_registration_seminar_status')
        batch_op.drop_index(batch_op.f('ix_registration_created_at'))

    op.drop_table('registration')
    with op.batch_alter_table('seminar', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_seminar_venue_id'))
        batch_op.drop_index(batch_op.f('ix_seminar_topic_id'))
        batch_op.drop_index(batch_op.f('ix_seminar_status'))

    op.drop_table('seminar')
    with op.batch_alter_table('venue', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_venue_town'))

    op.drop_table('venue')
    op.drop_table('topic')
    op.drop_table('instructor')
