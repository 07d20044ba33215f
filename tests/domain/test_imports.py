"""User import jobs: create, upload, start, stop, describe, list; rows become whole users
or are reported, and imported users reset their passwords before signing in."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import pytest

from cogkit import AppClient, Cognito, UserPool, UserStatus
from cogkit.domain.imports import ImportJob, ImportJobStatus, ImportRowError
from cogkit.errors import (
    InvalidParameterError,
    LimitExceededError,
    NotAuthorizedError,
    PasswordResetRequiredError,
    PreconditionNotMetError,
    ResourceNotFoundError,
    UserImportInProgressError,
)
from cogkit.testing.srp import SrpClient
from tests.conftest import Kit
from tests.helpers import NEW_PASSWORD, PASSWORD, PASSWORD_FLOWS

ROLE = "arn:aws:iam::123456789012:role/CognitoImport"


def csv_text(pool: UserPool, *rows: Mapping[str, str], columns: list[str] | None = None) -> str:
    """A Cognito import file: the pool's header (or ``columns``), then one line a row;
    commas inside values escaped with a backslash, as Cognito's files do."""
    header = columns or pool.csv_header()
    lines = [",".join(header)]
    for row in rows:
        values = {"cognito:mfa_enabled": "false", **row}
        lines.append(",".join(values.get(c, "").replace(",", "\\,") for c in header))
    return "\n".join(lines) + "\n"


def person(username: str, /, **extra: str) -> dict[str, str]:
    return {
        "cognito:username": username,
        "email": f"{username}@example.com",
        "email_verified": "true",
        **extra,
    }


def run(pool: UserPool, text: str, **options: Any) -> ImportJob:
    job = pool.create_import_job("people", ROLE)
    pool.upload_import_csv(job.id, text)
    return pool.start_import_job(job.id, **options)


# -- creating, describing and listing --------------------------------------------------


def test_a_new_job_waits_in_created_for_its_file(pool: UserPool) -> None:
    job = pool.create_import_job("people", ROLE)
    assert job.status is ImportJobStatus.CREATED
    assert job.id.startswith("import-") and len(job.id) == len("import-") + 10
    assert job.name == "people" and job.cloudwatch_logs_role_arn == ROLE
    assert job.pool_id == pool.id
    assert job.started_at is None and job.completed_at is None
    assert (job.imported_users, job.skipped_users, job.failed_users) == (0, 0, 0)
    assert pool.import_job(job.id) == job


def test_the_pre_signed_url_names_the_pool_and_the_job(pool: UserPool) -> None:
    job = pool.create_import_job("people", ROLE)
    assert f"/{pool.id}/{job.id}?" in job.pre_signed_url
    assert "X-Amz-Signature=" in job.pre_signed_url
    assert job.pre_signed_url not in repr(job)


@pytest.mark.parametrize(
    ("name", "role", "field"),
    [
        ("", ROLE, "job_name"),
        ("x" * 129, ROLE, "job_name"),
        ("bad/name", ROLE, "job_name"),
        (None, ROLE, "job_name"),
        ("people", "arn:aws:iam::role", "cloud_watch_logs_role_arn"),
        ("people", "not-an-arn-at-all-but-long", "cloud_watch_logs_role_arn"),
        ("people", 42, "cloud_watch_logs_role_arn"),
    ],
)
def test_bad_job_names_and_role_arns_are_refused_and_nothing_is_stored(
    pool: UserPool, name: Any, role: Any, field: str
) -> None:
    with pytest.raises(InvalidParameterError) as info:
        pool.create_import_job(name, role)
    assert info.value.field == field
    assert list(pool.list_import_jobs(max_results=60)) == []


def test_an_unknown_job_is_resource_not_found(pool: UserPool) -> None:
    with pytest.raises(ResourceNotFoundError):
        pool.import_job("import-0123456789")


@pytest.mark.parametrize("job_id", ["", "job-1", "import-has space", 7])
def test_a_malformed_job_id_is_invalid(pool: UserPool, job_id: Any) -> None:
    with pytest.raises(InvalidParameterError) as info:
        pool.import_job(job_id)
    assert info.value.field == "job_id"


