"""Model-driven validation of shapes the Cognito operations rarely use (numbers,
timestamps, blobs, maps of structures), on a synthetic input shape."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from botocore.model import DenormalizedStructureBuilder

from cogkit.aws._model import SerializationProblem, validate_input

SHAPE = (
    DenormalizedStructureBuilder()
    .with_members(
        {
            "Ratio": {"type": "double"},
            "When": {"type": "timestamp"},
            "Data": {"type": "blob"},
            "Things": {
                "type": "map",
                "key": {"type": "string"},
                "value": {
                    "type": "structure",
                    "members": {"Size": {"type": "integer", "min": 1}},
                },
            },
        }
    )
    .build_model()
)
OPERATION = SimpleNamespace(input_shape=SHAPE)


def problems(body: dict[str, Any]) -> list[str]:
    return [p.render() for p in validate_input(OPERATION, body)]  # type: ignore[arg-type]


def test_valid_values_of_every_kind_pass() -> None:
    body = {"Ratio": 0.5, "When": 1700000000, "Data": "aGk=", "Things": {"a": {"Size": 2}}}
    assert problems(body) == []


@pytest.mark.parametrize(
    "body",
    [
        {"Ratio": "half"},
        {"Ratio": True},
        {"When": [1]},
        {"Data": 5},
        {"Data": "not base64!"},
        {"Things": {"a": 5}},
    ],
)
def test_a_value_of_the_wrong_kind_is_a_serialization_problem(body: dict[str, Any]) -> None:
    with pytest.raises(SerializationProblem):
        problems(body)


def test_a_structure_inside_a_map_is_checked_under_its_key() -> None:
    assert problems({"Things": {"big": {"Size": 0}}}) == [
        "Value '0' at 'things.big.size' failed to satisfy constraint: Member must have value "
        "greater than or equal to 1"
    ]
