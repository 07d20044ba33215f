"""Auth events through boto3: threat protection on the pool (``UserPoolAddOns``), the event
history (``AdminListUserAuthEvents``) and feedback on it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.aws.conftest import Aws
from tests.aws.helpers import PASSWORD, aws_error

AUDIT = {"AdvancedSecurityMode": "AUDIT"}


@pytest.fixture
def audited(aws: Aws) -> Aws:
    """``aws`` on a Plus pool with threat protection auditing."""
    aws.idp.update_user_pool(
        UserPoolId=aws.pool_id,
        AutoVerifiedAttributes=["email"],
        UserPoolTier="PLUS",
        UserPoolAddOns=AUDIT,
    )
    return aws


def events_of(aws: Aws, username: str = "ann", **options: Any) -> list[dict[str, Any]]:
    answer = aws.idp.admin_list_user_auth_events(
        UserPoolId=aws.pool_id, Username=username, **options
    )
    found: list[dict[str, Any]] = answer["AuthEvents"]
    return found


# -- UserPoolAddOns ------------------------------------------------------------------------


def test_threat_protection_shows_in_the_pool_description(audited: Aws) -> None:
    pool = audited.idp.describe_user_pool(UserPoolId=audited.pool_id)["UserPool"]
    assert pool["UserPoolAddOns"] == AUDIT
    assert pool["UserPoolTier"] == "PLUS"


def test_an_update_without_add_ons_turns_threat_protection_off(audited: Aws) -> None:
    audited.idp.update_user_pool(UserPoolId=audited.pool_id, UserPoolTier="PLUS")
    pool = audited.idp.describe_user_pool(UserPoolId=audited.pool_id)["UserPool"]
    assert pool["UserPoolAddOns"] == {"AdvancedSecurityMode": "OFF"}


def test_threat_protection_below_the_plus_tier_is_unavailable(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.FeatureUnavailableInTierException):
        aws.idp.create_user_pool(PoolName="essentials", UserPoolAddOns=AUDIT)
    assert [p["Name"] for p in aws.idp.list_user_pools(MaxResults=60)["UserPools"]] == ["app"]


@pytest.mark.parametrize(
    "add_ons",
    [
        {"AdvancedSecurityMode": "ENFORCED"},
        {
            "AdvancedSecurityMode": "AUDIT",
            "AdvancedSecurityAdditionalFlows": {"CustomAuthMode": "AUDIT"},
        },
    ],
)
def test_threat_protection_cogkit_cannot_honour_is_refused(aws: Aws, add_ons: Any) -> None:
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        aws.idp.create_user_pool(PoolName="plus", UserPoolTier="PLUS", UserPoolAddOns=add_ons)
    assert len(aws.idp.list_user_pools(MaxResults=60)["UserPools"]) == 1


# -- AdminListUserAuthEvents -------------------------------------------------------------


def test_admin_list_user_auth_events_shows_sign_ins_newest_first(audited: Aws) -> None:
    audited.confirmed("ann")
    audited.clock.advance(1)
    with pytest.raises(audited.idp.exceptions.NotAuthorizedException):
        audited.sign_in("ann", "Wrong-horse-1")
    audited.clock.advance(1)
    tokens = audited.sign_in("ann")
    passed, failed, sign_up = events_of(audited)
    assert (passed["EventType"], passed["EventResponse"]) == ("SignIn", "Pass")
    assert passed["ChallengeResponses"] == [
        {"ChallengeName": "Password", "ChallengeResponse": "Success"}
    ]
    assert failed["ChallengeResponses"] == [
        {"ChallengeName": "Password", "ChallengeResponse": "Failure"}
    ]
    assert (failed["EventType"], failed["EventResponse"]) == ("SignIn", "Fail")
    assert sign_up["EventType"] == "SignUp"
    assert passed["EventRisk"] == {
        "RiskDecision": "NoRisk",
        "RiskLevel": "Low",
        "CompromisedCredentialsDetected": False,
    }
    assert passed["CreationDate"] > failed["CreationDate"] > sign_up["CreationDate"]
    claims = audited.svc.user_pool(audited.pool_id).verify(tokens["AccessToken"])
    assert claims["event_id"] == passed["EventId"]


def test_admin_list_user_auth_events_without_threat_protection_is_refused(aws: Aws) -> None:
    aws.confirmed("ann")
    with aws_error(aws.idp.exceptions.UserPoolAddOnNotEnabledException):
        events_of(aws)


def test_admin_list_user_auth_events_of_an_unknown_user_is_user_not_found(audited: Aws) -> None:
    with aws_error(audited.idp.exceptions.UserNotFoundException):
        events_of(audited, "ghost")


def test_admin_list_user_auth_events_pages_with_the_paginator(audited: Aws) -> None:
    audited.confirmed("ann")
    for _ in range(3):
        audited.clock.advance(1)
        audited.sign_in("ann")
    paginator = audited.idp.get_paginator("admin_list_user_auth_events")
    pages = list(
        paginator.paginate(
            UserPoolId=audited.pool_id, Username="ann", PaginationConfig={"PageSize": 2}
        )
    )
    assert [len(p["AuthEvents"]) for p in pages] == [2, 2]
    assert [e["EventType"] for p in pages for e in p["AuthEvents"]] == ["SignIn"] * 3 + ["SignUp"]


def test_admin_list_user_auth_events_refuses_more_than_60_a_page(audited: Aws) -> None:
    audited.confirmed("ann")
    with aws_error(audited.idp.exceptions.InvalidParameterException) as info:
        events_of(audited, MaxResults=61)
    assert "maxResults" in info.value.response["Error"]["Message"]


def test_admin_list_user_auth_events_records_the_context_the_server_passes(
    audited: Aws,
) -> None:
    audited.confirmed("ann")
    audited.clock.advance(1)
    audited.idp.admin_initiate_auth(
        UserPoolId=audited.pool_id,
        ClientId=audited.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ann", "PASSWORD": PASSWORD},
        ContextData={
            "IpAddress": "203.0.113.7",
            "ServerName": "app.example.com",
            "ServerPath": "/login",
            "HttpHeaders": [{"headerName": "User-Agent", "headerValue": "Firefox 126"}],
        },
    )
    event = events_of(audited)[0]
    assert event["EventContextData"] == {"IpAddress": "203.0.113.7", "DeviceName": "Firefox 126"}


def test_a_clients_own_ip_address_needs_its_app_client_to_propagate_it(audited: Aws) -> None:
    audited.confirmed("ann")
    audited.clock.advance(1)
    audited.idp.initiate_auth(
        ClientId=audited.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ann", "PASSWORD": PASSWORD},
        UserContextData={"IpAddress": "198.51.100.1"},
    )
    assert "EventContextData" not in events_of(audited)[0]


# -- feedback ----------------------------------------------------------------------------


def test_admin_update_auth_event_feedback_marks_the_event(audited: Aws) -> None:
    audited.session("ann")
    event_id = events_of(audited)[0]["EventId"]
    audited.idp.admin_update_auth_event_feedback(
        UserPoolId=audited.pool_id, Username="ann", EventId=event_id, FeedbackValue="Invalid"
    )
    marked = next(e for e in events_of(audited) if e["EventId"] == event_id)
    assert marked["EventFeedback"]["FeedbackValue"] == "Invalid"
    assert marked["EventFeedback"]["Provider"] == "Admin"
    assert "FeedbackDate" in marked["EventFeedback"]


def test_admin_update_auth_event_feedback_of_an_unknown_event_is_resource_not_found(
    audited: Aws,
) -> None:
    audited.session("ann")
    with aws_error(audited.idp.exceptions.ResourceNotFoundException):
        audited.idp.admin_update_auth_event_feedback(
            UserPoolId=audited.pool_id, Username="ann", EventId="nope", FeedbackValue="Valid"
        )


def test_admin_update_auth_event_feedback_without_threat_protection_is_refused(
    aws: Aws,
) -> None:
    aws.session("ann")
    with aws_error(aws.idp.exceptions.UserPoolAddOnNotEnabledException):
        aws.idp.admin_update_auth_event_feedback(
            UserPoolId=aws.pool_id, Username="ann", EventId="e1", FeedbackValue="Valid"
        )


def _token(aws: Aws, event_id: str) -> str:
    """The feedback token Cognito would put in a risk notification's link."""
    pool = aws.svc.user_pool(aws.pool_id)
    event = next(e for e in pool.admin_list_user_auth_events("ann") if e.id == event_id)
    return event.feedback_token