def test_jobs_list_by_id_a_page_at_a_time(pool: UserPool) -> None:
    made = sorted(pool.create_import_job(f"job{i}", ROLE).id for i in range(5))
    first = pool.list_import_jobs(max_results=2)
    assert [j.id for j in first] == made[:2]
    second = pool.list_import_jobs(max_results=2, pagination_token=first.next_token)
    third = pool.list_import_jobs(max_results=2, pagination_token=second.next_token)
    assert [j.id for j in (*second, *third)] == made[2:]
    assert third.next_token is None


@pytest.mark.parametrize(("size", "token"), [(0, None), (61, None), (2, "bogus")])
def test_listing_refuses_bad_page_sizes_and_tokens(
    pool: UserPool, size: int, token: str | None
) -> None:
    with pytest.raises(InvalidParameterError):
        pool.list_import_jobs(max_results=size, pagination_token=token)


def test_a_pool_holds_at_most_1000_jobs(pool: UserPool) -> None:
    for i in range(1000):
        pool.create_import_job(f"job{i}", ROLE)
    with pytest.raises(LimitExceededError):
        pool.create_import_job("one-too-many", ROLE)


# -- uploading and starting ------------------------------------------------------------


def test_starting_without_a_file_is_a_failed_precondition(pool: UserPool) -> None:
    job = pool.create_import_job("people", ROLE)
    with pytest.raises(PreconditionNotMetError, match="No csv file was uploaded"):
        pool.start_import_job(job.id)
    assert pool.import_job(job.id).status is ImportJobStatus.CREATED


def test_a_pool_without_auto_verified_attributes_cannot_import(svc: Cognito) -> None:
    plain = svc.create_user_pool("plain")
    job = plain.create_import_job("people", ROLE)
    plain.upload_import_csv(job.id, csv_text(plain, person("ann")))
    with pytest.raises(PreconditionNotMetError, match="auto-verified"):
        plain.start_import_job(job.id)
    assert plain.import_job(job.id).status is ImportJobStatus.CREATED


def test_a_job_runs_once(pool: UserPool) -> None:
    job = run(pool, csv_text(pool, person("ann")))
    with pytest.raises(PreconditionNotMetError):
        pool.start_import_job(job.id)


def test_the_file_cannot_change_once_the_job_started(pool: UserPool) -> None:
    job = run(pool, csv_text(pool, person("ann")))
    with pytest.raises(PreconditionNotMetError):
        pool.upload_import_csv(job.id, csv_text(pool, person("bob")))


def test_a_second_upload_replaces_the_first(pool: UserPool) -> None:
    job = pool.create_import_job("people", ROLE)
    pool.upload_import_csv(job.id, csv_text(pool, person("ann")))
    pool.upload_import_csv(job.id, csv_text(pool, person("bob")).encode())
    pool.start_import_job(job.id)
    assert pool.admin_get_user("bob").username == "bob"
    assert [u.username for u in pool.list_users()] == ["bob"]


def test_a_file_that_is_not_utf8_is_refused(pool: UserPool) -> None:
    job = pool.create_import_job("people", ROLE)
    with pytest.raises(InvalidParameterError, match="UTF-8"):
        pool.upload_import_csv(job.id, b"cognito:username\n\xff\xfe\n")


def test_text_that_cannot_be_utf8_is_refused(pool: UserPool) -> None:
    job = pool.create_import_job("people", ROLE)
    with pytest.raises(InvalidParameterError, match="UTF-8"):
        pool.upload_import_csv(job.id, "cognito:username\n\ud800\n")


def test_a_file_over_100_mb_is_refused(pool: UserPool) -> None:
    job = pool.create_import_job("people", ROLE)
    with pytest.raises(InvalidParameterError, match="100 MB"):
        pool.upload_import_csv(job.id, b"x" * (100 * 1024 * 1024 + 1))


def test_upload_takes_only_text_or_bytes(pool: UserPool) -> None:
    job = pool.create_import_job("people", ROLE)
    with pytest.raises(InvalidParameterError) as info:
        pool.upload_import_csv(job.id, 12)  # type: ignore[arg-type]
    assert info.value.field == "data"


