"""User pool domains: prefix and custom domains, unique across pools; describing them by
name; updating, deleting; the pool's description and discovery document."""

from __future__ import annotations

from typing import Any

import pytest

from cogkit import Cognito, FrozenClock, UserPool
from cogkit.domain.domains import UserPoolDomain
from cogkit.errors import (
    FeatureUnavailableInTierError,
    InvalidParameterError,
    LimitExceededError,
    ResourceNotFoundError,
)
from cogkit.stores.records import ItemRecord
from tests.helpers import START, raises

CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f"
OTHER_CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/9f8e7d6c-5b4a"


def test_a_prefix_domain_is_hosted_under_amazoncognito_com(pool: UserPool) -> None:
    domain = pool.create_domain("my-app")
    region = pool.id.split("_")[0]
    assert domain.base_url == f"https://my-app.auth.{region}.amazoncognito.com"
    assert (domain.pool_id, domain.custom, domain.certificate_arn) == (pool.id, False, None)
    assert (domain.status, domain.managed_login_version) == ("ACTIVE", 1)
    assert domain.created_at.timestamp() == START


def test_a_custom_domain_is_its_own_host_behind_cloudfront(pool: UserPool) -> None:
    domain = pool.create_domain("auth.example.com", certificate_arn=CERTIFICATE)
    assert domain.base_url == "https://auth.example.com"
    assert domain.custom and domain.certificate_arn == CERTIFICATE
    assert domain.cloudfront_distribution.endswith(".cloudfront.net")


def test_the_managed_login_version_is_kept(pool: UserPool) -> None:
    assert pool.create_domain("my-app", managed_login_version=2).managed_login_version == 2


def test_managed_login_is_not_in_the_lite_plan(svc: Cognito) -> None:
    pool = svc.create_user_pool("lite", tier="LITE")
    with raises(FeatureUnavailableInTierError):
        pool.create_domain("my-app", managed_login_version=2)
    assert pool.domain is None
    assert pool.create_domain("my-app", managed_login_version=1).managed_login_version == 1


@pytest.mark.parametrize(
    ("domain", "options", "message", "field"),
    [
        ("My-App", {}, None, "domain"),
        ("my_app", {}, None, "domain"),
        ("-myapp", {}, None, "domain"),
        ("myapp-", {}, None, "domain"),
        ("my.app", {}, None, "domain"),
        ("x" * 64, {}, None, "domain"),
        ("", {}, None, "domain"),
        ("myaws-app", {}, "Domain cannot contain reserved word: aws", "domain"),
        ("amazon-login", {}, "Domain cannot contain reserved word: amazon", "domain"),
        ("cognito1", {}, "Domain cannot contain reserved word: cognito", "domain"),
        ("localhost", {"certificate_arn": CERTIFICATE}, None, "domain"),
        ("Auth.Example.com", {"certificate_arn": CERTIFICATE}, None, "domain"),
        (
            "auth.example.com",
            {"certificate_arn": "not-an-arn-at-all-here"},
            None,
            "custom_domain_config.certificate_arn",
        ),
        ("my-app", {"managed_login_version": 3}, None, "managed_login_version"),
        ("my-app", {"managed_login_version": "2"}, None, "managed_login_version"),
    ],
)
def test_bad_domains_name_the_field_and_store_nothing(
    pool: UserPool,
    svc: Cognito,
    domain: str,
    options: dict[str, Any],
    message: str | None,
    field: str,
) -> None:
    with raises(InvalidParameterError, message, field=field):
        pool.create_domain(domain, **options)
    assert (pool.domain, pool.custom_domain) == (None, None)
    if domain:
        assert svc.describe_user_pool_domain(domain[:63]) is None


def test_an_invalid_prefix_gets_cognitos_message(pool: UserPool) -> None:
    with raises(
        InvalidParameterError,
        "The domain name contains an invalid character. Domain names can only contain "
        "lower-case letters, numbers, and hyphens. Please enter a different name that follows "
        "this format: ^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$",
    ):
        pool.create_domain("My_App")


