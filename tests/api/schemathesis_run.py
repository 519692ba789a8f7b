"""Run schemathesis against the published OpenAPI document of a production-like server.

``make api-contract`` (and CI) call this: a fresh SQLite database with the demo programme,
gunicorn in production mode, then every schemathesis check on every operation. The exit
code is schemathesis's own.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.harness import ROOT, gunicorn

MAX_EXAMPLES = os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "200")


def main() -> int:
    with tempfile.TemporaryDirectory() as workdir:
        url = f"sqlite:///{Path(workdir) / 'contract.sqlite3'}"
        env = dict(os.environ, DATABASE_URL=url, APP_ENV="development")
        flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
        for command in (["db", "upgrade"], ["seed-demo"]):
            subprocess.run(flask + command, cwd=ROOT, env=env, check=True, capture_output=True)
        # The contract is tested, not the rate limit (which has its own tests).
        with gunicorn(url, workers=2, FLASK_API_RATE_LIMIT="100000 per minute") as base:
            return subprocess.run(
                [sys.executable, "-m", "schemathesis.cli", "run", f"{base}/api/v1/openapi.json",
                 "--checks", "all", "--max-examples", MAX_EXAMPLES, "--workers", "2",
                 "--seed", os.environ.get("SCHEMATHESIS_SEED", "20261122"), "--no-color"],
                cwd=ROOT,
            ).returncode  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