def test_a_job_not_started_within_a_day_expires(kit: Kit) -> None:
    job = kit.pool.create_import_job("people", ROLE)
    kit.pool.upload_import_csv(job.id, csv_text(kit.pool, person("ann")))
    kit.clock.advance(24 * 3600)
    expired = kit.pool.import_job(job.id)
    assert expired.status is ImportJobStatus.EXPIRED
    assert expired.completion_message
    with pytest.raises(PreconditionNotMetError):
        kit.pool.start_import_job(job.id)
    with pytest.raises(PreconditionNotMetError):
        kit.pool.upload_import_csv(job.id, csv_text(kit.pool, person("ann")))


# -- what rows become --------------------------------------------------------------------


def test_imported_users_are_reset_required_with_their_attributes(pool: UserPool) -> None:
    row = person(
        "ann",
        name=" Ann Example ",
        address="1 Main St, Springfield",
        birthdate="02/01/1985",
        updated_at="1471453471",
        email_verified="TRUE",
    )
    job = run(pool, csv_text(pool, row))
    assert job.status is ImportJobStatus.SUCCEEDED
    assert job.completion_message == "Import Job Completed Successfully."
    assert (job.imported_users, job.skipped_users, job.failed_users) == (1, 0, 0)
    assert job.started_at is not None and job.completed_at is not None
    user = pool.admin_get_user("ann")
    assert user.status is UserStatus.RESET_REQUIRED
    assert user.enabled
    assert user["name"] == "Ann Example"
    assert user["address"] == "1 Main St, Springfield"
    assert user["birthdate"] == "02/01/1985"
    assert user["email_verified"] == "true"
    assert user["updated_at"] == "1471453471"
    assert user.sub and user.get("sub") == user.sub


def test_header_columns_may_come_in_any_order(pool: UserPool) -> None:
    columns = list(reversed(pool.csv_header()))
    job = run(pool, csv_text(pool, person("ann"), columns=columns))
    assert job.imported_users == 1


def test_an_mfa_enabled_row_gets_sms_mfa(svc: Cognito) -> None:
    pool = svc.create_user_pool(
        "app", auto_verified_attributes=["email"], mfa_configuration="OPTIONAL"
    )
    mfa = {"cognito:mfa_enabled": "TRUE"}
    run(pool, csv_text(pool, person("ann", phone_number="+14325551212", **mfa)))
    user = pool.admin_get_user("ann")
    assert user.mfa_settings == ("SMS_MFA",)
    assert user.preferred_mfa == "SMS_MFA"


def test_an_mfa_enabled_row_needs_a_phone_number(svc: Cognito) -> None:
    pool = svc.create_user_pool(
        "app", auto_verified_attributes=["email"], mfa_configuration="OPTIONAL"
    )
    job = run(pool, csv_text(pool, person("ann", **{"cognito:mfa_enabled": "true"})))
    assert job.failed_users == 1
    [error] = pool.import_job_errors(job.id)
    assert error.message == "A user with MFA enabled needs a phone_number."


@pytest.mark.parametrize(("mfa", "row_value"), [("ON", "false"), ("OFF", "true"), ("OPTIONAL", "")])
def test_mfa_enabled_must_match_the_pools_mfa_setting(
    svc: Cognito, mfa: str, row_value: str
) -> None:
    # An MFA-required pool must offer a factor; imported MFA users get SMS MFA.
    factors = {"sms": True} if mfa == "ON" else None
    pool = svc.create_user_pool(
        "app", auto_verified_attributes=["email"], mfa_configuration=mfa, mfa_factors=factors
    )
    row = person("ann", phone_number="+14325551212", **{"cognito:mfa_enabled": row_value})
    job = run(pool, csv_text(pool, row))
    assert job.failed_users == 1
    assert "cognito:mfa_enabled" in pool.import_job_errors(job.id)[0].message


