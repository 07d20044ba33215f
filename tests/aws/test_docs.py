"""``docs/operations.md`` is generated; the committed file must match the generator."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import botocore
import pytest

from cogkit.aws import docs, implemented
from tests.aws.helpers import service_model

OPERATIONS_MD = Path(__file__).resolve().parents[2] / "docs" / "operations.md"


def rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("| ") and "|---" not in line]


def ticked(text: str) -> set[str]:
    return {row.split("|")[1].strip() for row in rows(text) if "✓" in row}


def test_committed_operations_table_is_current() -> None:
    committed = OPERATIONS_MD.read_text(encoding="utf-8")
    stale = "docs/operations.md is stale: run python3 -m cogkit.aws.docs > docs/operations.md"
    if docs.botocore_release(committed) == botocore.__version__:
        assert committed == docs.render(), stale
    else:
        # Listed from another botocore release, whose models may hold other operations:
        # what cogkit implements must still be exactly what it ticks.
        assert docs.botocore_release(committed) is not None, stale
        assert ticked(committed) == ticked(docs.render()), stale


def test_the_table_names_the_botocore_release_it_lists() -> None:
    assert docs.botocore_release(docs.render()) == botocore.__version__
    assert docs.botocore_release("# no release named here") is None


def test_operations_table_lists_every_model_operation() -> None:
    listed = {row.split("|")[1].strip() for row in rows(docs.render())} - {"Operation"}
    expected = set(service_model("cognito-idp").operation_names) | set(
        service_model("cognito-identity").operation_names
    )
    assert listed == expected


def test_operations_table_ticks_exactly_the_implemented_operations() -> None:
    assert ticked(docs.render()) == set(implemented("cognito-idp")) | set(
        implemented("cognito-identity")
    )


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
