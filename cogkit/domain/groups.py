"""Groups of a user pool: create, read, update, delete and list them, and their members.

``UserPool`` inherits ``PoolGroups``.  A user's groups reach its tokens through
``cogkit.domain.tokens.user_groups`` at every issue, so a membership change shows in the
next sign-in or refresh (spec §13).
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from cogkit.domain import _paging
from cogkit.domain import _validate as v
from cogkit.domain._paging import Page
from cogkit.domain.config import UserPoolConfig
from cogkit.domain.tokens import group_rank, rank
from cogkit.domain.users import User, utc
from cogkit.errors import (
    GroupExistsError,
    InvalidParameterError,
    LimitExceededError,
    ResourceNotFoundError,
    StoreConflictError,
)
from cogkit.stores.records import GroupRecord, PoolRecord, UserRecord

if TYPE_CHECKING:
    from cogkit.domain._runtime import Runtime

__all__ = ["Group", "PoolGroups"]

#: The service is written in Java: a precedence must fit its ``int``.
PRECEDENCE_MAX = 2**31 - 1


@attrs.frozen
class Group:
    """A group of a user pool (Cognito's ``GroupType``)."""

    name: str
    pool_id: str
    created_at: _dt.datetime
    modified_at: _dt.datetime
    description: str | None = None
    role_arn: str | None = None
    precedence: int | None = None

    @classmethod
    def from_record(cls, record: GroupRecord) -> Group:
        return cls(
            name=record.name,
            pool_id=record.pool_id,
            created_at=utc(record.created_at),
            modified_at=utc(record.modified_at),
            description=record.description,
            role_arn=record.role_arn,
            precedence=record.precedence,
        )


def group_name(value: object, field: str = "group_name") -> str:
    return v.string(field, value, min_len=1, max_len=128, printable_only=True)


def _description(value: object) -> str:
    return v.string("description", value, max_len=2048)


def _role_arn(value: object) -> str:
    return v.string("role_arn", value, min_len=20, max_len=2048, pattern=v.ARN)


def _precedence(value: object) -> int:
    return v.integer("precedence", value, minimum=0, maximum=PRECEDENCE_MAX)


def _limit(value: object) -> int:
    return v.integer("limit", value, minimum=0, maximum=PoolGroups.GROUP_LIST_MAX)


class PoolGroups:
    """Mixin of ``UserPool``: its groups (``CreateGroup`` ... ``ListUsersInGroup``)."""

    #: Cognito's quotas: groups in a pool, and groups one user belongs to.
    MAX_GROUPS: ClassVar[int] = 10_000
    MAX_GROUPS_PER_USER: ClassVar[int] = 100
    #: The largest page of ``list_groups``, ``list_users_in_group`` and
    #: ``admin_list_groups_for_user`` (their ``Limit``).
    GROUP_LIST_MAX: ClassVar[int] = 60

    id: str
    _rt: Runtime

    if TYPE_CHECKING:  # provided by UserPool

        def _state(self) -> tuple[PoolRecord, UserPoolConfig]: ...
        def _user(self, username: str) -> tuple[UserPoolConfig, UserRecord]: ...

    def _group_record(self, name: str) -> GroupRecord:
        record = self._rt.store.get_group(self.id, name)
        if record is None:
            raise ResourceNotFoundError("Group not found.")
        return record

    # -- the groups --------------------------------------------------------------------

    def create_group(
        self,
        name: str,
        *,
        description: str | None = None,
        role_arn: str | None = None,
        precedence: int | None = None,
    ) -> Group:
        """A new group (``CreateGroup``).  ``precedence``: lower wins when a user's groups
        name different roles; ``role_arn`` gives members ``cognito:roles`` claims."""
        group_name(name)
        if description is not None:
            _description(description)
        if role_arn is not None:
            _role_arn(role_arn)
        if precedence is not None:
            _precedence(precedence)
        self._state()
        if self._rt.store.count_groups(self.id) >= self.MAX_GROUPS:
            raise LimitExceededError(f"A user pool can have at most {self.MAX_GROUPS} groups.")
        now = self._rt.now()
        record = GroupRecord(
            pool_id=self.id,
            name=name,
            created_at=now,
            modified_at=now,
            description=description,
            role_arn=role_arn,
            precedence=precedence,
        )
        try:
            self._rt.store.create_group(record)
        except StoreConflictError as exc:
            if exc.key is None:
                # The pool vanished meanwhile: say so as any call on a missing pool does.
                self._state()
                raise
            raise GroupExistsError("A group with the name already exists.") from None
        return Group.from_record(record)

    def group(self, name: str) -> Group:
        """The group ``name`` (``GetGroup``); ResourceNotFound when there is none."""
        group_name(name)
        self._state()
        return Group.from_record(self._group_record(name))

    def update_group(
        self,
        name: str,
        *,
        description: str | None = None,
        role_arn: str | None = None,
        precedence: int | None = None,
    ) -> Group:
        """Changes what is given of a group (``UpdateGroup``); the rest stays."""
        group_name(name)
        changes: dict[str, Any] = {}
        if description is not None:
            changes["description"] = _description(description)
        if role_arn is not None:
            changes["role_arn"] = _role_arn(role_arn)
        if precedence is not None:
            changes["precedence"] = _precedence(precedence)
        self._state()
        for _attempt in range(10):
            current = self._group_record(name)
            new = attrs.evolve(current, modified_at=self._rt.now(), **changes)
            try:
                stored = self._rt.store.update_group(new, expected_version=current.version)
            except StoreConflictError:
                continue
            return Group.from_record(stored)
        raise StoreConflictError(f"group {name!r} is being changed concurrently")

    def delete_group(self, name: str) -> None:
        """Deletes a group and its memberships (``DeleteGroup``); the users stay."""
        group_name(name)
        self._state()
        if not self._rt.store.delete_group(self.id, name):
            raise ResourceNotFoundError("Group not found.")

    def list_groups(
        self, *, limit: int = GROUP_LIST_MAX, next_token: str | None = None
    ) -> Page[Group]:
        """The pool's groups by name, ``limit`` (≤ 60) a page (``ListGroups``)."""
        _limit(limit)
        after = _paging.decode_after(next_token, "next_token", "groups")
        self._state()
        if limit == 0:
            return Page((), None)
        records = self._rt.store.list_groups(self.id, after=after, limit=limit + 1)
        items = tuple(Group.from_record(r) for r in records[:limit])
        token = (
            _paging.encode({"k": "groups", "after": items[-1].name})
            if len(records) > limit
            else None
        )
        return Page(items, token)

    # -- members -----------------------------------------------------------------------

    def admin_add_user_to_group(self, username: str, group: str) -> None:
        """Adds a user to a group (``AdminAddUserToGroup``); adding a member again does
        nothing.  Its tokens carry the group from its next sign-in or refresh."""
        group_name(group, "group_name")
        _config, record = self._user(username)
        self._group_record(group)
        store = self._rt.store
        current = store.groups_of(self.id, record.username)
        if group in current:
            return
        if len(current) >= self.MAX_GROUPS_PER_USER:
            raise LimitExceededError(
                f"A user can belong to at most {self.MAX_GROUPS_PER_USER} groups."
            )
        try:
            store.add_member(self.id, group, record.username)
        except StoreConflictError:
            # The user or the group went away meanwhile: the error for whichever did.
            self._user(username)
            self._group_record(group)
            raise

    def admin_remove_user_from_group(self, username: str, group: str) -> None:
        """Removes a user from a group (``AdminRemoveUserFromGroup``); removing a
        non-member does nothing."""
        group_name(group, "group_name")
        _config, record = self._user(username)
        self._group_record(group)
        self._rt.store.remove_member(self.id, group, record.username)

    def admin_list_groups_for_user(
        self, username: str, *, limit: int = GROUP_LIST_MAX, next_token: str | None = None
    ) -> Page[Group]:
        """The groups of a user, ``limit`` (≤ 60) a page (``AdminListGroupsForUser``), in
        the order of its tokens' ``cognito:groups``: by precedence, then by name."""
        _limit(limit)
        after: list[Any] | None = None
        if next_token is not None:
            after = _paging.decode(next_token, "next_token", "user_groups").get("after")
            if (
                not isinstance(after, list)
                or len(after) != 2
                or not isinstance(after[0], int | None)
                or isinstance(after[0], bool)
                or not isinstance(after[1], str)
            ):
                raise InvalidParameterError("Invalid next_token.", field="next_token")
        _config, record = self._user(username)
        if limit == 0:
            return Page((), None)
        # A user has at most MAX_GROUPS_PER_USER groups: they are ordered and paged here.
        records = sorted(
            (
                g
                for n in self._rt.store.groups_of(self.id, record.username)
                if (g := self._rt.store.get_group(self.id, n)) is not None
            ),
            key=group_rank,
        )
        if after is not None:
            position = rank(after[0], after[1])
            records = [g for g in records if group_rank(g) > position]
        items = tuple(Group.from_record(g) for g in records[:limit])
        token = (
            _paging.encode({"k": "user_groups", "after": [items[-1].precedence, items[-1].name]})
            if len(records) > limit
            else None
        )
        return Page(items, token)

    def list_users_in_group(
        self, group: str, *, limit: int = GROUP_LIST_MAX, next_token: str | None = None
    ) -> Page[User]:
        """The members of a group by username, ``limit`` (≤ 60) a page
        (``ListUsersInGroup``)."""
        group_name(group, "group_name")
        _limit(limit)
        after = None
        if next_token is not None:
            state = _paging.decode(next_token, "next_token", "group_users")
            after = state.get("after")
            if state.get("group") != group or not isinstance(after, str):
                raise InvalidParameterError("Invalid next_token.", field="next_token")
        self._state()
        self._group_record(group)
        if limit == 0:
            return Page((), None)
        names = self._rt.store.list_members(self.id, group, after=after, limit=limit + 1)
        users = tuple(
            User.from_record(u)
            for n in names[:limit]
            if (u := self._rt.store.get_user(self.id, n)) is not None
        )
        token = (
            _paging.encode({"k": "group_users", "group": group, "after": names[limit - 1]})
            if len(names) > limit
            else None
        )
        return Page(users, token)