def test_users_in_an_mfa_required_pool_import_with_mfa_on(svc: Cognito) -> None:
    pool = svc.create_user_pool(
        "app", auto_verified_attributes=["email"], mfa_configuration="ON", mfa_factors={"sms": True}
    )
    row = person("ann", phone_number="+14325551212", **{"cognito:mfa_enabled": "true"})
    assert run(pool, csv_text(pool, row)).imported_users == 1


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ({"cognito:username": ""}, "cognito:username is required"),
        (person("has space"), "cognito:username must be"),
        (person("ann", email="not-an-email"), "Invalid email address format."),
        (person("ann", email_verified="false"), "email_verified must be true."),
        (person("ann", email="", email_verified="true"), "email_verified is true but email"),
        (person("ann", **{"cognito:mfa_enabled": "maybe"}), "cognito:mfa_enabled must be"),
        (person("ann", **{"cognito:mfa_enabled": "true"}), "must be false: MFA is off"),
        (person("ann", birthdate="1985-02-01"), "mm/dd/yyyy"),
        (person("ann", updated_at="yesterday"), "updated_at"),
        (person("ann", phone_number="555-1212"), "Invalid phone number format."),
    ],
)
def test_a_bad_row_fails_alone_and_is_reported(
    pool: UserPool, row: dict[str, str], reason: str
) -> None:
    job = run(pool, csv_text(pool, person("bob"), row, person("cid")))
    assert (job.imported_users, job.failed_users, job.skipped_users) == (2, 1, 0)
    [error] = pool.import_job_errors(job.id)
    assert error.line == 3
    assert not error.skipped
    assert reason in error.message
    assert {u.username for u in pool.list_users()} == {"bob", "cid"}


def test_required_attributes_must_be_given(svc: Cognito) -> None:
    pool = svc.create_user_pool(
        "app",
        auto_verified_attributes=["email"],
        schema=[{"name": "family_name", "required": True}],
    )
    job = run(pool, csv_text(pool, person("ann"), person("bob", family_name="Roe")))
    assert job.imported_users == 1
    assert "family_name" in pool.import_job_errors(job.id)[0].message


def test_with_one_auto_verified_attribute_that_one_must_be_verified(svc: Cognito) -> None:
    pool = svc.create_user_pool("app", auto_verified_attributes=["phone_number"])
    rows = [
        person("ann"),
        person("bob", phone_number="+14325551212", phone_number_verified="true"),
    ]
    job = run(pool, csv_text(pool, *rows))
    assert job.imported_users == 1
    assert pool.import_job_errors(job.id)[0].message == "phone_number_verified must be true."


def test_with_two_auto_verified_attributes_either_may_be_verified(svc: Cognito) -> None:
    pool = svc.create_user_pool("app", auto_verified_attributes=["email", "phone_number"])
    rows = [
        person("ann"),
        {
            "cognito:username": "bob",
            "phone_number": "+14325551212",
            "phone_number_verified": "true",
        },
        {"cognito:username": "cid", "email": "cid@example.com"},
    ]
    job = run(pool, csv_text(pool, *rows))
    assert job.imported_users == 2
    [error] = pool.import_job_errors(job.id)
    assert error.username == "cid"
    assert "email_verified or phone_number_verified must be true" in error.message


def test_a_row_longer_than_16000_characters_fails(pool: UserPool) -> None:
    job = run(pool, csv_text(pool, person("ann", address="x" * 16_000)))
    assert job.failed_users == 1
    assert "16000" in pool.import_job_errors(job.id)[0].message


def test_a_row_with_the_wrong_number_of_values_fails(pool: UserPool) -> None:
    text = csv_text(pool, person("ann")) + "bob,too,few\n"
    job = run(pool, text)
    assert (job.imported_users, job.failed_users) == (1, 1)
    assert pool.import_job_errors(job.id)[0].line == 3


def test_a_username_that_looks_like_an_email_fails_in_an_email_alias_pool(svc: Cognito) -> None:
    pool = svc.create_user_pool(
        "app", auto_verified_attributes=["email"], alias_attributes=["email"]
    )
    job = run(pool, csv_text(pool, person("ann@example.com")))
    assert job.failed_users == 1
    assert "email format" in pool.import_job_errors(job.id)[0].message


