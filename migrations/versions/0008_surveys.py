"""Add evaluation surveys

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 12:09:07.741522

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('survey_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_template')),
    sa.UniqueConstraint('key', name=op.f('uq_survey_template_key'))
    )
    op.create_table('survey_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text_de', sa.Text(), nullable=False),
    sa.Column('text_en', sa.Text(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('online_only', sa.Boolean(), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.CheckConstraint("kind IN ('scale5', 'choice', 'yes_no', 'text')", name=op.f('ck_survey_question_kind')),
    sa.ForeignKeyConstraint(['template_id'], ['survey_template.id'], name=op.f('fk_survey_question_template_id_survey_template'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_question'))
    )
    with op.batch_alter_table('survey_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_question_template_id'), ['template_id'], unique=False)

    op.create_table('survey_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seminar_id', sa.Integer(), nullable=True),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('hidden', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['seminar_id'], ['seminar.id'], name=op.f('fk_survey_response_seminar_id_seminar'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['template_id'], ['survey_template.id'], name=op.f('fk_survey_response_template_id_survey_template')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_response'))
    )
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_response_seminar_id'), ['seminar_id'], unique=False)

    op.create_table('survey_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('seminar_id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('token_salt', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('used', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_survey_invitation_registration_id_registration'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['seminar_id'], ['seminar.id'], name=op.f('fk_survey_invitation_seminar_id_seminar'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['template_id'], ['survey_template.id'], name=op.f('fk_survey_invitation_template_id_survey_template')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_invitation')),
    sa.UniqueConstraint('registration_id', name=op.f('uq_survey_invitation_registration_id')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_survey_invitation_token_hash'))
    )
    with op.batch_alter_table('survey_invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_invitation_seminar_id'), ['seminar_id'], unique=False)



    _insert_default_questionnaire()


# The steering committee's questionnaire; keys stay stable across wording changes.
QUESTIONS = [
    ("overall", "scale5", "Wie zufrieden sind Sie insgesamt mit dem Seminar?",
     "How satisfied are you with the seminar overall?", False),
    ("usefulness", "scale5", "Wie nützlich ist das Seminar für Ihre Arbeit in der Selbsthilfegruppe?",
     "How useful is the seminar for your work in the self-help group?", False),
    ("trainer", "scale5", "Wie bewerten Sie die Referentin oder den Referenten?",
     "How do you rate the trainer?", False),
    ("organisation", "scale5", "Wie bewerten Sie die Organisation (Anmeldung, Ort, Ablauf)?",
     "How do you rate the organisation (registration, venue, schedule)?", False),
    ("technology", "scale5", "Wie gut hat die Technik beim Online-Seminar funktioniert?",
     "How well did the technology work in the online seminar?", True),
    ("recommend", "yes_no", "Würden Sie das Seminar weiterempfehlen?",
     "Would you recommend the seminar?", False),
    ("helped_most", "text", "Was hat Ihnen am meisten geholfen?",
     "What helped you most?", False),
    ("should_change", "text", "Was sollten wir ändern?", "What should we change?", False),
    ("topics_wished", "text", "Welche Themen wünschen Sie sich für künftige Seminare?",
     "Which topics would you like for future seminars?", False),
]  # noqa: E501


def _insert_default_questionnaire():
    template = sa.table("survey_template", sa.column("id", sa.Integer), sa.column("key", sa.String),
                        sa.column("name", sa.String), sa.column("active", sa.Boolean))
    question = sa.table(
        "survey_question", sa.column("template_id", sa.Integer), sa.column("key", sa.String),
        sa.column("version", sa.Integer), sa.column("kind", sa.String),
        sa.column("text_de", sa.Text), sa.column("text_en", sa.Text),
        sa.column("options", sa.JSON), sa.column("position", sa.Integer),
        sa.column("online_only", sa.Boolean), sa.column("retired", sa.Boolean),
    )
    op.bulk_insert(template, [{"id": 1, "key": "standard",
                               "name": "Fragebogen des Steuerkreises", "active": True}])
    op.bulk_insert(question, [
        {"template_id": 1, "key": key, "version": 1, "kind": kind, "text_de": de, "text_en": en,
         "options": [], "position": (index + 1) * 10, "online_only": online, "retired": False}
        for index, (key, kind, de, en, online) in enumerate(QUESTIONS)
    ])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SELECT setval('survey_template_id_seq', (SELECT max(id) FROM survey_template))")


def downgrade():
    with op.batch_alter_table('survey_invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_invitation_seminar_id'))

    op.drop_table('survey_invitation')
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_response_seminar_id'))

    op.drop_table('survey_response')
    with op.batch_alter_table('survey_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_question_template_id'))

    op.drop_table('survey_question')
    op.drop_table('survey_template')
