"""cognito-idp operations of a pool's OAuth side: resource servers (custom scopes) and user
pool domains, one domain call each."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cogkit.aws._dispatch import Call, operation
from cogkit.aws._model import IDP
from cogkit.domain.domains import UserPoolDomain
from cogkit.domain.pool import UserPool
from cogkit.domain.resource_servers import ResourceServer, ResourceServerScope

Result = Mapping[str, Any] | None


def _pool(call: Call) -> UserPool:
    return call.service.user_pool(call.params["UserPoolId"])


# -- resource servers ------------------------------------------------------------------


def resource_server_out(server: ResourceServer) -> dict[str, Any]:
    """``ResourceServerType``."""
    return {
        "UserPoolId": server.pool_id,
        "Identifier": server.identifier,
        "Name": server.name,
        "Scopes": [{"ScopeName": s.name, "ScopeDescription": s.description} for s in server.scopes],
    }


def _scopes_in(items: Any) -> list[ResourceServerScope]:
    return [ResourceServerScope(s["ScopeName"], s["ScopeDescription"]) for s in items or ()]


@operation(IDP, "CreateResourceServer")
def create_resource_server(call: Call) -> Result:
    p = call.params
    server = _pool(call).create_resource_server(
        p["Identifier"], p["Name"], scopes=_scopes_in(p.get("Scopes"))
    )
    return {"ResourceServer": resource_server_out(server)}


@operation(IDP, "DescribeResourceServer")
def describe_resource_server(call: Call) -> Result:
    server = _pool(call).resource_server(call.params["Identifier"])
    return {"ResourceServer": resource_server_out(server)}


@operation(IDP, "UpdateResourceServer")
def update_resource_server(call: Call) -> Result:
    p = call.params
    server = _pool(call).update_resource_server(
        p["Identifier"], p["Name"], scopes=_scopes_in(p.get("Scopes"))
    )
    return {"ResourceServer": resource_server_out(server)}


@operation(IDP, "DeleteResourceServer")
def delete_resource_server(call: Call) -> Result:
    _pool(call).delete_resource_server(call.params["Identifier"])
    return {}


@operation(IDP, "ListResourceServers")
def list_resource_servers(call: Call) -> Result:
    p = call.params
    page = _pool(call).list_resource_servers(
        max_results=p.get("MaxResults", 50), next_token=p.get("NextToken")
    )
    return {
        "ResourceServers": [resource_server_out(s) for s in page],
        "NextToken": page.next_token,
    }


# -- domains ---------------------------------------------------------------------------


def _certificate_in(params: Mapping[str, Any]) -> str | None:
    config = params.get("CustomDomainConfig")
    return None if config is None else config["CertificateArn"]


def _domain_result(domain: UserPoolDomain) -> dict[str, Any]:
    """What Create/UpdateUserPoolDomain answer: the CloudFront target of a custom domain
    (none for a prefix domain) and the managed login version."""
    return {
        "ManagedLoginVersion": domain.managed_login_version,
        "CloudFrontDomain": domain.cloudfront_distribution if domain.custom else None,
    }


def domain_description_out(domain: UserPoolDomain) -> dict[str, Any]:
    """``DomainDescriptionType``."""
    return {
        "UserPoolId": domain.pool_id,
        "AWSAccountId": domain.account_id,
        "Domain": domain.domain,
        "S3Bucket": domain.s3_bucket,
        "CloudFrontDistribution": domain.cloudfront_distribution,
        "Version": domain.version,
        "Status": domain.status,
        "CustomDomainConfig": (
            {"CertificateArn": domain.certificate_arn} if domain.certificate_arn else None
        ),
        "ManagedLoginVersion": domain.managed_login_version,
    }


@operation(IDP, "CreateUserPoolDomain")
def create_user_pool_domain(call: Call) -> Result:
    p = call.params
    domain = _pool(call).create_domain(
        p["Domain"],
        certificate_arn=_certificate_in(p),
        managed_login_version=p.get("ManagedLoginVersion"),
    )
    return _domain_result(domain)


@operation(IDP, "UpdateUserPoolDomain")
def update_user_pool_domain(call: Call) -> Result:
    p = call.params
    domain = _pool(call).update_domain(
        p["Domain"],
        certificate_arn=_certificate_in(p),
        managed_login_version=p.get("ManagedLoginVersion"),
    )
    return _domain_result(domain)


@operation(IDP, "DeleteUserPoolDomain")
def delete_user_pool_domain(call: Call) -> Result:
    _pool(call).delete_domain(call.params["Domain"])
    return {}


@operation(IDP, "DescribeUserPoolDomain")
def describe_user_pool_domain(call: Call) -> Result:
    domain = call.service.describe_user_pool_domain(call.params["Domain"])
    return {"DomainDescription": {} if domain is None else domain_description_out(domain)}
