"""``make run`` serves on the port asked for, and its commands build links for that port."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def planned_commands(*arguments: str) -> list[str]:
    # -n: print the commands without running them; the venv's stamp counts as made.
    result = subprocess.run(
        ["make", "-n", "-o", ".venv/.installed", "run", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return [line for line in result.stdout.splitlines() if "flask" in line]


def test_make_run_serves_on_port_5000_by_default(monkeypatch):
    monkeypatch.delenv("PORT", raising=False)
    served = planned_commands()[-1]
    assert "run --host 127.0.0.1 --port 5000" in served
    assert served.startswith("FLASK_RUN_PORT=5000 ")


def test_make_run_takes_another_port():
    seed, served = planned_commands("PORT=5123")[-2:]
    assert "--port 5123" in served and "5000" not in served
    # The demo's mails link to the same server.
    assert seed.startswith("FLASK_RUN_PORT=5123 ") and "seed-demo" in seed
