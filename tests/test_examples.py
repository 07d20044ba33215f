"""The examples run and do what they say."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(script: str) -> str:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / script)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_triggers_example_runs_its_lambda_handlers_unchanged() -> None:
    out = run("triggers.py")
    assert "ann signed up; confirmed by PreSignUp: True" in out
    assert (
        "eve refused: UserLambdaValidationException - PreSignUp failed with error Sign-up is "
        "limited to example.com addresses." in out
    )
    assert "ID token tenant: example.com - phone number in it: False" in out
    assert "reset email: 'Reset your password': 'Hi Bob, your reset code is " in out
    assert "bob signed in without a password: bob" in out


def test_the_example_lambdas_import_nothing_from_cogkit() -> None:
    modules = sorted((ROOT / "examples" / "lambdas").glob("*.py"))
    assert modules
    for module in modules:
        tree = ast.parse(module.read_text(encoding="utf-8"))
        imported = [
            name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for name in (
                [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            )
        ]
        assert not any(str(name).startswith("cogkit") for name in imported), module.name


def test_the_group_authorization_example_admits_members_only() -> None:
    assert run("group_authorization.py").splitlines() == [
        "order 41 refunded by ann",
        "ann's groups: ['staff'] preferred role: arn:aws:iam::123456789012:role/shop-staff",
        "refused: bob is not in staff",
        "order 42 refunded by bob",
    ]


def test_the_passkeys_example_registers_and_signs_in_with_a_passkey() -> None:
    out = run("passkeys.py")
    assert "for example.com" in out
    assert "signed in with a passkey: ann" in out
    assert "another origin refused: NotAuthorizedException" in out
