"""The systemd units and the environment file under ``deploy/``, as an operator installs them.

``systemd-analyze verify`` reads each unit as systemd would (unknown settings, bad calendar
expressions, missing executables); the programs are looked for in this checkout's
virtualenv instead of ``/srv/sid/venv``. The environment file may only name settings that
``config.py`` reads, so that a misspelt name cannot silently leave a default in force.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = (
    "seminars-web.service",
    "seminars-outbox.service",
    "seminars-housekeeping.service",
    "seminars-housekeeping.timer",
)


def test_the_units_pass_systemd_analyze_verify(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    venv_bin = Path(sys.executable).parent
    for name in UNITS:
        text = (DEPLOY / name).read_text()
        (tmp_path / name).write_text(text.replace("/srv/sid/venv/bin/", f"{venv_bin}/"))
    result = subprocess.run(
        [analyze, "verify", "--man=no", *(f"./{name}" for name in UNITS)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", result.stderr


def test_the_services_run_the_commands_the_app_has():
    from seminars import create_app

    commands = create_app("testing").cli.list_commands(None)
    for name in ("seminars-outbox.service", "seminars-housekeeping.service"):
        start = re.search(
            r"^ExecStart=\S+/flask --app wsgi (\S+)", (DEPLOY / name).read_text(), re.M
        )
        assert start is not None and start.group(1) in commands
    timer = (DEPLOY / "seminars-housekeeping.timer").read_text()
    assert "Unit=seminars-housekeeping.service" in timer


def test_the_environment_file_names_only_settings_the_app_reads():
    config = (ROOT / "config.py").read_text()
    read = set(re.findall(r"""(?:os\.environ\.get|_env_\w+)\(\s*["'](\w+)["']""", config))
    lines = (DEPLOY / "seminars.env.example").read_text().splitlines()
    names = [line.split("=", 1)[0] for line in lines if line and not line.startswith("#")]
    assert names and "DATABASE_URL" in names
    assert sorted(set(names) - read) == []
