"""The benchmark scripts run: ``--quick`` exits 0 and reports every phase.

Benchmarks are not tests (STYLE.md, habit 11): nothing here looks at the figures.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"

#: What each script must print, phase by phase and ratio by ratio.
PHASES = {
    "core.py": [
        "sign-up",
        "confirm sign-up",
        "ceiling: 2 x RS256 sign",
        "sign-in (USER_PASSWORD_AUTH)",
        "get user (access token)",
        "refresh (REFRESH_TOKEN_AUTH)",
        "admin get user",
        "list users by email, 100 users",
        "list users by email, 2,000 users",
        "built with admin_create_user",
        "sign-in / ceiling of 2 x RS256 sign",
        "email lookup rate, 2,000 / 100 users",
    ],
}


@pytest.mark.parametrize("script", sorted(PHASES))
def test_quick_run_exits_cleanly_and_reports_every_phase(script: str) -> None:
    run = subprocess.run(
        [sys.executable, str(BENCH / script), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert run.returncode == 0, run.stderr
    missing = [phase for phase in PHASES[script] if phase not in run.stdout]
    assert missing == [], run.stdout
