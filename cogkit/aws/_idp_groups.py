"""cognito-idp group operations: groups and their members, one domain call each."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cogkit.aws import _shapes as shapes
from cogkit.aws._dispatch import Call, operation
from cogkit.aws._model import IDP, epoch
from cogkit.domain.groups import Group
from cogkit.domain.pool import UserPool

Result = Mapping[str, Any] | None


def _pool(call: Call) -> UserPool:
    return call.service.user_pool(call.params["UserPoolId"])


def group_out(group: Group) -> dict[str, Any]:
    """``GroupType``."""
    return {
        "GroupName": group.name,
        "UserPoolId": group.pool_id,
        "Description": group.description,
        "RoleArn": group.role_arn,
        "Precedence": group.precedence,
        "LastModifiedDate": epoch(group.modified_at),
        "CreationDate": epoch(group.created_at),
    }


@operation(IDP, "CreateGroup")
def create_group(call: Call) -> Result:
    p = call.params
    group = _pool(call).create_group(
        p["GroupName"],
        description=p.get("Description"),
        role_arn=p.get("RoleArn"),
        precedence=p.get("Precedence"),
    )
    return {"Group": group_out(group)}


@operation(IDP, "GetGroup")
def get_group(call: Call) -> Result:
    return {"Group": group_out(_pool(call).group(call.params["GroupName"]))}


@operation(IDP, "UpdateGroup")
def update_group(call: Call) -> Result:
    p = call.params
    group = _pool(call).update_group(
        p["GroupName"],
        description=p.get("Description"),
        role_arn=p.get("RoleArn"),
        precedence=p.get("Precedence"),
    )
    return {"Group": group_out(group)}


@operation(IDP, "DeleteGroup")
def delete_group(call: Call) -> Result:
    _pool(call).delete_group(call.params["GroupName"])
    return {}


@operation(IDP, "ListGroups")
def list_groups(call: Call) -> Result:
    p = call.params
    page = _pool(call).list_groups(limit=p.get("Limit", 60), next_token=p.get("NextToken"))
    return {"Groups": [group_out(g) for g in page], "NextToken": page.next_token}


@operation(IDP, "AdminAddUserToGroup")
def admin_add_user_to_group(call: Call) -> Result:
    p = call.params
    _pool(call).admin_add_user_to_group(p["Username"], p["GroupName"])
    return {}


@operation(IDP, "AdminRemoveUserFromGroup")
def admin_remove_user_from_group(call: Call) -> Result:
    p = call.params
    _pool(call).admin_remove_user_from_group(p["Username"], p["GroupName"])
    return {}


@operation(IDP, "AdminListGroupsForUser")
def admin_list_groups_for_user(call: Call) -> Result:
    p = call.params
    page = _pool(call).admin_list_groups_for_user(
        p["Username"], limit=p.get("Limit", 60), next_token=p.get("NextToken")
    )
    return {"Groups": [group_out(g) for g in page], "NextToken": page.next_token}


@operation(IDP, "ListUsersInGroup")
def list_users_in_group(call: Call) -> Result:
    p = call.params
    page = _pool(call).list_users_in_group(
        p["GroupName"], limit=p.get("Limit", 60), next_token=p.get("NextToken")
    )
    return {
        "Users": [shapes.user_out(u, list_shape=True) for u in page],
        "NextToken": page.next_token,
    }
