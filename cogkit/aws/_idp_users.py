"""cognito-idp operations of user management: user import jobs and the auth event history.

Also the two HTTP pieces they need beside the JSON API: the S3-style PUT of an import job's
CSV file to its pre-signed URL (answered by ``mock_aws`` and ``cogkit serve``) and the
request context (``ContextData``/``UserContextData``) that auth events record.
"""

from __future__ import annotations

import contextlib
import hashlib
import urllib.parse
from collections.abc import Iterator, Mapping
from typing import Any
from xml.sax.saxutils import escape

from cogkit.aws._dispatch import Call, WireResponse, operation
from cogkit.aws._model import IDP, epoch
from cogkit.domain.events import AuthEvent, event_context
from cogkit.domain.imports import ImportJob, UploadRefusedError
from cogkit.domain.pool import UserPool
from cogkit.domain.service import Cognito
from cogkit.errors import (
    CogkitError,
    PreconditionNotMetError,
    ResourceNotFoundError,
)

Result = Mapping[str, Any] | None

#: Where ``cogkit serve`` takes the PUT of an import job's CSV file.
UPLOAD_PATH = "/_cogkit/user-import"


def _pool(call: Call) -> UserPool:
    return call.service.user_pool(call.params["UserPoolId"])


# -- user import jobs ------------------------------------------------------------------


def job_out(job: ImportJob, call: Call) -> dict[str, Any]:
    """``UserImportJobType``.  Over ``cogkit serve`` the pre-signed URL points at the
    server itself, which takes the PUT of the file."""
    url = job.pre_signed_url
    if call.base_url:
        query = urllib.parse.urlsplit(url).query
        url = f"{call.base_url}{UPLOAD_PATH}/{job.pool_id}/{job.id}?{query}"
    return {
        "JobName": job.name,
        "JobId": job.id,
        "UserPoolId": job.pool_id,
        "PreSignedUrl": url,
        "CreationDate": epoch(job.created_at),
        "StartDate": None if job.started_at is None else epoch(job.started_at),
        "CompletionDate": None if job.completed_at is None else epoch(job.completed_at),
        "Status": job.status.value,
        "CloudWatchLogsRoleArn": job.cloudwatch_logs_role_arn,
        "ImportedUsers": job.imported_users,
        "SkippedUsers": job.skipped_users,
        "FailedUsers": job.failed_users,
        "CompletionMessage": job.completion_message,
    }


@operation(IDP, "CreateUserImportJob")
def create_user_import_job(call: Call) -> Result:
    p = call.params
    job = _pool(call).create_import_job(p["JobName"], p["CloudWatchLogsRoleArn"])
    return {"UserImportJob": job_out(job, call)}


@operation(IDP, "DescribeUserImportJob")
def describe_user_import_job(call: Call) -> Result:
    return {"UserImportJob": job_out(_pool(call).import_job(call.params["JobId"]), call)}


@operation(IDP, "ListUserImportJobs")
def list_user_import_jobs(call: Call) -> Result:
    p = call.params
    page = _pool(call).list_import_jobs(
        max_results=p["MaxResults"], pagination_token=p.get("PaginationToken")
    )
    return {
        "UserImportJobs": [job_out(job, call) for job in page],
        "PaginationToken": page.next_token,
    }


@operation(IDP, "StartUserImportJob")
def start_user_import_job(call: Call) -> Result:
    started: list[ImportJob] = []

    def first(job: ImportJob) -> None:
        if not started:
            started.append(job)

    # fidelity: Cognito imports after StartUserImportJob has answered; cogkit imports
    # within the call, and answers with the job as it started (Pending), as Cognito does.
    # DescribeUserImportJob then shows the outcome; StopUserImportJob from another
    # client stops a long import between two batches.
    finished = _pool(call).start_import_job(call.params["JobId"], progress=first)
    return {"UserImportJob": job_out(started[0] if started else finished, call)}


@operation(IDP, "StopUserImportJob")
def stop_user_import_job(call: Call) -> Result:
    return {"UserImportJob": job_out(_pool(call).stop_import_job(call.params["JobId"]), call)}