def test_existing_users_are_skipped_and_left_as_they_were(kit: Kit) -> None:
    kit.confirmed("ann")
    job = run(kit.pool, csv_text(kit.pool, person("ann", name="Imposter"), person("bob")))
    assert (job.imported_users, job.skipped_users, job.failed_users) == (1, 1, 0)
    [error] = kit.pool.import_job_errors(job.id)
    assert error == ImportRowError(2, "ann", True, "The user already exists.")
    ann = kit.pool.admin_get_user("ann")
    assert ann.status is UserStatus.CONFIRMED
    assert ann.get("name") is None


def test_a_username_twice_in_the_file_imports_the_first(pool: UserPool) -> None:
    job = run(pool, csv_text(pool, person("ann", name="First"), person("ann", name="Second")))
    assert (job.imported_users, job.skipped_users) == (1, 1)
    assert pool.admin_get_user("ann")["name"] == "First"


def test_usernames_clash_regardless_of_case_in_a_case_insensitive_pool(svc: Cognito) -> None:
    pool = svc.create_user_pool("app", auto_verified_attributes=["email"], case_sensitive=False)
    job = run(pool, csv_text(pool, person("Ann"), person("ann", email="other@example.com")))
    assert (job.imported_users, job.skipped_users) == (1, 1)


def test_a_verified_alias_held_by_another_user_fails_the_row_whole(svc: Cognito) -> None:
    pool = svc.create_user_pool(
        "app", auto_verified_attributes=["email"], alias_attributes=["email"]
    )
    pool.admin_create_user(
        "holder",
        attributes={"email": "ann@example.com", "email_verified": "true"},
        message_action="SUPPRESS",
    )
    job = run(pool, csv_text(pool, person("ann"), person("bob")))
    assert (job.imported_users, job.failed_users) == (1, 1)
    assert "already exists" in pool.import_job_errors(job.id)[0].message
    # Nothing of the failed row exists: no user, and the alias still signs in its holder.
    assert [u.username for u in pool.list_users(filter='username = "ann"')] == []
    assert pool.admin_get_user("ann@example.com").username == "holder"


def test_too_many_failed_rows_fail_the_job_but_keep_the_imported_users(pool: UserPool) -> None:
    rows = [person(f"user{i}") for i in range(8)] + [
        person(f"bad{i}", email_verified="false") for i in range(2)
    ]
    job = run(pool, csv_text(pool, *rows))
    assert job.status is ImportJobStatus.FAILED
    assert job.completion_message == (
        "Too many users have failed or been skipped during the import."
    )
    assert (job.imported_users, job.failed_users) == (8, 2)
    assert pool.describe().estimated_number_of_users == 8


def test_a_few_failed_rows_still_succeed(pool: UserPool) -> None:
    rows = [person(f"user{i}") for i in range(10)] + [person("bad", email_verified="false")]
    job = run(pool, csv_text(pool, *rows))
    assert job.status is ImportJobStatus.SUCCEEDED
    assert (job.imported_users, job.failed_users) == (10, 1)


def test_errors_are_reported_in_file_order(pool: UserPool) -> None:
    pool.admin_create_user("taken", message_action="SUPPRESS")
    rows = [person("taken"), person("bad", email_verified="false"), person("ok")]
    job = run(pool, csv_text(pool, *rows))
    assert [(e.line, e.skipped) for e in pool.import_job_errors(job.id)] == [
        (2, True),
        (3, False),
    ]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda cols: [*cols, "custom:unknown"], "lacks: custom:unknown"),
        (lambda cols: [c for c in cols if c != "email"], "lacks the columns email"),
        (lambda cols: [*cols, "email"], "repeats email"),
    ],
)
def test_a_header_unlike_the_pools_fails_the_job(pool: UserPool, change: Any, reason: str) -> None:
    columns = change(pool.csv_header())
    job = run(pool, csv_text(pool, person("ann"), columns=columns))
    assert job.status is ImportJobStatus.FAILED
    assert job.completion_message is not None and reason in job.completion_message
    assert len(job.completion_message) <= 128
    assert job.imported_users == 0
    assert list(pool.list_users()) == []


def test_an_empty_file_fails_the_job(pool: UserPool) -> None:
    job = run(pool, "\n")
    assert job.status is ImportJobStatus.FAILED


