"""User import jobs through boto3: the five job operations, the PUT of the CSV file to
the pre-signed URL (requests and urllib under ``mock_aws``), and what imported users can
do."""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Any

import pytest
import requests

from tests.aws.conftest import Aws
from tests.aws.helpers import NEW_PASSWORD, PASSWORD, aws_error

ROLE = "arn:aws:iam::123456789012:role/CognitoImport"


def csv_for(aws: Aws, *usernames: str, **extra: str) -> str:
    header = aws.idp.get_csv_header(UserPoolId=aws.pool_id)["CSVHeader"]
    lines = [",".join(header)]
    for name in usernames:
        row = {
            "cognito:username": name,
            "email": f"{name}@example.com",
            "email_verified": "true",
            "cognito:mfa_enabled": "false",
            **extra,
        }
        lines.append(",".join(row.get(c, "") for c in header))
    return "\n".join(lines) + "\n"


def new_job(aws: Aws, name: str = "people") -> dict[str, Any]:
    job: dict[str, Any] = aws.idp.create_user_import_job(
        UserPoolId=aws.pool_id, JobName=name, CloudWatchLogsRoleArn=ROLE
    )["UserImportJob"]
    return job


def uploaded_job(aws: Aws, *usernames: str) -> dict[str, Any]:
    job = new_job(aws)
    response = requests.put(
        job["PreSignedUrl"],
        data=csv_for(aws, *usernames).encode(),
        headers={"x-amz-server-side-encryption": "aws:kms"},
        timeout=5,
    )
    assert response.status_code == 200
    return job


# -- CreateUserImportJob -----------------------------------------------------------------


def test_create_user_import_job_answers_a_created_job_with_its_upload_url(aws: Aws) -> None:
    job = new_job(aws)
    assert job["Status"] == "Created"
    assert job["JobName"] == "people"
    assert job["UserPoolId"] == aws.pool_id
    assert job["CloudWatchLogsRoleArn"] == ROLE
    assert job["JobId"].startswith("import-")
    assert job["PreSignedUrl"].startswith("https://")
    assert (job["ImportedUsers"], job["SkippedUsers"], job["FailedUsers"]) == (0, 0, 0)
    assert "StartDate" not in job and "CompletionDate" not in job


def test_create_user_import_job_refuses_a_malformed_role_arn_and_keeps_nothing(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.InvalidParameterException) as info:
        aws.idp.create_user_import_job(
            UserPoolId=aws.pool_id, JobName="people", CloudWatchLogsRoleArn="x" * 20
        )
    assert "cloudWatchLogsRoleArn" in info.value.response["Error"]["Message"]
    assert (
        aws.idp.list_user_import_jobs(UserPoolId=aws.pool_id, MaxResults=60)["UserImportJobs"] == []
    )


def test_create_user_import_job_refuses_a_bad_job_name(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.InvalidParameterException) as info:
        aws.idp.create_user_import_job(
            UserPoolId=aws.pool_id, JobName="no/slashes", CloudWatchLogsRoleArn=ROLE
        )
    assert "jobName" in info.value.response["Error"]["Message"]


