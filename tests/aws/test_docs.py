"""``docs/operations.md`` is generated; the committed file must match the generator."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cogkit.aws import docs, implemented
from tests.aws.helpers import service_model

OPERATIONS_MD = Path(__file__).resolve().parents[2] / "docs" / "operations.md"


def rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("| ") and "|---" not in line]


def test_committed_operations_table_is_current() -> None:
    assert OPERATIONS_MD.read_text(encoding="utf-8") == docs.render(), (
        "docs/operations.md is stale: run python3 -m cogkit.aws.docs > docs/operations.md"
    )


def test_operations_table_lists_every_model_operation() -> None:
    listed = {row.split("|")[1].strip() for row in rows(docs.render())} - {"Operation"}
    expected = set(service_model("cognito-idp").operation_names) | set(
        service_model("cognito-identity").operation_names
    )
    assert listed == expected


def test_operations_table_ticks_exactly_the_implemented_operations() -> None:
    ticked = {row.split("|")[1].strip() for row in rows(docs.render()) if "✓" in row}
    assert ticked == set(implemented("cognito-idp")) | set(implemented("cognito-identity"))


def test_operations_table_is_printed_by_the_module() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "cogkit.aws.docs"],
        check=True,
        capture_output=True,
        encoding="utf-8",
    ).stdout
    assert printed == docs.render()


def test_operations_table_main_writes_it_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    docs.main()
    assert capsys.readouterr().out == docs.render()