def test_a_domain_name_belongs_to_one_pool(pool: UserPool, svc: Cognito) -> None:
    pool.create_domain("my-app")
    other = svc.create_user_pool("other")
    with raises(InvalidParameterError, "Domain already associated with another user pool."):
        other.create_domain("my-app")
    assert other.domain is None
    assert svc.describe_user_pool_domain("my-app").pool_id == pool.id  # type: ignore[union-attr]


def test_a_pool_has_one_prefix_domain(pool: UserPool, svc: Cognito) -> None:
    pool.create_domain("my-app")
    with raises(InvalidParameterError, "User pool already has a domain configured."):
        pool.create_domain("my-other-app")
    assert svc.describe_user_pool_domain("my-other-app") is None


def test_a_pool_has_one_custom_domain(pool: UserPool) -> None:
    pool.create_domain("auth.example.com", certificate_arn=CERTIFICATE)
    with raises(InvalidParameterError, "User pool already has a domain configured."):
        pool.create_domain("login.example.com", certificate_arn=CERTIFICATE)


def test_a_pool_may_have_a_prefix_and_a_custom_domain(pool: UserPool) -> None:
    pool.create_domain("my-app")
    pool.create_domain("auth.example.com", certificate_arn=CERTIFICATE)
    assert pool.domain is not None and pool.domain.domain == "my-app"
    assert pool.custom_domain is not None and pool.custom_domain.domain == "auth.example.com"


def test_the_service_holds_at_most_four_custom_domains(pool: UserPool, svc: Cognito) -> None:
    for i in range(4):
        svc.create_user_pool(f"p{i}").create_domain(
            f"auth{i}.example.com", certificate_arn=CERTIFICATE
        )
    with raises(LimitExceededError, "An account can have at most 4 custom domains."):
        pool.create_domain("auth.example.com", certificate_arn=CERTIFICATE)
    assert svc.describe_user_pool_domain("auth.example.com") is None
    # Prefix domains do not count.
    assert pool.create_domain("my-app").domain == "my-app"


def test_domains_of_an_unknown_pool_are_resource_not_found(pool: UserPool) -> None:
    pool.delete()
    with raises(ResourceNotFoundError):
        pool.create_domain("my-app")


# -- describing ----------------------------------------------------------------------------


def test_describe_finds_a_domain_by_name_alone(pool: UserPool, svc: Cognito) -> None:
    created = pool.create_domain("auth.example.com", certificate_arn=CERTIFICATE)
    found = svc.describe_user_pool_domain("auth.example.com")
    assert found == created
    assert isinstance(found, UserPoolDomain)
    assert found.account_id == svc.account_id
    assert found.version and found.s3_bucket


def test_describe_of_an_unknown_domain_is_none_not_an_error(svc: Cognito) -> None:
    assert svc.describe_user_pool_domain("nobody-has-this") is None


def test_the_pool_description_names_its_domains(pool: UserPool) -> None:
    assert (pool.describe().domain, pool.describe().custom_domain) == (None, None)
    pool.create_domain("my-app")
    pool.create_domain("auth.example.com", certificate_arn=CERTIFICATE)
    described = pool.describe()
    assert (described.domain, described.custom_domain) == ("my-app", "auth.example.com")


# -- updating ------------------------------------------------------------------------------


def test_update_changes_a_custom_domains_certificate(pool: UserPool, svc: Cognito) -> None:
    created = pool.create_domain("auth.example.com", certificate_arn=CERTIFICATE)
    updated = pool.update_domain("auth.example.com", certificate_arn=OTHER_CERTIFICATE)
    assert updated.certificate_arn == OTHER_CERTIFICATE
    assert updated.cloudfront_distribution == created.cloudfront_distribution
    assert svc.describe_user_pool_domain("auth.example.com") == updated


def test_update_changes_the_managed_login_version_and_keeps_the_rest(pool: UserPool) -> None:
    pool.create_domain("auth.example.com", certificate_arn=CERTIFICATE)
    updated = pool.update_domain("auth.example.com", managed_login_version=2)
    assert (updated.managed_login_version, updated.certificate_arn) == (2, CERTIFICATE)


def test_a_prefix_domain_has_no_certificate_to_update(pool: UserPool) -> None:
    pool.create_domain("my-app")
    with raises(InvalidParameterError, field="custom_domain_config"):
        pool.update_domain("my-app", certificate_arn=CERTIFICATE)
    assert pool.domain is not None and pool.domain.certificate_arn is None


