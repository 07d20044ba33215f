"""The AWS wire layer: cogkit speaking the AWS JSON 1.1 protocol of cognito-idp.

- ``mock_aws``: a drop-in for moto's ``mock_aws`` for the Cognito services: boto3 code
  under test talks to cogkit's real engine.
- ``Dispatcher``: the protocol itself, shared by ``mock_aws`` and ``cogkit serve``.

Needs botocore (``pip install "cogkit[aws]"``).
"""

from __future__ import annotations

try:
    import botocore  # noqa: F401
    import regex  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    from cogkit.errors import ConfigurationError

    raise ConfigurationError(
        'cogkit.aws needs botocore and regex: pip install "cogkit[aws]"'
    ) from exc

from cogkit.aws._dispatch import Dispatcher, WireResponse, implemented
from cogkit.aws._mock import CognitoMock, mock_aws, patch_client

__all__ = [
    "CognitoMock",
    "Dispatcher",
    "WireResponse",
    "implemented",
    "mock_aws",
    "patch_client",
]
