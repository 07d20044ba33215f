"""User import jobs: Cognito's bulk import of users from a CSV file (spec §13).

A job is created (``Created``), handed its CSV file, then started: it becomes ``Pending``,
``InProgress`` while rows are imported, and ends ``Succeeded``, ``Failed`` or (after
``stop_import_job``) ``Stopping`` → ``Stopped``.  A job never started within a day is
``Expired``.  Every row is a whole user or nothing: users are created in batches with the
store's all-or-nothing ``create_users``, and a batch that clashes is retried row by row,
so one bad row never costs its neighbours.  Imported users have no password: they are
``RESET_REQUIRED`` and sign in after ``forgot_password``/``confirm_forgot_password``.

Cognito reads the file from a pre-signed S3 URL and logs failed rows to CloudWatch.
cogkit takes the file from ``UserPool.upload_import_csv`` (or a PUT to the job's
``pre_signed_url`` under ``cogkit.aws.mock_aws`` and ``cogkit serve``) and keeps failed
rows with the job (``UserPool.import_job_errors``).

Jobs live in the store's generic items (kind ``"import_job"``); the uploaded file and the
failed rows are items too (``"import_file"``, ``"import_log"``), so several processes
sharing a store see the same jobs and any of them may stop a job another one runs.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import hmac
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import attrs

from cogkit.domain import _accounts as accounts
from cogkit.domain import _paging
from cogkit.domain import _validate as v
from cogkit.domain._paging import Page
from cogkit.domain.attributes import VERIFIED_FLAGS
from cogkit.domain.config import UserPoolConfig
from cogkit.domain.enums import MfaConfiguration, UserStatus
from cogkit.domain.users import search_keys, utc
from cogkit.errors import (
    CognitoError,
    InvalidParameterError,
    LimitExceededError,
    PreconditionNotMetError,
    ResourceNotFoundError,
    StoreConflictError,
    UserImportInProgressError,
)
from cogkit.stores.records import ItemRecord, PoolRecord, UserEntry, UserRecord

if TYPE_CHECKING:
    from cogkit.domain._runtime import Runtime

__all__ = ["ImportJob", "ImportJobStatus", "ImportRowError"]

JOB = "import_job"
FILE = "import_file"
LOG = "import_log"

#: Import jobs a pool may hold (spec §12.1).
MAX_JOBS = 1000
#: Users one file may hold, not counting the header row.
MAX_USERS = 500_000
#: Characters one row may hold.
MAX_ROW_CHARS = 16_000
#: Bytes one file may hold ("100 MB").
MAX_FILE_BYTES = 100 * 1024 * 1024
#: Seconds a created job waits to be started before it expires.
# fidelity: Cognito expires a job not started "within 24-48 hours"; cogkit after 24 hours.
EXPIRY = 24 * 3600
#: Seconds without progress after which a running job counts as abandoned, so it no
#: longer blocks changes to the pool.
# fidelity: Cognito's jobs run on its servers and always end; a cogkit job runs in the
# process that started it, which may die mid-import, so a job with no progress for an
# hour ends Failed instead of blocking DeleteUserPool and UpdateUserPool for ever.
ABANDONED_AFTER = 3600
#: Rows created per store call.
BATCH = 500
# fidelity: Cognito fails a job when "too many users have failed or been skipped" without
# saying how many are too many; cogkit fails it when more than a tenth of its rows did.
MAX_FAILED_SHARE = 0.1

_JOB_ID = re.compile(r"import-[0-9a-zA-Z-]+")
_JOB_NAME = re.compile(r"[\w\s+=,.@-]+")
#: ``ArnType`` of the service model.
_ARN = re.compile(
    r"arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+"
    r"(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?"
)
_BIRTHDATE = re.compile(r"\d{2}/\d{2}/\d{4}")
_UNESCAPED_COMMA = re.compile(r"(?<!\\),")
_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

SUCCEEDED_MESSAGE = "Import Job Completed Successfully."
FAILED_MESSAGE = "Too many users have failed or been skipped during the import."
STOPPED_MESSAGE = "Import Job Stopped."
ABANDONED_MESSAGE = "The import job stopped without finishing."
EXPIRED_MESSAGE = "The import job was not started in time and expired."


class ImportJobStatus(StrEnum):
    """``UserImportJobStatusType``."""

    CREATED = "Created"
    PENDING = "Pending"
    IN_PROGRESS = "InProgress"
    STOPPING = "Stopping"
    EXPIRED = "Expired"
    STOPPED = "Stopped"
    FAILED = "Failed"
    SUCCEEDED = "Succeeded"

    @property
    def running(self) -> bool:
        return self in _RUNNING


_RUNNING = frozenset(
    {ImportJobStatus.PENDING, ImportJobStatus.IN_PROGRESS, ImportJobStatus.STOPPING}
)


@attrs.frozen
class ImportJob:
    """A user import job (Cognito's ``UserImportJobType``).

    .. versionadded:: 0.1
    """

    id: str
    name: str
    pool_id: str
    status: ImportJobStatus
    created_at: _dt.datetime
    cloudwatch_logs_role_arn: str
    #: Where the CSV file may be PUT (answered under ``mock_aws`` and by ``cogkit serve``).
    pre_signed_url: str = attrs.field(repr=False)
    started_at: _dt.datetime | None = None
    completed_at: _dt.datetime | None = None
    imported_users: int = 0
    skipped_users: int = 0
    failed_users: int = 0
    completion_message: str | None = None


@attrs.frozen
class ImportRowError:
    """A row that did not become a user: what Cognito would log to CloudWatch.

    ``line`` counts from 1 for the header row; ``skipped`` rows name a user that already
    exists, the others failed a check (the message says which).

    .. versionadded:: 0.1
    """

    line: int
    username: str | None
    skipped: bool
    message: str


#: Called with the job as it starts, after each batch of rows and when it ends.
ProgressCallback = Callable[[ImportJob], None]


class ImportJobs:
    """Mixin of ``UserPool``: user import jobs."""

    id: str
    _rt: Runtime

    if TYPE_CHECKING:  # provided by UserPool

        def _state(self) -> tuple[PoolRecord, UserPoolConfig]: ...

    # -- jobs --------------------------------------------------------------------------

    def create_import_job(self, name: str, cloudwatch_logs_role_arn: str) -> ImportJob:
        """A new job (``CreateUserImportJob``), waiting for its CSV file.

        ``cloudwatch_logs_role_arn`` is kept and reported; cogkit logs nothing to
        CloudWatch (``import_job_errors`` gives the failed rows).
        """
        # fidelity: Cognito writes each failed row to CloudWatch Logs under this role;
        # cogkit keeps them with the job instead (``import_job_errors``).
        v.string("job_name", name, min_len=1, max_len=128, pattern=_JOB_NAME)
        v.string(
            "cloud_watch_logs_role_arn",
            cloudwatch_logs_role_arn,
            min_len=20,
            max_len=2048,
            pattern=_ARN,
        )
        self._state()
        existing = self._rt.store.list_items(self.id, JOB, after=None, limit=MAX_JOBS)
        if len(existing) >= MAX_JOBS:
            raise LimitExceededError(f"A user pool can have at most {MAX_JOBS} user import jobs.")
        now = self._rt.now()
        for _attempt in range(10):
            job_id = "import-" + self._rt.ids.choice_string(_ID_ALPHABET, 10)
            record = ItemRecord(
                pool_id=self.id,
                kind=JOB,
                key=job_id,
                created_at=now,
                modified_at=now,
                data={
                    "name": name,
                    "role_arn": cloudwatch_logs_role_arn,
                    "status": ImportJobStatus.CREATED.value,
                },
            )
            try:
                self._rt.store.create_item(record)
            except StoreConflictError:
                continue
            return self._job(record)
        raise StoreConflictError("could not find a free import job id")

    def import_job(self, job_id: str) -> ImportJob:
        """The job ``job_id`` (``DescribeUserImportJob``)."""
        return self._job(self._job_record(job_id))

    def list_import_jobs(
        self, *, max_results: int, pagination_token: str | None = None
    ) -> Page[ImportJob]:
        """The pool's jobs in order of id, ``max_results`` (1 to 60) a page
        (``ListUserImportJobs``)."""
        v.integer("max_results", max_results, minimum=1, maximum=60)
        after = _paging.decode_after(pagination_token, "pagination_token", "import_jobs")
        self._state()
        records = self._rt.store.list_items(self.id, JOB, after=after, limit=max_results + 1)
        jobs = tuple(self._job(self._settled(r)) for r in records[:max_results])
        token = (
            _paging.encode({"k": "import_jobs", "after": jobs[-1].id})
            if len(records) > max_results
            else None
        )
        return Page(jobs, token)

    def upload_import_csv(self, job_id: str, data: str | bytes) -> None:
        """Hands a created job its CSV file (what the PUT to ``pre_signed_url`` does);
        a second upload replaces the first.  UTF-8 text of at most 100 MB."""
        # fidelity: Cognito reads the file from S3 when the job starts; cogkit, which has
        # no S3, takes it here (or at the pre-signed URL under mock_aws / cogkit serve).
        record = self._job_record(job_id)
        self._upload(record, data)

    def start_import_job(
        self, job_id: str, *, progress: ProgressCallback | None = None
    ) -> ImportJob:
        """Runs the job (``StartUserImportJob``) and returns it as it ended.

        ``progress`` is called with the job as it starts (``Pending``), after each batch of
        rows (``InProgress``, with the counts so far) and at the end.  Another thread or
        process may ``stop_import_job`` meanwhile (so may ``progress`` itself): the job
        then ends ``Stopped`` after the batch at hand.
        """
        record = self._job_record(job_id)
        status = ImportJobStatus(record.data["status"])
        if status is not ImportJobStatus.CREATED:
            raise PreconditionNotMetError(
                f"Import job {job_id} cannot be started: its status is {status.value}."
            )
        upload = self._rt.store.get_item(self.id, FILE, job_id)
        if upload is None:
            raise PreconditionNotMetError(f"No csv file was uploaded for {job_id}")
        _pool, config = self._state()
        if not config.auto_verified_attributes:
            raise PreconditionNotMetError(
                "The user pool has no auto-verified attributes (email or phone_number), so "
                "imported users could not reset their passwords."
            )
        started = self._write(
            record,
            status=ImportJobStatus.PENDING,
            changes={"started_at": self._rt.now()},
            conflict=PreconditionNotMetError(f"Import job {job_id} has already been started."),
        )
        return _Run(self, config, started, str(upload.data.get("csv", "")), progress).go()

    def stop_import_job(self, job_id: str) -> ImportJob:
        """Asks a running job to stop (``StopUserImportJob``): it becomes ``Stopping``
        and ends ``Stopped`` once the batch at hand is done."""
        for _attempt in range(accounts.RETRIES):
            record = self._job_record(job_id)
            status = ImportJobStatus(record.data["status"])
            if status not in (ImportJobStatus.PENDING, ImportJobStatus.IN_PROGRESS):
                raise PreconditionNotMetError(
                    f"Import job {job_id} cannot be stopped: its status is {status.value}."
                )
            try:
                return self._job(self._write(record, status=ImportJobStatus.STOPPING))
            except StoreConflictError:
                continue
        raise StoreConflictError(f"import job {job_id} is being changed concurrently")

    def import_job_errors(self, job_id: str) -> list[ImportRowError]:
        """The rows of the job that did not become users, in file order: the failure
        details Cognito writes to CloudWatch."""
        self._job_record(job_id)
        found: list[ImportRowError] = []
        after = f"{job_id}:"
        while True:
            chunk = self._rt.store.list_items(self.id, LOG, after=after, limit=100)
            for item in chunk:
                if not item.key.startswith(f"{job_id}:"):
                    return found
                found.extend(
                    ImportRowError(int(line), username, bool(skipped), str(message))
                    for line, username, skipped, message in item.data.get("rows", ())
                )
            if len(chunk) < 100:
                return found
            after = chunk[-1].key

    # -- shared with the wire layer ----------------------------------------------------

    def _receive_upload(self, job_id: str, signature: str, data: bytes) -> None:
        """A PUT to the job's pre-signed URL: checked against the URL's signature."""
        record = self._job_record(job_id)
        expected = _signature(self._rt, self.id, job_id)
        if not hmac.compare_digest(signature.encode(), expected.encode()):
            raise UploadRefusedError(
                "The request signature does not match.", status=403, code="SignatureDoesNotMatch"
            )
        self._upload(record, data)

    def _refuse_while_importing(self) -> None:
        """UserImportInProgress while a job of the pool runs (Cognito blocks deleting and
        updating the pool and adding custom attributes then)."""
        after: str | None = None
        while True:
            records = self._rt.store.list_items(self.id, JOB, after=after, limit=100)
            for record in records:
                if _effective(record, self._rt.now())[0].running:
                    raise UserImportInProgressError(
                        f"The user pool cannot be changed while import job {record.key} runs."
                    )
            if len(records) < 100:
                return
            after = records[-1].key

    # -- internals ---------------------------------------------------------------------

    def _job_record(self, job_id: str) -> ItemRecord:
        v.string("job_id", job_id, min_len=1, max_len=55, pattern=_JOB_ID)
        self._state()
        record = self._rt.store.get_item(self.id, JOB, job_id)
        if record is None:
            raise ResourceNotFoundError(f"Import job {job_id} does not exist.")
        return self._settled(record)

    def _settled(self, record: ItemRecord) -> ItemRecord:
        """The record, with an expiry or abandonment that is due written down (an expired
        job's file is deleted, as Cognito deletes its data)."""
        status, message = _effective(record, self._rt.now())
        if status.value == record.data["status"]:
            return record
        try:
            settled = self._write(
                record, status=status, changes={"completed_at": self._rt.now(), "message": message}
            )
        except StoreConflictError:
            fresh = self._rt.store.get_item(self.id, JOB, record.key)
            return record if fresh is None else fresh
        self._rt.store.delete_item(self.id, FILE, record.key)
        return settled

    def _write(
        self,
        record: ItemRecord,
        *,
        status: ImportJobStatus | None = None,
        conflict: CognitoError | None = None,
        changes: Mapping[str, Any] | None = None,
    ) -> ItemRecord:
        data = dict(record.data)
        if status is not None:
            data["status"] = status.value
        data.update(changes or {})
        new = attrs.evolve(record, data=data, modified_at=self._rt.now())
        try:
            return self._rt.store.update_item(new, expected_version=record.version)
        except StoreConflictError:
            if conflict is not None:
                raise conflict from None
            raise

    def _upload(self, record: ItemRecord, data: str | bytes) -> None:
        if not isinstance(data, str | bytes | bytearray):
            raise InvalidParameterError(
                f"The CSV file must be str or bytes, not {type(data).__name__}", field="data"
            )
        try:
            raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
            size = len(raw)
            text = data if isinstance(data, str) else raw.decode("utf-8")
        except UnicodeError:
            raise UploadRefusedError("The CSV file must be UTF-8 text.") from None
        if size > MAX_FILE_BYTES:
            # fidelity: S3 takes any size and Cognito fails the job when it runs; cogkit
            # refuses a file over 100 MB when it is handed over, rather than keep it.
            raise UploadRefusedError(
                "The CSV file is larger than 100 MB.", status=400, code="EntityTooLarge"
            )
        status = ImportJobStatus(record.data["status"])
        if status is not ImportJobStatus.CREATED:
            raise PreconditionNotMetError(
                f"Import job {record.key} has status {status.value}: its file can only be "
                "uploaded before it starts."
            )
        now = self._rt.now()
        stored = self._rt.store.get_item(self.id, FILE, record.key)
        if stored is None:
            try:
                self._rt.store.create_item(
                    ItemRecord(
                        pool_id=self.id,
                        kind=FILE,
                        key=record.key,
                        created_at=now,
                        modified_at=now,
                        data={"csv": text},
                    )
                )
                return
            except StoreConflictError:
                stored = self._rt.store.get_item(self.id, FILE, record.key)
                if stored is None:
                    raise
        self._rt.store.update_item(
            attrs.evolve(stored, data={"csv": text}, modified_at=now),
            expected_version=stored.version,
        )

    def _job(self, record: ItemRecord) -> ImportJob:
        data = record.data
        started = data.get("started_at")
        completed = data.get("completed_at")
        return ImportJob(
            id=record.key,
            name=str(data["name"]),
            pool_id=self.id,
            status=ImportJobStatus(data["status"]),
            created_at=utc(record.created_at),
            cloudwatch_logs_role_arn=str(data["role_arn"]),
            pre_signed_url=pre_signed_url(self._rt, self.id, record.key),
            started_at=None if started is None else utc(float(started)),
            completed_at=None if completed is None else utc(float(completed)),
            imported_users=int(data.get("imported", 0)),
            skipped_users=int(data.get("skipped", 0)),
            failed_users=int(data.get("failed", 0)),
            completion_message=data.get("message"),
        )


class UploadRefusedError(InvalidParameterError):
    """A CSV file a job cannot take; ``http_status`` and ``s3_code`` are what the S3-style
    answer to a PUT at the pre-signed URL carries."""

    def __init__(self, message: str, *, status: int = 400, code: str = "InvalidRequest") -> None:
        super().__init__(message, field="data")
        self.http_status = status
        self.s3_code = code


def _effective(record: ItemRecord, now: float) -> tuple[ImportJobStatus, str | None]:
    """The status a job has now: a created job left too long has expired, and a running
    one without progress for an hour was abandoned by its process."""
    status = ImportJobStatus(record.data["status"])
    if status is ImportJobStatus.CREATED and now - record.created_at >= EXPIRY:
        return ImportJobStatus.EXPIRED, EXPIRED_MESSAGE
    if status.running and now - record.modified_at >= ABANDONED_AFTER:
        return ImportJobStatus.FAILED, ABANDONED_MESSAGE
    return status, record.data.get("message")


def _upload_key(rt: Runtime, pool_id: str) -> bytes:
    # Derived from the pool's SRP block key (itself derived from the pool's first signing
    # key), so every process sharing the store signs and checks the same URLs and no
    # secret is stored with the job.
    return hmac.new(rt.srp(pool_id).key, b"cogkit user import upload", hashlib.sha256).digest()


def _signature(rt: Runtime, pool_id: str, job_id: str) -> str:
    return hmac.new(_upload_key(rt, pool_id), f"{pool_id}/{job_id}".encode(), "sha256").hexdigest()


def pre_signed_url(rt: Runtime, pool_id: str, job_id: str) -> str:
    """The URL a job's CSV file is PUT to, shaped like the pre-signed S3 URL Cognito gives.

    Nothing listens there: ``cogkit.aws.mock_aws`` answers PUTs to it in-process, and
    ``cogkit serve`` hands out its own address instead.
    """
    region = rt.region
    return (
        f"https://cognito-idp-user-import-{region}.s3.{region}.amazonaws.com/{pool_id}/{job_id}"
        f"?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature={_signature(rt, pool_id, job_id)}"
    )


#: The pre-signed URLs ``pre_signed_url`` makes: region, pool id, job id, query.
UPLOAD_URL = re.compile(
    r"^https://cognito-idp-user-import-([a-z0-9-]+)\.s3\.[a-z0-9-]+\.amazonaws\.com"
    r"/([\w-]+_[0-9A-Za-z]+)/(import-[0-9A-Za-z-]+)\?(.*)$"
)


# -- running a job -----------------------------------------------------------------------


class _Run:
    """One run of a job: parse the file, create users batch by batch, keep the counts."""

    def __init__(
        self,
        pool: ImportJobs,
        config: UserPoolConfig,
        record: ItemRecord,
        text: str,
        progress: ProgressCallback | None,
    ) -> None:
        self.pool = pool
        self.rt = pool._rt
        self.config = config
        self.record = record
        self.text = text
        self.progress = progress
        self.imported = self.skipped = self.failed = 0
        self.batches = 0

    def go(self) -> ImportJob:
        finished = False
        try:
            self._notify()
            self._run()
            finished = True
        except _Abandoned:
            # Declared abandoned while this run stalled (see ``ABANDONED_AFTER``): the
            # job's end is already written, and this run must not overwrite it.
            finished = True
        finally:
            if not finished:
                # Whatever broke the run (a failing store, a progress callback that
                # raised), the job must not stay "running" and block the pool.
                self._end(ImportJobStatus.FAILED, ABANDONED_MESSAGE, quiet=True)
            self.rt.store.delete_item(self.pool.id, FILE, self.record.key)
        return self.pool._job(self.record)

    def _run(self) -> None:
        lines = list(_lines(self.text))
        if not lines:
            self._end(ImportJobStatus.FAILED, "The CSV file has no header row.")
            return
        _header_line, header_text = lines[0]
        columns = [name.strip() for name in _fields(header_text)]
        problem = _header_problem(columns, csv_header(self.config))
        if problem is not None:
            self._end(ImportJobStatus.FAILED, problem)
            return
        rows = lines[1:]
        if len(rows) > MAX_USERS:
            self._end(ImportJobStatus.FAILED, f"The CSV file has more than {MAX_USERS} users.")
            return
        self._save(ImportJobStatus.IN_PROGRESS)
        for start in range(0, len(rows), BATCH):
            if self._stop_requested():
                self._end(ImportJobStatus.STOPPED, STOPPED_MESSAGE)
                return
            self._batch(columns, rows[start : start + BATCH])
            self._save(None)
        total = self.imported + self.skipped + self.failed
        if total and (self.skipped + self.failed) > total * MAX_FAILED_SHARE:
            self._end(ImportJobStatus.FAILED, FAILED_MESSAGE)
        else:
            self._end(ImportJobStatus.SUCCEEDED, SUCCEEDED_MESSAGE)

    # -- rows --------------------------------------------------------------------------

    def _batch(self, columns: list[str], rows: Sequence[tuple[int, str]]) -> None:
        errors: list[ImportRowError] = []
        entries: list[tuple[int, UserEntry]] = []
        for line, text in rows:
            try:
                entries.append((line, self._entry(columns, text)))
            except _RowError as exc:
                errors.append(ImportRowError(line, exc.username, False, exc.message))
        try:
            self.rt.store.create_users([entry for _line, entry in entries])
            self.imported += len(entries)
        except StoreConflictError:
            # Someone in the batch clashes (with a stored user or another row): create
            # them one by one, each whole or not at all.
            for line, entry in entries:
                outcome = self._create_one(line, entry)
                if outcome is None:
                    self.imported += 1
                else:
                    errors.append(outcome)
        for error in errors:
            if error.skipped:
                self.skipped += 1
            else:
                self.failed += 1
        if errors:
            self._log(sorted(errors, key=lambda e: e.line))

    def _create_one(self, line: int, entry: UserEntry) -> ImportRowError | None:
        user = entry.user
        try:
            self.rt.store.create_user(user, claims=entry.claims, search=entry.search)
        except StoreConflictError as exc:
            kind = (exc.key or "username:").split(":", 1)[0]
            if kind in ("username", "sub"):
                return ImportRowError(line, user.username, True, "The user already exists.")
            error = accounts.conflict_error(self.config, exc.key)
            return ImportRowError(line, user.username, False, error.message)
        return None

    def _entry(self, columns: list[str], text: str) -> UserEntry:
        if len(text) > MAX_ROW_CHARS:
            raise _RowError(None, f"The row is longer than {MAX_ROW_CHARS} characters.")
        values = [value.strip() for value in _fields(text)]
        if len(values) != len(columns):
            raise _RowError(
                None, f"The row has {len(values)} values for the {len(columns)} columns."
            )
        row = dict(zip(columns, values, strict=True))
        username = row.pop("cognito:username")
        if not username:
            raise _RowError(None, "cognito:username is required.")
        try:
            v.username(username, "cognito:username")
        except InvalidParameterError:
            raise _RowError(
                None, "cognito:username must be 1 to 128 characters without spaces or tabs."
            ) from None
        mfa = row.pop("cognito:mfa_enabled").lower()
        config = self.config
        if mfa not in ("true", "false"):
            raise _RowError(username, "cognito:mfa_enabled must be true or false.")
        if config.mfa_configuration is MfaConfiguration.ON and mfa != "true":
            raise _RowError(username, "cognito:mfa_enabled must be true: MFA is required.")
        if config.mfa_configuration is MfaConfiguration.OFF and mfa != "false":
            raise _RowError(username, "cognito:mfa_enabled must be false: MFA is off.")
        birthdate = row.get("birthdate")
        # Cognito's import files give birthdates as mm/dd/yyyy; the value is kept as given.
        if birthdate and not _BIRTHDATE.fullmatch(birthdate):
            raise _RowError(username, "birthdate must be in the format mm/dd/yyyy.")
        given = {name: value for name, value in row.items() if value}
        try:
            accounts.check_alias_username(config, username)
            attributes = accounts.check_attributes(config, given, client=None, creating=True)
            accounts.check_required(config, attributes)
        except CognitoError as exc:
            raise _RowError(username, exc.message) from None
        self._check_verified(username, attributes)
        if mfa == "true" and not attributes.get("phone_number"):
            raise _RowError(username, "A user with MFA enabled needs a phone_number.")
        now = self.rt.now()
        record = UserRecord(
            pool_id=self.pool.id,
            username=username,
            sub=self.rt.ids.uuid4(),
            status=UserStatus.RESET_REQUIRED.value,
            enabled=True,
            created_at=now,
            modified_at=now,
            attributes=attributes,
            extra={"mfa": {"enabled": ["SMS_MFA"], "preferred": "SMS_MFA"}}
            if mfa == "true"
            else {},
        )
        return UserEntry(
            user=record,
            claims=accounts.unique_keys(config, record),
            search=search_keys(record),
        )

    def _check_verified(self, username: str, attributes: Mapping[str, str]) -> None:
        """Cognito's verification rules for imported users, so that each can receive a
        reset code: a verified email or phone must be given; one of the pool's
        auto-verified attributes must be verified (the one, when the pool has one)."""
        for name, flag in VERIFIED_FLAGS.items():
            if attributes.get(flag) == "true" and not attributes.get(name):
                raise _RowError(username, f"{flag} is true but {name} is missing.")
        auto = [a.value for a in self.config.auto_verified_attributes]
        verified = [name for name in auto if attributes.get(VERIFIED_FLAGS[name]) == "true"]
        if not verified:
            wanted = " or ".join(VERIFIED_FLAGS[name] for name in auto)
            raise _RowError(username, f"{wanted} must be true.")
        if len(auto) == 1 and auto[0] not in verified:
            raise _RowError(username, f"{VERIFIED_FLAGS[auto[0]]} must be true.")

    # -- the job record ----------------------------------------------------------------

    def _log(self, errors: list[ImportRowError]) -> None:
        self.batches += 1
        now = self.rt.now()
        self.rt.store.create_item(
            ItemRecord(
                pool_id=self.pool.id,
                kind=LOG,
                key=f"{self.record.key}:{self.batches:06d}",
                created_at=now,
                modified_at=now,
                data={"rows": [[e.line, e.username, e.skipped, e.message] for e in errors]},
            )
        )

    def _refresh(self) -> None:
        """Reads the job again; ``_Abandoned`` when it is no longer running."""
        fresh = self.rt.store.get_item(self.pool.id, JOB, self.record.key)
        if fresh is None or not ImportJobStatus(fresh.data["status"]).running:
            raise _Abandoned
        self.record = fresh

    def _stop_requested(self) -> bool:
        self._refresh()
        return bool(self.record.data["status"] == ImportJobStatus.STOPPING.value)

    def _save(self, status: ImportJobStatus | None, *, notify: bool = True, **changes: Any) -> None:
        """Writes the counts (and ``status``); a stop asked for meanwhile is kept."""
        counts = {"imported": self.imported, "skipped": self.skipped, "failed": self.failed}
        for _attempt in range(accounts.RETRIES):
            current = self.record.data["status"]
            wanted = status
            if wanted is ImportJobStatus.IN_PROGRESS and current == ImportJobStatus.STOPPING.value:
                wanted = None
            try:
                self.record = self.pool._write(
                    self.record, status=wanted, changes={**counts, **changes}
                )
                break
            except StoreConflictError:
                self._refresh()
        else:
            raise StoreConflictError(f"import job {self.record.key} is changed concurrently")
        if notify:
            self._notify()

    def _end(self, status: ImportJobStatus, message: str, *, quiet: bool = False) -> None:
        if not quiet:
            self._save(status, completed_at=self.rt.now(), message=message)
            return
        # Ending a run that broke: record the end without calling back, and let the
        # original error, not a second one, reach the caller.
        with contextlib.suppress(Exception):
            self._save(status, notify=False, completed_at=self.rt.now(), message=message)

    def _notify(self) -> None:
        if self.progress is not None:
            self.progress(self.pool._job(self.record))


class _Abandoned(Exception):
    """The job stopped counting as running while this run was between two writes."""


class _RowError(Exception):
    def __init__(self, username: str | None, message: str) -> None:
        super().__init__(message)
        self.username = username
        self.message = message


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """Non-empty lines with their numbers (from 1), ``\\n`` or ``\\r\\n`` ended."""
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if line.strip():
            yield number, line


def _fields(line: str) -> list[str]:
    """The comma-separated values of a line; Cognito's files escape a comma inside a
    value with a backslash (``Main St\\, 1``) and use no quotes."""
    if "\\," not in line:
        return line.split(",")
    return [part.replace("\\,", ",") for part in _UNESCAPED_COMMA.split(line)]


def _header_problem(columns: list[str], expected: list[str]) -> str | None:
    """Why a header row is not the pool's (any order, every column exactly once)."""
    duplicated = sorted({c for c in columns if columns.count(c) > 1})
    if duplicated:
        return _short(f"The CSV header repeats {', '.join(duplicated)}.")
    unknown = [c for c in columns if c not in expected]
    if unknown:
        return _short(f"The CSV header has columns the user pool lacks: {', '.join(unknown)}")
    missing = [c for c in expected if c not in columns]
    if missing:
        return _short(f"The CSV header lacks the columns {', '.join(missing)}")
    return None


def _short(message: str) -> str:
    # CompletionMessage holds at most 128 characters.
    return message if len(message) <= 128 else message[:125] + "..."


def csv_header(config: UserPoolConfig) -> list[str]:
    """The columns of a user import file: every schema attribute but ``sub`` and
    ``identities``, then ``cognito:mfa_enabled`` and ``cognito:username``."""
    names = [a.name for a in config.schema if a.name not in ("sub", "identities")]
    return [*names, "cognito:mfa_enabled", "cognito:username"]
