"""The schema exists only through migrations, and the migrations match the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select

from seminars.core.migration_options import migration_options
from seminars.extensions import db
from seminars.programme.models import Topic


def test_models_and_migrations_agree(app):
    with db.engine.connect() as connection:
        options = migration_options(connection.dialect.name)
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": options["compare_type"], "render_item": options["render_item"]},
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_every_model_table_is_created_by_migrations(app):
    tables = set(inspect(db.engine).get_table_names())
    assert {t.name for t in db.metadata.sorted_tables} <= tables
    assert "alembic_version" in tables


def test_migrations_insert_the_programme_topics(app):
    keys = set(db.session.scalars(select(Topic.key)))
    assert {"gruppenleitung", "recht", "methoden-medien", "oeffentlichkeitsarbeit"} <= keys


def test_downgrade_to_base_and_upgrade_again(app):
    db.session.remove()
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert "seminar" in inspect(db.engine).get_table_names()
