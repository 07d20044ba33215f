from __future__ import annotations

import cogkit


def test_all_is_sorted() -> None:
    assert cogkit.__all__ == sorted(cogkit.__all__)


def test_all_names_exist() -> None:
    for name in cogkit.__all__:
        assert getattr(cogkit, name) is not None


def test_the_names_users_rely_on_are_exported() -> None:
    fixed = {
        "AppClient",
        "AuthFlow",
        "Cognito",
        "CogkitError",
        "CognitoError",
        "FixedCodes",
        "FrozenClock",
        "Outbox",
        "PasswordProfile",
        "SeededIds",
        "Tokens",
        "UserPool",
        "secret_hash",
    }
    assert fixed <= set(cogkit.__all__)


def test_every_public_class_is_exported() -> None:
    exported = set(cogkit.__all__)
    public = {
        name
        for name, obj in vars(cogkit).items()
        if not name.startswith("_") and isinstance(obj, type)
    }
    assert public <= exported


def test_version_is_a_string() -> None:
    assert isinstance(cogkit.__version__, str)