def upload(service: Cognito, pool_id: str, job_id: str, query: str, body: bytes) -> WireResponse:
    """The S3-style answer to a PUT of a job's CSV file to its pre-signed URL."""
    signature = urllib.parse.parse_qs(query).get("X-Amz-Signature", [""])[0]
    try:
        service.user_pool(pool_id)._receive_upload(job_id, signature, body)
    except UploadRefusedError as exc:
        return _s3_error(exc.http_status, exc.s3_code, exc.message)
    except (ResourceNotFoundError, PreconditionNotMetError) as exc:
        # A pre-signed URL for no job, or for a job past taking its file, is refused
        # like an expired one.
        return _s3_error(403, "AccessDenied", exc.message)
    except CogkitError as exc:
        return _s3_error(400, "InvalidRequest", exc.message)
    etag = '"' + hashlib.md5(body, usedforsecurity=False).hexdigest() + '"'
    return WireResponse(200, b"", {"ETag": etag, "Content-Length": "0"})


def _s3_error(status: int, code: str, message: str) -> WireResponse:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error>"
    ).encode()
    return WireResponse(status, body, {"Content-Type": "application/xml"})


# -- auth events -----------------------------------------------------------------------


def event_out(event: AuthEvent) -> dict[str, Any]:
    """``AuthEventType``."""
    out: dict[str, Any] = {
        "EventId": event.id,
        "EventType": event.type.value,
        "CreationDate": epoch(event.created_at),
        "EventResponse": event.response.value,
        "EventRisk": {
            "RiskDecision": event.risk_decision,
            "RiskLevel": event.risk_level,
            "CompromisedCredentialsDetected": event.compromised_credentials_detected,
        },
        "ChallengeResponses": [
            {"ChallengeName": name, "ChallengeResponse": outcome}
            for name, outcome in event.challenge_responses
        ],
    }
    context = event.context
    if context is not None:
        out["EventContextData"] = {
            "IpAddress": context.ip_address,
            "DeviceName": context.device_name,
            "Timezone": context.timezone,
            "City": context.city,
            "Country": context.country,
        }
    if event.feedback_value is not None:
        out["EventFeedback"] = {
            "FeedbackValue": event.feedback_value.value,
            "Provider": event.feedback_provider,
            "FeedbackDate": None if event.feedback_date is None else epoch(event.feedback_date),
        }
    return out


@operation(IDP, "AdminListUserAuthEvents")
def admin_list_user_auth_events(call: Call) -> Result:
    p = call.params
    page = _pool(call).admin_list_user_auth_events(
        p["Username"], max_results=p.get("MaxResults", 60), next_token=p.get("NextToken")
    )
    return {"AuthEvents": [event_out(e) for e in page], "NextToken": page.next_token}


@operation(IDP, "AdminUpdateAuthEventFeedback")
def admin_update_auth_event_feedback(call: Call) -> Result:
    p = call.params
    _pool(call).admin_update_auth_event_feedback(p["Username"], p["EventId"], p["FeedbackValue"])
    return {}


@operation(IDP, "UpdateAuthEventFeedback")
def update_auth_event_feedback(call: Call) -> Result:
    p = call.params
    _pool(call).update_auth_event_feedback(
        p["Username"], p["EventId"], p["FeedbackToken"], p["FeedbackValue"]
    )
    return {}


@contextlib.contextmanager
def request_context(params: Mapping[str, Any]) -> Iterator[None]:
    """The auth event context of one request: the admin operations' ``ContextData``
    (stated by the server, trusted) or the public ones' ``UserContextData`` (stated by
    the client).  The device is named by the User-Agent the server passes on."""
    # fidelity: Cognito also geolocates the address (City, Country, Timezone), reads
    # EncodedData and names the device from its user agent ("Chrome 126, Windows 10");
    # cogkit records the address stated and the raw User-Agent header.
    admin = params.get("ContextData")
    user = params.get("UserContextData")
    if isinstance(admin, Mapping):
        headers = {
            str(h.get("headerName", "")).lower(): str(h.get("headerValue", ""))
            for h in admin.get("HttpHeaders") or ()
            if isinstance(h, Mapping)
        }
        context = event_context(
            ip_address=admin.get("IpAddress"),
            device_name=headers.get("user-agent") or None,
            trusted=True,
        )
    elif isinstance(user, Mapping) and user.get("IpAddress"):
        context = event_context(ip_address=user["IpAddress"], trusted=False)
    else:
        yield
        return
    with context:
        yield
