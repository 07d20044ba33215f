"""``examples/group_authorization.py`` runs and does what it says."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_group_authorization_example_admits_members_only() -> None:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "group_authorization.py")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "order 41 refunded by ann",
        "ann's groups: ['staff'] preferred role: arn:aws:iam::123456789012:role/shop-staff",
        "refused: bob is not in staff",
        "order 42 refunded by bob",
    ]
