"""The domain: user pools, app clients and the auth flow engine.

Python names and Python types; wire strings appear only as enum values and error codes.
"""

from cogkit.domain.auth import AuthFlow, AuthResult, Challenge, SignUpResult
from cogkit.domain.client import AppClient, secret_hash
from cogkit.domain.config import (
    ClientSettings,
    InvitationTemplate,
    PasswordPolicy,
    RecoveryMechanism,
    UserPoolConfig,
    VerificationTemplate,
)
from cogkit.domain.domains import UserPoolDomain
from cogkit.domain.groups import Group
from cogkit.domain.messages import CodeDelivery
from cogkit.domain.pool import PoolDescription, UserPool
from cogkit.domain.resource_servers import ResourceServer, ResourceServerScope
from cogkit.domain.service import Cognito
from cogkit.domain.tokens import Tokens, TokenVerificationError
from cogkit.domain.users import User

__all__ = [
    "AppClient",
    "AuthFlow",
    "AuthResult",
    "Challenge",
    "ClientSettings",
    "CodeDelivery",
    "Cognito",
    "Group",
    "InvitationTemplate",
    "PasswordPolicy",
    "PoolDescription",
    "RecoveryMechanism",
    "ResourceServer",
    "ResourceServerScope",
    "SignUpResult",
    "TokenVerificationError",
    "Tokens",
    "User",
    "UserPool",
    "UserPoolConfig",
    "UserPoolDomain",
    "VerificationTemplate",
    "secret_hash",
]
