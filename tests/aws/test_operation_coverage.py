"""Every operation cogkit implements is exercised through boto3 by the tests in this
folder, named after it (``test_<operation>_...``): at least one success and one error."""

from __future__ import annotations

import re
from pathlib import Path

from botocore import xform_name

from cogkit.aws import implemented

HERE = Path(__file__).parent


def sources() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(HERE.glob("test_*.py")))


def test_every_implemented_operation_is_called_through_boto3() -> None:
    text = sources()
    uncalled = [op for op in implemented("cognito-idp") if f".{xform_name(op)}(" not in text]
    assert not uncalled, f"no boto3 call of {uncalled}"


def test_every_implemented_operation_has_tests_named_after_it() -> None:
    text = sources()
    thin = [
        op
        for op in implemented("cognito-idp")
        if len(re.findall(rf"def test_{xform_name(op)}_", text)) < 2
    ]
    assert not thin, f"fewer than two tests named after {thin}"
