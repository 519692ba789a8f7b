"""Unlinkable survey answers and a pseudonymous person key

Invitations lose every reference to the person (who was invited moves to survey_invitee),
responses get a keyed ballot instead of the invitation's used flag and lose their date. Both
survey tables are rebuilt, not altered: a dropped column stays on disk in PostgreSQL until
the rows are rewritten, and rewriting also gives the old rows new transaction ids.

Registrations get the pseudonymous person key that keeps "people reached" stable through
retention and erasure (a keyed hash of the normalised address; the key comes from the
configuration, so it is computed here with the running application's settings).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 16:20:00

"""

import hashlib
import hmac

import sqlalchemy as sa
from alembic import op
from flask import current_app

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _person_key_secret() -> bytes:
    configured = current_app.config.get("PERSON_KEY_SECRET")
    if configured:
        return configured.encode()
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"person-key", hashlib.sha256).digest()


def upgrade():
    op.create_table(
        "survey_invitee",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("seminar_id", sa.Integer(), nullable=False),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["registration_id"], ["registration.id"],
                                name=op.f("fk_survey_invitee_registration_id_registration"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["seminar_id"], ["seminar.id"],
                                name=op.f("fk_survey_invitee_seminar_id_seminar"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_invitee")),
        sa.UniqueConstraint("registration_id", name=op.f("uq_survey_invitee_registration_id")),
    )
    with op.batch_alter_table("survey_invitee") as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_invitee_seminar_id"), ["seminar_id"])
    # Links sent before keep working until they close, but are not reminded again (the
    # reminder would carry a link of the new kind); used links close now.
    op.execute(
        "INSERT INTO survey_invitee (registration_id, seminar_id, invited_at, reminded_at) "
        "SELECT registration_id, seminar_id, created_at, COALESCE(reminded_at, created_at) "
        "FROM survey_invitation WHERE registration_id IS NOT NULL ORDER BY registration_id"
    )
    op.execute(
        "CREATE TABLE survey_invitation_copy AS SELECT seminar_id, template_id, token_hash, "
        "CASE WHEN used THEN created_at ELSE closes_at END AS closes_at "
        "FROM survey_invitation ORDER BY random()"
    )
    with op.batch_alter_table("survey_invitation") as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_invitation_seminar_id"))
    op.drop_table("survey_invitation")
    op.create_table(
        "survey_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seminar_id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["seminar_id"], ["seminar.id"],
                                name=op.f("fk_survey_invitation_seminar_id_seminar"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["template_id"], ["survey_template.id"],
                                name=op.f("fk_survey_invitation_template_id_survey_template")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_invitation")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_survey_invitation_token_hash")),
    )
    with op.batch_alter_table("survey_invitation") as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_invitation_seminar_id"), ["seminar_id"])
    op.execute(
        "INSERT INTO survey_invitation (seminar_id, template_id, token_hash, closes_at) "
        "SELECT seminar_id, template_id, token_hash, closes_at FROM survey_invitation_copy"
    )
    op.drop_table("survey_invitation_copy")

    op.execute(
        "CREATE TABLE survey_response_copy AS "
        "SELECT id, seminar_id, template_id, answers, hidden FROM survey_response"
    )
    with op.batch_alter_table("survey_response") as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_response_seminar_id"))
    op.drop_table("survey_response")
    op.create_table(
        "survey_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seminar_id", sa.Integer(), nullable=True),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("ballot", sa.String(length=64), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("hidden", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["seminar_id"], ["seminar.id"],
                                name=op.f("fk_survey_response_seminar_id_seminar"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["template_id"], ["survey_template.id"],
                                name=op.f("fk_survey_response_template_id_survey_template")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_response")),
        sa.UniqueConstraint("ballot", name=op.f("uq_survey_response_ballot")),
    )
    with op.batch_alter_table("survey_response") as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_response_seminar_id"), ["seminar_id"])
    # Answers given before have no ballot; their links are closed above.
    op.execute(
        "INSERT INTO survey_response (id, seminar_id, template_id, ballot, answers, hidden) "
        "SELECT id, seminar_id, template_id, 'before-0010-' || CAST(id AS VARCHAR(20)), "
        "answers, hidden FROM survey_response_copy ORDER BY id"
    )
    op.drop_table("survey_response_copy")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "SELECT setval(pg_get_serial_sequence('survey_response', 'id'), "
            "COALESCE((SELECT MAX(id) FROM survey_response), 0) + 1, false)"
        )

    with op.batch_alter_table("certificate") as batch_op:
        batch_op.add_column(sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("registration") as batch_op:
        batch_op.add_column(sa.Column("person_key", sa.String(length=64), nullable=True))
    bind = op.get_bind()
    registration = sa.table(
        "registration",
        sa.column("id", sa.Integer),
        sa.column("email_normalized", sa.String),
        sa.column("anonymised_at", sa.DateTime),
        sa.column("person_key", sa.String),
    )
    secret = _person_key_secret()
    rows = bind.execute(
        sa.select(registration.c.id, registration.c.email_normalized, registration.c.anonymised_at)
    ).all()
    for row_id, email, anonymised_at in rows:
        key = (
            f"before-0010-{row_id}"
            if anonymised_at is not None or not email
            else hmac.new(secret, email.encode(), hashlib.sha256).hexdigest()
        )
        bind.execute(
            registration.update().where(registration.c.id == row_id).values(person_key=key)
        )
    with op.batch_alter_table("registration") as batch_op:
        batch_op.alter_column("person_key", existing_type=sa.String(length=64), nullable=False)


def downgrade():
    # Back to the old shape; the links between people, links and answers are not restored.
    with op.batch_alter_table("registration") as batch_op:
        batch_op.drop_column("person_key")
    with op.batch_alter_table("certificate") as batch_op:
        batch_op.drop_column("anonymised_at")
    with op.batch_alter_table("survey_response") as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_survey_response_ballot"), type_="unique")
        batch_op.drop_column("ballot")
        batch_op.add_column(
            sa.Column("submitted_on", sa.Date(), nullable=False, server_default="2000-01-01")
        )
    with op.batch_alter_table("survey_response") as batch_op:
        batch_op.alter_column("submitted_on", server_default=None)
    with op.batch_alter_table("survey_invitation") as batch_op:
        batch_op.add_column(sa.Column("registration_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("token_salt", sa.String(length=32), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("used", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute("UPDATE survey_invitation SET created_at = closes_at")
    with op.batch_alter_table("survey_invitation") as batch_op:
        batch_op.alter_column("created_at", existing_type=sa.DateTime(timezone=True),
                              nullable=False)
        batch_op.alter_column("token_salt", server_default=None)
        batch_op.alter_column("used", server_default=None)
        batch_op.create_foreign_key(
            batch_op.f("fk_survey_invitation_registration_id_registration"),
            "registration", ["registration_id"], ["id"], ondelete="SET NULL",
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_survey_invitation_registration_id"), ["registration_id"]
        )
    with op.batch_alter_table("survey_invitee") as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_invitee_seminar_id"))
    op.drop_table("survey_invitee")