def test_more_than_500000_users_fail_the_job_before_any_import(pool: UserPool) -> None:
    header = ",".join(pool.csv_header())
    text = header + "\n" + "x\n" * 500_001
    job = run(pool, text)
    assert job.status is ImportJobStatus.FAILED
    assert job.completion_message == "The CSV file has more than 500000 users."
    assert job.failed_users == 0


def test_custom_attributes_import(svc: Cognito) -> None:
    pool = svc.create_user_pool(
        "app", auto_verified_attributes=["email"], schema=[{"name": "plan"}]
    )
    run(pool, csv_text(pool, person("ann", **{"custom:plan": "gold"})))
    assert pool.admin_get_user("ann")["custom:plan"] == "gold"


# -- imported users sign in after a reset ------------------------------------------------


def test_an_imported_user_must_reset_the_password_before_signing_in(kit: Kit) -> None:
    run(kit.pool, csv_text(kit.pool, person("ann")))
    with pytest.raises(PasswordResetRequiredError):
        kit.sign_in("ann", PASSWORD)
    delivery = kit.auth.forgot_password(kit.client.id, "ann")
    assert delivery.attribute_name == "email"
    kit.auth.confirm_forgot_password(kit.client.id, "ann", kit.code(), NEW_PASSWORD)
    assert kit.pool.admin_get_user("ann").status is UserStatus.CONFIRMED
    assert kit.sign_in("ann", NEW_PASSWORD).access_token


def test_an_imported_user_is_a_wrong_password_to_a_client_hiding_users(kit: Kit) -> None:
    hiding = kit.pool.create_client(
        "hiding", explicit_auth_flows=list(PASSWORD_FLOWS), prevent_user_existence_errors="ENABLED"
    )
    run(kit.pool, csv_text(kit.pool, person("ann")))
    with pytest.raises(NotAuthorizedError, match=r"^Incorrect username or password\.$"):
        kit.sign_in("ann", PASSWORD, client=hiding)


def _srp_start(kit: Kit, client: AppClient) -> Any:
    srp_client = SrpClient(kit.pool.id, "ann", PASSWORD, client_id=client.id)
    return kit.auth.initiate(client.id, "USER_SRP_AUTH", USERNAME="ann", SRP_A=srp_client.start())


def test_an_imported_user_cannot_start_srp_before_a_reset(kit: Kit) -> None:
    run(kit.pool, csv_text(kit.pool, person("ann")))
    with pytest.raises(PasswordResetRequiredError):
        _srp_start(kit, kit.client)


# -- progress, stopping, and the pool while a job runs -----------------------------------


def test_progress_is_reported_as_the_job_starts_after_each_batch_and_at_the_end(
    pool: UserPool,
) -> None:
    seen: list[tuple[ImportJobStatus, int]] = []
    rows = [person(f"user{i:04d}") for i in range(1200)]
    job = run(
        pool, csv_text(pool, *rows), progress=lambda j: seen.append((j.status, j.imported_users))
    )
    assert job.imported_users == 1200
    assert seen == [
        (ImportJobStatus.PENDING, 0),
        (ImportJobStatus.IN_PROGRESS, 0),
        (ImportJobStatus.IN_PROGRESS, 500),
        (ImportJobStatus.IN_PROGRESS, 1000),
        (ImportJobStatus.IN_PROGRESS, 1200),
        (ImportJobStatus.SUCCEEDED, 1200),
    ]


def test_a_stopped_job_ends_after_the_batch_at_hand(pool: UserPool) -> None:
    rows = [person(f"user{i:04d}") for i in range(1200)]

    def stop_after_first_batch(job: ImportJob) -> None:
        if job.imported_users == 500 and job.status is ImportJobStatus.IN_PROGRESS:
            stopping = pool.stop_import_job(job.id)
            assert stopping.status is ImportJobStatus.STOPPING

    job = run(pool, csv_text(pool, *rows), progress=stop_after_first_batch)
    assert job.status is ImportJobStatus.STOPPED
    assert job.imported_users == 500
    assert job.completion_message == "Import Job Stopped."
    assert pool.describe().estimated_number_of_users == 500