def test_create_user_import_job_in_an_unknown_pool_is_resource_not_found(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.create_user_import_job(
            UserPoolId="eu-west-1_missing00", JobName="people", CloudWatchLogsRoleArn=ROLE
        )


# -- the upload --------------------------------------------------------------------------


def test_the_pre_signed_url_takes_the_file_through_urllib(aws: Aws) -> None:
    job = new_job(aws)
    request = urllib.request.Request(
        job["PreSignedUrl"], data=csv_for(aws, "ann").encode(), method="PUT"
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200
        assert response.headers["ETag"]
    aws.idp.start_user_import_job(UserPoolId=aws.pool_id, JobId=job["JobId"])
    assert aws.idp.admin_get_user(UserPoolId=aws.pool_id, Username="ann")["Username"] == "ann"


def test_the_pre_signed_url_takes_a_file_object_through_requests(aws: Aws, tmp_path: Any) -> None:
    job = new_job(aws)
    path = tmp_path / "users.csv"
    path.write_text(csv_for(aws, "ann"), encoding="utf-8")
    with path.open("rb") as handle:
        response = requests.put(job["PreSignedUrl"], data=handle, timeout=5)
    assert response.status_code == 200
    aws.idp.start_user_import_job(UserPoolId=aws.pool_id, JobId=job["JobId"])
    assert aws.idp.admin_get_user(UserPoolId=aws.pool_id, Username="ann")["Username"] == "ann"


def test_a_tampered_pre_signed_url_is_refused(aws: Aws) -> None:
    job = new_job(aws)
    url = job["PreSignedUrl"].replace("X-Amz-Signature=", "X-Amz-Signature=0")
    response = requests.put(url, data=csv_for(aws, "ann").encode(), timeout=5)
    assert response.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in response.text
    with aws_error(aws.idp.exceptions.PreconditionNotMetException):
        aws.idp.start_user_import_job(UserPoolId=aws.pool_id, JobId=job["JobId"])


def test_the_pre_signed_url_takes_only_puts(aws: Aws) -> None:
    job = new_job(aws)
    response = requests.post(job["PreSignedUrl"], data=b"x", timeout=5)
    assert response.status_code == 405


def test_a_file_that_is_not_utf8_is_refused_at_the_url(aws: Aws) -> None:
    job = new_job(aws)
    request = urllib.request.Request(job["PreSignedUrl"], data=b"\xff\xfe", method="PUT")
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=5)
    assert info.value.code == 400
    assert b"UTF-8" in info.value.read()


# -- StartUserImportJob ------------------------------------------------------------------


def test_start_user_import_job_answers_pending_and_imports_the_users(aws: Aws) -> None:
    job = uploaded_job(aws, "ann", "bob")
    started = aws.idp.start_user_import_job(UserPoolId=aws.pool_id, JobId=job["JobId"])
    assert started["UserImportJob"]["Status"] == "Pending"
    assert "StartDate" in started["UserImportJob"]
    user = aws.idp.admin_get_user(UserPoolId=aws.pool_id, Username="bob")
    assert user["UserStatus"] == "RESET_REQUIRED"


def test_start_user_import_job_without_a_file_is_precondition_not_met(aws: Aws) -> None:
    job = new_job(aws)
    with aws_error(
        aws.idp.exceptions.PreconditionNotMetException,
        f"No csv file was uploaded for {job['JobId']}",
    ):
        aws.idp.start_user_import_job(UserPoolId=aws.pool_id, JobId=job["JobId"])


def test_start_user_import_job_twice_is_precondition_not_met(aws: Aws) -> None:
    job = uploaded_job(aws, "ann")
    aws.idp.start_user_import_job(UserPoolId=aws.pool_id, JobId=job["JobId"])
    with aws_error(aws.idp.exceptions.PreconditionNotMetException):
        aws.idp.start_user_import_job(UserPoolId=aws.pool_id, JobId=job["JobId"])


def test_start_user_import_job_of_an_unknown_job_is_resource_not_found(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.ResourceNotFoundException):
        aws.idp.start_user_import_job(UserPoolId=aws.pool_id, JobId="import-0000000000")


# -- DescribeUserImportJob and ListUserImportJobs -----------------------------------------


def test_describe_user_import_job_shows_the_outcome(aws: Aws) -> None:
    aws.confirmed("ann")
    job = uploaded_job(aws, "ann", "bob")
    aws.idp.start_user_import_job(UserPoolId=aws.pool_id, JobId=job["JobId"])
    done = aws.idp.describe_user_import_job(UserPoolId=aws.pool_id, JobId=job["JobId"])[
        "UserImportJob"
    ]
    assert done["Status"] == "Failed"
    assert (done["ImportedUsers"], done["SkippedUsers"], done["FailedUsers"]) == (1, 1, 0)
    assert done["CompletionMessage"] == (
        "Too many users have failed or been skipped during the import."
    )
    assert done["CompletionDate"] >= done["StartDate"] >= done["CreationDate"]


def test_describe_user_import_job_refuses_a_malformed_job_id(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.InvalidParameterException) as info:
        aws.idp.describe_user_import_job(UserPoolId=aws.pool_id, JobId="job-1")
    assert "jobId" in info.value.response["Error"]["Message"]


def test_list_user_import_jobs_pages_through_the_jobs(aws: Aws) -> None:
    made = sorted(new_job(aws, f"job{i}")["JobId"] for i in range(3))
    first = aws.idp.list_user_import_jobs(UserPoolId=aws.pool_id, MaxResults=2)
    rest = aws.idp.list_user_import_jobs(
        UserPoolId=aws.pool_id, MaxResults=2, PaginationToken=first["PaginationToken"]
    )
    assert [j["JobId"] for j in first["UserImportJobs"] + rest["UserImportJobs"]] == made
    assert "PaginationToken" not in rest


def test_list_user_import_jobs_refuses_more_than_60_a_page(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.InvalidParameterException) as info:
        aws.idp.list_user_import_jobs(UserPoolId=aws.pool_id, MaxResults=61)
    assert "maxResults" in info.value.response["Error"]["Message"]


def test_list_user_import_jobs_refuses_a_forged_token(aws: Aws) -> None:
    with aws_error(aws.idp.exceptions.InvalidParameterException):
        aws.idp.list_user_import_jobs(
            UserPoolId=aws.pool_id, MaxResults=2, PaginationToken="forged"
        )


# -- StopUserImportJob and the pool while a job runs ---------------------------------------


def _start_natively(aws: Aws, job: dict[str, Any], during: Any) -> Any:
    """Runs the job with cogkit's progress callback, which calls ``during`` (boto3
    calls) while the job is in progress, as another client would."""
    pool = aws.svc.user_pool(aws.pool_id)
    done: list[bool] = []

    def progress(current: Any) -> None:
        if current.status.value == "InProgress" and not done:
            done.append(True)
            during()

    return pool.start_import_job(job["JobId"], progress=progress)


def test_stop_user_import_job_stops_a_running_job(aws: Aws) -> None:
    job = uploaded_job(aws, *(f"user{i:04d}" for i in range(600)))
    answers: list[dict[str, Any]] = []

    def stop() -> None:
        answers.append(aws.idp.stop_user_import_job(UserPoolId=aws.pool_id, JobId=job["JobId"]))

    _start_natively(aws, job, stop)
    assert answers[0]["UserImportJob"]["Status"] == "Stopping"
    done = aws.idp.describe_user_import_job(UserPoolId=aws.pool_id, JobId=job["JobId"])
    assert done["UserImportJob"]["Status"] == "Stopped"
    assert done["UserImportJob"]["ImportedUsers"] == 0


def test_stop_user_import_job_of_a_job_not_running_is_precondition_not_met(aws: Aws) -> None:
    job = new_job(aws)
    with aws_error(aws.idp.exceptions.PreconditionNotMetException):
        aws.idp.stop_user_import_job(UserPoolId=aws.pool_id, JobId=job["JobId"])


def test_a_running_import_refuses_pool_changes_with_user_import_in_progress(aws: Aws) -> None:
    job = uploaded_job(aws, "ann")
    codes: list[str] = []

    def meddle() -> None:
        for call in (
            lambda: aws.idp.delete_user_pool(UserPoolId=aws.pool_id),
            lambda: aws.idp.update_user_pool(UserPoolId=aws.pool_id),
            lambda: aws.idp.add_custom_attributes(
                UserPoolId=aws.pool_id, CustomAttributes=[{"Name": "plan"}]
            ),
        ):
            with pytest.raises(aws.idp.exceptions.UserImportInProgressException) as info:
                call()
            codes.append(info.value.response["Error"]["Code"])

    _start_natively(aws, job, meddle)
    assert codes == ["UserImportInProgressException"] * 3
    aws.idp.delete_user_pool(UserPoolId=aws.pool_id)


# -- imported users ------------------------------------------------------------------------


def test_imported_users_reset_their_password_before_signing_in(aws: Aws) -> None:
    job = uploaded_job(aws, "ann")
    aws.idp.start_user_import_job(UserPoolId=aws.pool_id, JobId=job["JobId"])
    with aws_error(aws.idp.exceptions.PasswordResetRequiredException):
        aws.sign_in("ann", PASSWORD)
    aws.idp.forgot_password(ClientId=aws.client_id, Username="ann")
    aws.idp.confirm_forgot_password(
        ClientId=aws.client_id,
        Username="ann",
        ConfirmationCode=aws.code(),
        Password=NEW_PASSWORD,
    )
    assert aws.sign_in("ann", NEW_PASSWORD)["AccessToken"]


def test_a_pre_signed_url_for_a_pool_of_another_region_is_refused(aws: Aws) -> None:
    job = new_job(aws)
    url = job["PreSignedUrl"].replace("user-import-eu-west-1", "user-import-us-east-1", 1)
    response = requests.put(url, data=csv_for(aws, "ann").encode(), timeout=5)
    assert response.status_code == 403
    assert "<Code>AccessDenied</Code>" in response.text


def test_a_pre_signed_url_with_a_non_ascii_signature_is_refused(aws: Aws) -> None:
    job = new_job(aws)
    base = job["PreSignedUrl"].split("X-Amz-Signature=")[0]
    response = requests.put(base + "X-Amz-Signature=%C3%A9", data=b"x", timeout=5)
    assert response.status_code == 403
