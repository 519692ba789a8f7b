"""Insert the programme's topics (Themenbereiche)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

topic = sa.table(
    "topic",
    sa.column("key", sa.String),
    sa.column("name_de", sa.String),
    sa.column("name_en", sa.String),
    sa.column("position", sa.Integer),
)

TOPICS = [
    ("gruppenleitung", "Gruppenleitung und Gruppenarbeit", "Group leadership and group work", 10),
    ("recht", "Rechtliche Grundlagen", "Legal basics", 20),
    ("methoden-medien", "Methoden- und Medienkompetenz", "Methods and media skills", 30),
    ("oeffentlichkeitsarbeit", "Öffentlichkeitsarbeit", "Public relations", 40),
    ("selbstfuersorge", "Selbstfürsorge im Ehrenamt", "Self-care in volunteering", 50),
]


def upgrade():
    op.bulk_insert(
        topic,
        [{"key": k, "name_de": de, "name_en": en, "position": pos} for k, de, en, pos in TOPICS],
    )


def downgrade():
    op.execute(topic.delete().where(topic.c.key.in_([t[0] for t in TOPICS])))