def test_only_a_running_job_can_be_stopped(pool: UserPool) -> None:
    created = pool.create_import_job("people", ROLE)
    with pytest.raises(PreconditionNotMetError):
        pool.stop_import_job(created.id)
    finished = run(pool, csv_text(pool, person("ann")))
    with pytest.raises(PreconditionNotMetError):
        pool.stop_import_job(finished.id)


def test_a_running_import_blocks_changes_to_the_pool(pool: UserPool) -> None:
    refused: list[str] = []

    def meddle(job: ImportJob) -> None:
        if job.status is not ImportJobStatus.IN_PROGRESS:
            return
        for name, change in (
            ("delete", pool.delete),
            ("update", lambda: pool.update(mfa_configuration="OFF")),
            ("custom", lambda: pool.add_custom_attributes([{"name": "plan"}])),
        ):
            try:
                change()
            except UserImportInProgressError:
                refused.append(name)

    run(pool, csv_text(pool, person("ann")), progress=meddle)
    assert set(refused) == {"delete", "update", "custom"}
    assert pool.config.attribute("custom:plan") is None
    pool.add_custom_attributes([{"name": "plan"}])
    pool.delete()


def test_a_progress_callback_that_raises_fails_the_job(pool: UserPool) -> None:
    class Abort(Exception):
        pass

    def abort(job: ImportJob) -> None:
        if job.status is ImportJobStatus.IN_PROGRESS:
            raise Abort

    job = pool.create_import_job("people", ROLE)
    pool.upload_import_csv(job.id, csv_text(pool, person("ann")))
    with pytest.raises(Abort):
        pool.start_import_job(job.id, progress=abort)
    assert pool.import_job(job.id).status is ImportJobStatus.FAILED
    pool.delete()


def test_a_stalled_import_stops_counting_as_running_after_an_hour(kit: Kit) -> None:
    pool = kit.pool
    job = pool.create_import_job("people", ROLE)
    pool.upload_import_csv(job.id, csv_text(pool, *(person(f"u{i:04d}") for i in range(600))))
    stalled, release = threading.Event(), threading.Event()

    def hang(current: ImportJob) -> None:
        if current.status is ImportJobStatus.IN_PROGRESS and current.imported_users == 500:
            stalled.set()
            release.wait(30)

    worker = threading.Thread(
        target=pool.start_import_job, args=(job.id,), kwargs={"progress": hang}
    )
    worker.start()
    try:
        assert stalled.wait(30)
        with pytest.raises(UserImportInProgressError):
            pool.update(mfa_configuration="OFF")
        kit.clock.advance(3600)
        abandoned = pool.import_job(job.id)
        assert abandoned.status is ImportJobStatus.FAILED
        pool.update(mfa_configuration="OFF")
    finally:
        release.set()
        worker.join(30)
    # The stalled run, once it goes on, leaves the job as it was declared.
    assert pool.import_job(job.id).status is ImportJobStatus.FAILED
    assert pool.import_job(job.id).imported_users == 500


def test_users_of_an_email_username_pool_reset_and_sign_in_by_email(svc: Cognito) -> None:
    pool = svc.create_user_pool(
        "app", username_attributes=["email"], auto_verified_attributes=["email"]
    )
    client = pool.create_client("web", explicit_auth_flows=list(PASSWORD_FLOWS))
    kit = Kit(svc, pool, client)
    run(pool, csv_text(pool, person("ann@example.com", email="ann@example.com")))
    assert pool.admin_get_user("ann@example.com").status is UserStatus.RESET_REQUIRED
    kit.auth.forgot_password(client.id, "ann@example.com")
    kit.auth.confirm_forgot_password(client.id, "ann@example.com", kit.code(), NEW_PASSWORD)
    assert kit.sign_in("ann@example.com", NEW_PASSWORD).access_token


def test_a_second_import_skips_the_users_of_the_first(pool: UserPool) -> None:
    run(pool, csv_text(pool, person("ann"), person("bob")))
    job = run(pool, csv_text(pool, person("ann"), person("cid")))
    assert (job.imported_users, job.skipped_users) == (1, 1)
    assert sorted(u.username for u in pool.list_users()) == ["ann", "bob", "cid"]
