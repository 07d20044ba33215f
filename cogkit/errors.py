"""Every error cogkit raises.

``CogkitError`` is the base.  Errors that real Cognito also returns carry the AWS error name
in ``code`` (``NotAuthorizedError.code == "NotAuthorizedException"``); the wire layer sends
that name verbatim as ``__type``.  Messages name the field and the rule, never a secret.

Foreign exceptions (pyjwt, passlib, SQLAlchemy, botocore) are translated where they are
caught, with ``raise ... from exc``; none crosses the public API.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "AliasExistsError",
    "CodeDeliveryFailureError",
    "CodeMismatchError",
    "CogkitError",
    "CognitoError",
    "ConcurrentModificationError",
    "ConfigurationError",
    "DeviceKeyExistsError",
    "EnableSoftwareTokenMFAError",
    "ExpiredCodeError",
    "FeatureUnavailableInTierError",
    "ForbiddenError",
    "GroupExistsError",
    "InternalError",
    "InvalidLambdaResponseError",
    "InvalidOAuthFlowError",
    "InvalidParameterError",
    "InvalidPasswordError",
    "InvalidUserPoolConfigurationError",
    "LimitExceededError",
    "MFAMethodNotFoundError",
    "MessageNotFoundError",
    "NotAuthorizedError",
    "PasswordHistoryPolicyViolationError",
    "PasswordResetRequiredError",
    "PreconditionNotMetError",
    "RefreshTokenReuseError",
    "ResourceNotFoundError",
    "ScopeDoesNotExistError",
    "SoftwareTokenMFANotFoundError",
    "StoreConflictError",
    "TooManyFailedAttemptsError",
    "TooManyRequestsError",
    "UnauthorizedError",
    "UnexpectedLambdaError",
    "UnsupportedOperationError",
    "UnsupportedTokenTypeError",
    "UnsupportedUserStateError",
    "UserImportInProgressError",
    "UserLambdaValidationError",
    "UserNotConfirmedError",
    "UserNotFoundError",
    "UserPoolAddOnNotEnabledError",
    "UsernameExistsError",
    "WebAuthnChallengeNotFoundError",
    "WebAuthnClientMismatchError",
    "WebAuthnConfigurationMissingError",
    "WebAuthnCredentialNotSupportedError",
    "WebAuthnNotEnabledError",
    "WebAuthnOriginNotAllowedError",
    "WebAuthnRelyingPartyMismatchError",
    "error_class_for_code",
]


class CogkitError(Exception):
    """Base of every error cogkit raises."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class ConfigurationError(CogkitError):
    """cogkit itself is set up wrongly (a missing extra, an unusable store URL, ...)."""


class MessageNotFoundError(CogkitError, LookupError):
    """The outbox holds no message matching the question asked of it."""


class StoreConflictError(CogkitError):
    """A store refused a write: a unique key is taken or the record changed meanwhile.

    Stores raise it; the domain turns it into the Cognito error that fits
    (``UsernameExistsError``, ``AliasExistsError``) or retries an optimistic update.
    """

    def __init__(self, message: str, *, key: str | None = None) -> None:
        super().__init__(message)
        #: The unique key that was already claimed, for uniqueness clashes (``None`` for
        #: version conflicts).
        self.key = key


class CognitoError(CogkitError):
    """An error real Cognito also returns; ``code`` is its AWS name."""

    code: ClassVar[str] = "InternalErrorException"
    #: HTTP status the wire layer answers with.
    status: ClassVar[int] = 400


class InternalError(CognitoError):
    code = "InternalErrorException"
    status = 500


class InvalidParameterError(CognitoError):
    """A request member is missing, of the wrong type, out of range or not allowed here."""

    code = "InvalidParameterException"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        #: The request member at fault, when one is.
        self.field = field


class NotAuthorizedError(CognitoError):
    code = "NotAuthorizedException"


class ResourceNotFoundError(CognitoError):
    code = "ResourceNotFoundException"


class UserNotFoundError(CognitoError):
    code = "UserNotFoundException"


class UsernameExistsError(CognitoError):
    code = "UsernameExistsException"


class AliasExistsError(CognitoError):
    code = "AliasExistsException"


class GroupExistsError(CognitoError):
    code = "GroupExistsException"


class CodeMismatchError(CognitoError):
    code = "CodeMismatchException"


class ExpiredCodeError(CognitoError):
    code = "ExpiredCodeException"


class CodeDeliveryFailureError(CognitoError):
    code = "CodeDeliveryFailureException"


class LimitExceededError(CognitoError):
    code = "LimitExceededException"


class TooManyFailedAttemptsError(CognitoError):
    code = "TooManyFailedAttemptsException"


class TooManyRequestsError(CognitoError):
    code = "TooManyRequestsException"


class InvalidPasswordError(CognitoError):
    code = "InvalidPasswordException"


