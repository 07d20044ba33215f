from __future__ import annotations

import string
import uuid

from cogkit import RandomIds, SeededIds
from cogkit.services.ids import IdSource


def _draw(ids: IdSource) -> tuple[bytes, str, str]:
    return ids.token_bytes(8), ids.choice_string(string.ascii_lowercase, 12), ids.uuid4()


def test_seeded_ids_repeat_the_same_sequence_for_the_same_seed() -> None:
    assert [_draw(SeededIds(7)) for _ in range(2)] == [_draw(SeededIds(7))] * 2
    first, second = SeededIds("seed"), SeededIds("seed")
    assert [_draw(first) for _ in range(3)] == [_draw(second) for _ in range(3)]


def test_seeded_ids_differ_between_seeds() -> None:
    assert _draw(SeededIds(1)) != _draw(SeededIds(2))


def test_seeded_uuids_are_version_4() -> None:
    value = uuid.UUID(SeededIds(3).uuid4())
    assert value.version == 4


def test_choice_string_uses_only_the_alphabet_and_the_length() -> None:
    for ids in (RandomIds(), SeededIds()):
        drawn = ids.choice_string("ab", 40)
        assert len(drawn) == 40 and set(drawn) <= {"a", "b"}


def test_random_ids_give_fresh_values() -> None:
    ids = RandomIds()
    assert ids.token_bytes(16) != ids.token_bytes(16)
    assert uuid.UUID(ids.uuid4()).version == 4


def test_id_sources_satisfy_the_protocol_and_have_short_reprs() -> None:
    assert isinstance(RandomIds(), IdSource) and isinstance(SeededIds(), IdSource)
    assert repr(RandomIds()) == "RandomIds()"
    assert repr(SeededIds(5)) == "SeededIds(5)"
