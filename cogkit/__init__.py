"""cogkit: AWS Cognito as a pure, in-process Python library.

Quick start::

    import cogkit

    svc = cogkit.Cognito()
    pool = svc.create_user_pool("app", username_attributes=["email"],
                                auto_verified_attributes=["email"])
    client = pool.create_client("web", explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH",
                                                            "ALLOW_REFRESH_TOKEN_AUTH"])
    auth = cogkit.AuthFlow(pool)
    auth.sign_up(client.id, "ann@example.com", "Correct-horse-1")
    auth.confirm_sign_up(client.id, "ann@example.com",
                         svc.outbox.last(to="ann@example.com").code)
    tokens = auth.initiate(client.id, "USER_PASSWORD_AUTH", USERNAME="ann@example.com",
                           PASSWORD="Correct-horse-1").tokens
"""

from cogkit.domain import (
    AppClient,
    AuthFlow,
    AuthResult,
    Challenge,
    ClientSettings,
    CodeDelivery,
    Cognito,
    Group,
    InvitationTemplate,
    PasswordPolicy,
    PoolDescription,
    RecoveryMechanism,
    ResourceServer,
    ResourceServerScope,
    SignUpResult,
    Tokens,
    TokenVerificationError,
    User,
    UserPool,
    UserPoolConfig,
    UserPoolDomain,
    VerificationTemplate,
    secret_hash,
)
from cogkit.domain.attributes import SchemaAttribute
from cogkit.domain.client_secrets import ClientSecretDescriptor
from cogkit.domain.config import ClientSecret, LambdaConfig, RefreshTokenRotation
from cogkit.domain.devices import Device
from cogkit.domain.enums import (
    AuthFactor,
    AuthFlowType,
    ChallengeName,
    DeviceRememberedStatus,
    ExplicitAuthFlow,
    MfaFactor,
    UserStatus,
    UserVerification,
    WebAuthnFactorConfiguration,
)
from cogkit.domain.events import AuthEvent, EventContext, event_context
from cogkit.domain.imports import ImportJob, ImportJobStatus, ImportRowError
from cogkit.domain.mfa import (
    MfaConfig,
    MfaPreference,
    SoftwareTokenAssociation,
    SoftwareTokenVerification,
    UserAuthFactors,
)
from cogkit.domain.passkeys import Passkey
from cogkit.domain.security_config import (
    DeviceConfiguration,
    MfaFactors,
    SignInPolicy,
    WebAuthnConfiguration,
)
from cogkit.domain.triggers import LambdaContext, Trigger
from cogkit.errors import CogkitError, CognitoError
from cogkit.services.clock import Clock, FrozenClock, SystemClock
from cogkit.services.codes import FixedCodes, RandomCodes
from cogkit.services.delivery import Channel, Message, MessageSender, Outbox, Purpose
from cogkit.services.ids import RandomIds, SeededIds
from cogkit.services.passwords import PasswordProfile
from cogkit.services.tokens import GeneratedKeys, SharedKeyPool

__version__ = "0.1.0.dev0"

__all__ = [
    "AppClient",
    "AuthEvent",
    "AuthFactor",
    "AuthFlow",
    "AuthFlowType",
    "AuthResult",
    "Challenge",
    "ChallengeName",
    "Channel",
    "ClientSecret",
    "ClientSecretDescriptor",
    "ClientSettings",
    "Clock",
    "CodeDelivery",
    "CogkitError",
    "Cognito",
    "CognitoError",
    "Device",
    "DeviceConfiguration",
    "DeviceRememberedStatus",
    "EventContext",
    "ExplicitAuthFlow",
    "FixedCodes",
    "FrozenClock",
    "GeneratedKeys",
    "Group",
    "ImportJob",
    "ImportJobStatus",
    "ImportRowError",
    "InvitationTemplate",
    "LambdaConfig",
    "LambdaContext",
    "Message",
    "MessageSender",
    "MfaConfig",
    "MfaFactor",
    "MfaFactors",
    "MfaPreference",
    "Outbox",
    "Passkey",
    "PasswordPolicy",
    "PasswordProfile",
    "PoolDescription",
    "Purpose",
    "RandomCodes",
    "RandomIds",
    "RecoveryMechanism",
    "RefreshTokenRotation",
    "ResourceServer",
    "ResourceServerScope",
    "SchemaAttribute",
    "SeededIds",
    "SharedKeyPool",
    "SignInPolicy",
    "SignUpResult",
    "SoftwareTokenAssociation",
    "SoftwareTokenVerification",
    "SystemClock",
    "TokenVerificationError",
    "Tokens",
    "Trigger",
    "User",
    "UserAuthFactors",
    "UserPool",
    "UserPoolConfig",
    "UserPoolDomain",
    "UserStatus",
    "UserVerification",
    "VerificationTemplate",
    "WebAuthnConfiguration",
    "WebAuthnFactorConfiguration",
    "event_context",
    "secret_hash",
]