class PasswordHistoryPolicyViolationError(CognitoError):
    code = "PasswordHistoryPolicyViolationException"


class PasswordResetRequiredError(CognitoError):
    code = "PasswordResetRequiredException"


class UserNotConfirmedError(CognitoError):
    code = "UserNotConfirmedException"


class UnauthorizedError(CognitoError):
    """A client failed to authenticate itself (``RevokeToken`` with a bad secret)."""

    code = "UnauthorizedException"
    status = 401


class UnsupportedOperationError(CognitoError):
    code = "UnsupportedOperationException"


class UnsupportedTokenTypeError(CognitoError):
    code = "UnsupportedTokenTypeException"


class UnsupportedUserStateError(CognitoError):
    code = "UnsupportedUserStateException"


class RefreshTokenReuseError(CognitoError):
    """A refresh token that rotation replaced came back after its grace period."""

    code = "RefreshTokenReuseException"


class InvalidUserPoolConfigurationError(CognitoError):
    code = "InvalidUserPoolConfigurationException"


class PreconditionNotMetError(CognitoError):
    code = "PreconditionNotMetException"


class ConcurrentModificationError(CognitoError):
    code = "ConcurrentModificationException"


class ForbiddenError(CognitoError):
    code = "ForbiddenException"
    status = 403


class FeatureUnavailableInTierError(CognitoError):
    """The pool's feature plan (``UserPoolTier``) does not include what was asked for."""

    code = "FeatureUnavailableInTierException"


class InvalidOAuthFlowError(CognitoError):
    """An app client's OAuth flows do not fit together or with the client."""

    code = "InvalidOAuthFlowException"


class ScopeDoesNotExistError(CognitoError):
    """An app client names an OAuth scope that is neither reserved nor a resource
    server's."""

    code = "ScopeDoesNotExistException"


class UserImportInProgressError(CognitoError):
    """A user import job is running in the pool, so the pool cannot change or go."""

    code = "UserImportInProgressException"


class UserPoolAddOnNotEnabledError(CognitoError):
    """The operation needs threat protection (``UserPoolAddOns``), which is off."""

    code = "UserPoolAddOnNotEnabledException"


# -- MFA and devices -------------------------------------------------------------------


class SoftwareTokenMFANotFoundError(CognitoError):
    code = "SoftwareTokenMFANotFoundException"


class EnableSoftwareTokenMFAError(CognitoError):
    code = "EnableSoftwareTokenMFAException"


class MFAMethodNotFoundError(CognitoError):
    code = "MFAMethodNotFoundException"


class DeviceKeyExistsError(CognitoError):
    code = "DeviceKeyExistsException"


class UserLambdaValidationError(CognitoError):
    code = "UserLambdaValidationException"


class InvalidLambdaResponseError(CognitoError):
    code = "InvalidLambdaResponseException"


class UnexpectedLambdaError(CognitoError):
    code = "UnexpectedLambdaException"


# -- passkeys (WebAuthn) ---------------------------------------------------------------


class WebAuthnNotEnabledError(CognitoError):
    """The pool does not offer passkeys (``WEB_AUTHN`` is not a first factor it allows)."""

    code = "WebAuthnNotEnabledException"


class WebAuthnConfigurationMissingError(CognitoError):
    """The pool has neither a relying party ID nor a domain to use as one."""

    code = "WebAuthnConfigurationMissingException"


class WebAuthnChallengeNotFoundError(CognitoError):
    """The registration challenge is unknown, used or expired."""

    code = "WebAuthnChallengeNotFoundException"


class WebAuthnRelyingPartyMismatchError(CognitoError):
    """The credential was made for another relying party than the pool's."""

    code = "WebAuthnRelyingPartyMismatchException"


class WebAuthnClientMismatchError(CognitoError):
    """The registration is completed through another app client than it was started by."""

    code = "WebAuthnClientMismatchException"


class WebAuthnOriginNotAllowedError(CognitoError):
    """The browser's origin does not belong to the pool's relying party ID."""

    code = "WebAuthnOriginNotAllowedException"


class WebAuthnCredentialNotSupportedError(CognitoError):
    """The authenticator's attestation format or key algorithm is not accepted."""

    code = "WebAuthnCredentialNotSupportedException"


def _all_cognito_errors() -> dict[str, type[CognitoError]]:
    found: dict[str, type[CognitoError]] = {}
    pending: list[type[CognitoError]] = [CognitoError]
    while pending:
        cls = pending.pop()
        if cls is not CognitoError:
            found.setdefault(cls.code, cls)
        pending.extend(cls.__subclasses__())
    return found


def error_class_for_code(code: str) -> type[CognitoError] | None:
    """The cogkit class for an AWS error name, or ``None`` when cogkit has none."""
    return _all_cognito_errors().get(code)
