"""User pool domains through boto3: CreateUserPoolDomain, DescribeUserPoolDomain,
UpdateUserPoolDomain, DeleteUserPoolDomain; DescribeUserPool's Domain and CustomDomain;
DeleteUserPool of a pool with a domain; the discovery document under the domain."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from tests.aws.conftest import Aws
from tests.aws.helpers import ACCOUNT, REGION, aws_error

MISSING = f"{REGION}_AAAAAAAAA"
CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f"
OTHER_CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/9f8e7d6c-5b4a"


def custom(aws: Aws, domain: str = "auth.example.com", **params: Any) -> dict[str, Any]:
    answer: dict[str, Any] = aws.idp.create_user_pool_domain(
        UserPoolId=aws.pool_id,
        Domain=domain,
        CustomDomainConfig={"CertificateArn": CERTIFICATE},
        **params,
    )
    return answer


def describe(aws: Aws, domain: str) -> dict[str, Any]:
    answer: dict[str, Any] = aws.idp.describe_user_pool_domain(Domain=domain)["DomainDescription"]
    return answer


# -- CreateUserPoolDomain ------------------------------------------------------------------


def test_create_user_pool_domain_of_a_prefix_answers_no_cloudfront_domain(aws: Aws) -> None:
    answer = aws.idp.create_user_pool_domain(UserPoolId=aws.pool_id, Domain="my-app")
    assert "CloudFrontDomain" not in answer
    assert answer["ManagedLoginVersion"] == 1


def test_create_user_pool_domain_of_a_custom_domain_answers_its_cloudfront_domain(
    aws: Aws,
) -> None:
    answer = custom(aws, ManagedLoginVersion=2)
    assert answer["CloudFrontDomain"].endswith(".cloudfront.net")
    assert answer["ManagedLoginVersion"] == 2


def test_create_user_pool_domain_taken_by_another_pool_is_invalid_parameter(aws: Aws) -> None:
    aws.idp.create_user_pool_domain(UserPoolId=aws.pool_id, Domain="my-app")
    other = aws.idp.create_user_pool(PoolName="other")["UserPool"]["Id"]
    with aws_error(
        aws.idp.exceptions.InvalidParameterException,
        "Domain already associated with another user pool.",
    ):
        aws.idp.create_user_pool_domain(UserPoolId=other, Domain="my-app")


def test_create_user_pool_domain_with_a_reserved_word_is_invalid_parameter(aws: Aws) -> None:
    with aws_error(
        aws.idp.exceptions.InvalidParameterException, "Domain cannot contain reserved word: aws"
    ):
        aws.idp.create_user_pool_domain(UserPoolId=aws.pool_id, Domain="my-aws-app")
    assert describe(aws, "my-aws-app") == {}


def test_create_user_pool_domain_with_dots_and_no_certificate_is_invalid_parameter(
    aws: Aws,
) -> None:
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        aws.idp.create_user_pool_domain(UserPoolId=aws.pool_id, Domain="auth.example.com")


def test_create_user_pool_domain_twice_for_a_pool_is_invalid_parameter(aws: Aws) -> None:
    aws.idp.create_user_pool_domain(UserPoolId=aws.pool_id, Domain="my-app")
    with aws_error(
        aws.idp.exceptions.InvalidParameterException, "User pool already has a domain configured."
    ):
        aws.idp.create_user_pool_domain(UserPoolId=aws.pool_id, Domain="my-app-2")


def test_create_user_pool_domain_over_the_custom_domain_quota_is_limit_exceeded(
    aws: Aws,
) -> None:
    for i in range(4):
        pool_id = aws.idp.create_user_pool(PoolName=f"p{i}")["UserPool"]["Id"]
        aws.idp.create_user_pool_domain(
            UserPoolId=pool_id,
            Domain=f"auth{i}.example.com",
            CustomDomainConfig={"CertificateArn": CERTIFICATE},
        )
    with aws_error(aws.idp.exceptions.LimitExceededException):
        custom(aws)


def test_create_user_pool_domain_in_an_unknown_pool_is_resource_not_found(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.create_user_pool_domain(UserPoolId=MISSING, Domain="my-app")


def test_create_user_pool_domain_with_managed_login_in_lite_is_unavailable(aws: Aws) -> None:
    lite = aws.idp.create_user_pool(PoolName="lite", UserPoolTier="LITE")["UserPool"]["Id"]
    with aws_error(aws.idp.exceptions.FeatureUnavailableInTierException):
        aws.idp.create_user_pool_domain(UserPoolId=lite, Domain="my-app", ManagedLoginVersion=2)


# -- DescribeUserPoolDomain ----------------------------------------------------------------


def test_describe_user_pool_domain_of_a_custom_domain(aws: Aws) -> None:
    cloudfront = custom(aws)["CloudFrontDomain"]
    found = describe(aws, "auth.example.com")
    assert found["UserPoolId"] == aws.pool_id
    assert found["AWSAccountId"] == ACCOUNT
    assert found["Domain"] == "auth.example.com"
    assert found["CloudFrontDistribution"] == cloudfront
    assert found["CustomDomainConfig"] == {"CertificateArn": CERTIFICATE}
    assert (found["Status"], found["ManagedLoginVersion"]) == ("ACTIVE", 1)
    assert found["Version"] and found["S3Bucket"]


def test_describe_user_pool_domain_of_a_prefix_has_no_custom_config(aws: Aws) -> None:
    aws.idp.create_user_pool_domain(UserPoolId=aws.pool_id, Domain="my-app")
    found = describe(aws, "my-app")
    assert found["Domain"] == "my-app" and "CustomDomainConfig" not in found


def test_describe_user_pool_domain_of_an_unknown_domain_is_empty(aws: Aws) -> None:
    assert describe(aws, "nobody-has-this") == {}


# -- UpdateUserPoolDomain ------------------------------------------------------------------


def test_update_user_pool_domain_changes_the_certificate(aws: Aws) -> None:
    cloudfront = custom(aws)["CloudFrontDomain"]
    answer = aws.idp.update_user_pool_domain(
        UserPoolId=aws.pool_id,
        Domain="auth.example.com",
        CustomDomainConfig={"CertificateArn": OTHER_CERTIFICATE},
    )
    assert answer["CloudFrontDomain"] == cloudfront
    found = describe(aws, "auth.example.com")
    assert found["CustomDomainConfig"] == {"CertificateArn": OTHER_CERTIFICATE}


def test_update_user_pool_domain_changes_the_managed_login_version(aws: Aws) -> None:
    aws.idp.create_user_pool_domain(UserPoolId=aws.pool_id, Domain="my-app")
    answer = aws.idp.update_user_pool_domain(
        UserPoolId=aws.pool_id, Domain="my-app", ManagedLoginVersion=2
    )
    assert answer["ManagedLoginVersion"] == 2
    assert describe(aws, "my-app")["ManagedLoginVersion"] == 2


def test_update_user_pool_domain_the_pool_lacks_is_invalid_parameter(aws: Aws) -> None:
    with aws_error(
        aws.idp.exceptions.InvalidParameterException, "No such domain or user pool exists."
    ):
        aws.idp.update_user_pool_domain(
            UserPoolId=aws.pool_id, Domain="my-app", ManagedLoginVersion=2
        )


def test_update_user_pool_domain_of_an_unknown_pool_is_resource_not_found(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.update_user_pool_domain(UserPoolId=MISSING, Domain="my-app", ManagedLoginVersion=1)


# -- DeleteUserPoolDomain ------------------------------------------------------------------


def test_delete_user_pool_domain_frees_the_name(aws: Aws) -> None:
    aws.idp.create_user_pool_domain(UserPoolId=aws.pool_id, Domain="my-app")
    aws.idp.delete_user_pool_domain(UserPoolId=aws.pool_id, Domain="my-app")
    assert describe(aws, "my-app") == {}
    other = aws.idp.create_user_pool(PoolName="other")["UserPool"]["Id"]
    aws.idp.create_user_pool_domain(UserPoolId=other, Domain="my-app")
    assert describe(aws, "my-app")["UserPoolId"] == other


def test_delete_user_pool_domain_the_pool_lacks_is_invalid_parameter(aws: Aws) -> None:
    with aws_error(
        aws.idp.exceptions.InvalidParameterException, "No such domain or user pool exists."
    ):
        aws.idp.delete_user_pool_domain(UserPoolId=aws.pool_id, Domain="my-app")


def test_delete_user_pool_domain_of_an_unknown_pool_is_resource_not_found(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.delete_user_pool_domain(UserPoolId=MISSING, Domain="my-app")


# -- the pool ------------------------------------------------------------------------------


def test_describe_user_pool_shows_the_domains(aws: Aws) -> None:
    before = aws.idp.describe_user_pool(UserPoolId=aws.pool_id)["UserPool"]
    assert "Domain" not in before and "CustomDomain" not in before
    aws.idp.create_user_pool_domain(UserPoolId=aws.pool_id, Domain="my-app")
    custom(aws)
    after = aws.idp.describe_user_pool(UserPoolId=aws.pool_id)["UserPool"]
    assert (after["Domain"], after["CustomDomain"]) == ("my-app", "auth.example.com")


def test_delete_user_pool_with_a_domain_is_invalid_parameter(aws: Aws) -> None:
    aws.idp.create_user_pool_domain(UserPoolId=aws.pool_id, Domain="my-app")
    with aws_error(
        aws.idp.exceptions.InvalidParameterException,
        "User pool cannot be deleted. It has a domain configured that should be deleted first.",
    ):
        aws.idp.delete_user_pool(UserPoolId=aws.pool_id)
    aws.idp.delete_user_pool_domain(UserPoolId=aws.pool_id, Domain="my-app")
    aws.idp.delete_user_pool(UserPoolId=aws.pool_id)


def test_the_discovery_document_names_endpoints_under_the_domain(aws: Aws) -> None:
    aws.idp.create_user_pool_domain(UserPoolId=aws.pool_id, Domain="my-app")
    url = (
        f"https://cognito-idp.{REGION}.amazonaws.com/{aws.pool_id}/.well-known/openid-configuration"
    )
    with urllib.request.urlopen(url) as response:
        document = json.load(response)
    base = f"https://my-app.auth.{REGION}.amazoncognito.com"
    assert document["authorization_endpoint"] == f"{base}/oauth2/authorize"
    assert document["token_endpoint"] == f"{base}/oauth2/token"
    assert document["userinfo_endpoint"] == f"{base}/oauth2/userInfo"
