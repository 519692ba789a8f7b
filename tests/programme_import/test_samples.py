"""The sample programme files in docs/ import cleanly (and stay in step with the README)."""

from pathlib import Path

import pytest
from sqlalchemy import select

from seminars.extensions import db
from seminars.programme.models import Seminar
from seminars.programme_import.services import import_programme

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.mark.parametrize("name", ["beispiel-programm.csv", "beispiel-programm.xlsx"])
def test_the_sample_file_imports_cleanly(app, name):
    result = import_programme(name, (DOCS / name).read_bytes())
    assert result.ok, [str(problem) for problem in result.problems]
    assert (result.created, result.updated) == (2, 0)
    db.session.commit()
    codes = set(db.session.scalars(select(Seminar.code)))
    assert codes == {"BSP-2030-01", "BSP-2030-02"}