def test_update_of_a_domain_the_pool_lacks_is_invalid_parameter(
    pool: UserPool, svc: Cognito
) -> None:
    svc.create_user_pool("other").create_domain("my-app")
    with raises(InvalidParameterError, "No such domain or user pool exists."):
        pool.update_domain("my-app", managed_login_version=2)


def test_update_to_managed_login_in_the_lite_plan_is_refused(svc: Cognito) -> None:
    pool = svc.create_user_pool("lite", tier="LITE")
    pool.create_domain("my-app")
    with raises(FeatureUnavailableInTierError):
        pool.update_domain("my-app", managed_login_version=2)


# -- deleting ------------------------------------------------------------------------------


def test_delete_frees_the_name_for_any_pool(pool: UserPool, svc: Cognito) -> None:
    pool.create_domain("my-app")
    pool.delete_domain("my-app")
    assert pool.domain is None
    assert svc.describe_user_pool_domain("my-app") is None
    other = svc.create_user_pool("other")
    assert other.create_domain("my-app").pool_id == other.id


def test_delete_of_another_pools_domain_is_refused(pool: UserPool, svc: Cognito) -> None:
    other = svc.create_user_pool("other")
    other.create_domain("my-app")
    with raises(InvalidParameterError, "No such domain or user pool exists."):
        pool.delete_domain("my-app")
    assert other.domain is not None


def test_a_pool_with_a_domain_cannot_be_deleted(pool: UserPool) -> None:
    pool.create_domain("my-app")
    with raises(
        InvalidParameterError,
        "User pool cannot be deleted. It has a domain configured that should be deleted first.",
    ):
        pool.delete()
    pool.delete_domain("my-app")
    pool.delete()
    with raises(ResourceNotFoundError):
        pool.describe()


def test_a_name_left_by_a_pool_removed_from_the_store_can_be_taken(
    pool: UserPool, svc: Cognito
) -> None:
    pool.create_domain("my-app")
    # A pool deleted underneath cogkit (straight from the store) leaves its claim behind.
    svc.store.delete_pool(pool.id)
    assert svc.describe_user_pool_domain("my-app") is None
    other = svc.create_user_pool("other")
    assert other.create_domain("my-app").pool_id == other.id


def test_a_name_claimed_by_a_creation_that_died_is_free_after_a_minute(
    pool: UserPool, svc: Cognito, clock: FrozenClock
) -> None:
    other = svc.create_user_pool("other")
    now = clock.now()
    # The first of a creation's two writes, without the second.
    svc.store.create_item(
        ItemRecord(
            pool_id="",
            kind="domain",
            key="my-app",
            created_at=now,
            modified_at=now,
            data={"pool_id": other.id, "kind": "prefix"},
        )
    )
    with raises(InvalidParameterError, "Domain already associated with another user pool."):
        pool.create_domain("my-app")
    clock.advance(61)
    assert pool.create_domain("my-app").pool_id == pool.id
    assert other.domain is None


# -- discovery -----------------------------------------------------------------------------


def test_discovery_has_no_oauth_endpoints_without_a_domain(pool: UserPool) -> None:
    document = pool.openid_configuration()
    assert "authorization_endpoint" not in document and "token_endpoint" not in document


def test_discovery_names_the_oauth_endpoints_under_the_domain(pool: UserPool) -> None:
    domain = pool.create_domain("my-app")
    document = pool.openid_configuration()
    assert document["authorization_endpoint"] == f"{domain.base_url}/oauth2/authorize"
    assert document["token_endpoint"] == f"{domain.base_url}/oauth2/token"
    assert document["userinfo_endpoint"] == f"{domain.base_url}/oauth2/userInfo"
    assert document["issuer"] == pool.issuer


def test_discovery_prefers_the_custom_domain(pool: UserPool) -> None:
    pool.create_domain("my-app")
    pool.create_domain("auth.example.com", certificate_arn=CERTIFICATE)
    document = pool.openid_configuration()
    assert document["token_endpoint"] == "https://auth.example.com/oauth2/token"