def test_update_auth_event_feedback_with_the_events_token(audited: Aws) -> None:
    audited.session("ann")
    event_id = events_of(audited)[0]["EventId"]
    audited.idp.update_auth_event_feedback(
        UserPoolId=audited.pool_id,
        Username="ann",
        EventId=event_id,
        FeedbackToken=_token(audited, event_id),
        FeedbackValue="Valid",
    )
    marked = next(e for e in events_of(audited) if e["EventId"] == event_id)
    assert marked["EventFeedback"]["FeedbackValue"] == "Valid"
    assert marked["EventFeedback"]["Provider"] == "Email"


def test_update_auth_event_feedback_with_a_wrong_token_is_not_authorized(audited: Aws) -> None:
    audited.session("ann")
    event_id = events_of(audited)[0]["EventId"]
    with aws_error(audited.idp.exceptions.NotAuthorizedException):
        audited.idp.update_auth_event_feedback(
            UserPoolId=audited.pool_id,
            Username="ann",
            EventId=event_id,
            FeedbackToken="forged-token",
            FeedbackValue="Valid",
        )
    assert all("EventFeedback" not in e for e in events_of(audited))


def test_update_auth_event_feedback_for_an_unknown_user_is_user_not_found(audited: Aws) -> None:
    with aws_error(audited.idp.exceptions.UserNotFoundException):
        audited.idp.update_auth_event_feedback(
            UserPoolId=audited.pool_id,
            Username="ghost",
            EventId="e1",
            FeedbackToken="token",
            FeedbackValue="Valid",
        )


def test_admin_update_auth_event_feedback_refuses_a_malformed_event_id(audited: Aws) -> None:
    audited.session("ann")
    with aws_error(audited.idp.exceptions.InvalidParameterException) as info:
        audited.idp.admin_update_auth_event_feedback(
            UserPoolId=audited.pool_id, Username="ann", EventId="e 1", FeedbackValue="Valid"
        )
    assert "eventId" in info.value.response["Error"]["Message"]


def test_update_auth_event_feedback_refuses_an_unknown_feedback_value(audited: Aws) -> None:
    audited.session("ann")
    event = events_of(audited)[0]
    with aws_error(audited.idp.exceptions.InvalidParameterException) as info:
        audited.idp.update_auth_event_feedback(
            UserPoolId=audited.pool_id,
            Username="ann",
            EventId=event["EventId"],
            FeedbackToken=_token(audited, event["EventId"]),
            FeedbackValue="Maybe",
        )
    assert "feedbackValue" in info.value.response["Error"]["Message"]
    assert all("EventFeedback" not in e for e in events_of(audited))


def test_an_unknown_security_mode_names_the_member(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.InvalidParameterException) as info:
        aws.idp.create_user_pool(
            PoolName="plus", UserPoolTier="PLUS", UserPoolAddOns={"AdvancedSecurityMode": "MAX"}
        )
    assert "userPoolAddOns.advancedSecurityMode" in info.value.response["Error"]["Message"]
