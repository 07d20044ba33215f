"""User pools: configuration at creation, describe, update, delete, JWKS/OIDC documents."""

from __future__ import annotations

from typing import Any

import pytest

from cogkit import (
    Cognito,
    FrozenClock,
    InvitationTemplate,
    PasswordPolicy,
    RecoveryMechanism,
    SchemaAttribute,
    UserPool,
    UserPoolConfig,
    VerificationTemplate,
)
from cogkit.domain.enums import (
    AliasAttribute,
    AttributeType,
    DeletionProtection,
    MfaConfiguration,
    RecoveryOption,
    UsernameAttribute,
    UserPoolTier,
    VerifiedAttribute,
)
from cogkit.errors import InvalidParameterError, ResourceNotFoundError
from tests.conftest import Kit
from tests.helpers import POLICY_VIOLATIONS, START, raises

# -- defaults ----------------------------------------------------------------------------


def test_a_pool_created_without_configuration_has_cognitos_defaults(svc: Cognito) -> None:
    config = svc.create_user_pool("app").config
    assert config.password_policy == PasswordPolicy(
        minimum_length=8,
        require_uppercase=True,
        require_lowercase=True,
        require_numbers=True,
        require_symbols=True,
        password_history_size=0,
        temporary_password_validity_days=7,
    )
    assert config.case_sensitive is True
    assert config.deletion_protection is DeletionProtection.INACTIVE
    assert config.mfa_configuration is MfaConfiguration.OFF
    assert config.username_attributes == () and config.alias_attributes == ()
    assert config.auto_verified_attributes == ()
    assert config.tier is UserPoolTier.ESSENTIALS


def test_the_default_schema_is_the_standard_attributes(svc: Cognito) -> None:
    config = svc.create_user_pool("app").config
    names = [a.name for a in config.schema]
    assert names[0] == "sub" and "email" in names and "updated_at" in names
    assert config.attribute("sub") == SchemaAttribute(
        "sub", mutable=False, required=True, min_length=1, max_length=2048
    )
    assert config.attribute("email_verified").data_type is AttributeType.BOOLEAN
    assert config.attribute("updated_at").data_type is AttributeType.NUMBER
    assert (
        config.attribute("birthdate").min_length == config.attribute("birthdate").max_length == 10
    )
    assert config.required_attributes == ()


# -- every configuration field -----------------------------------------------------------


def test_create_takes_every_configuration_field(svc: Cognito) -> None:
    pool = svc.create_user_pool(
        "full",
        password_policy={
            "minimum_length": 12,
            "require_symbols": False,
            "password_history_size": 3,
            "temporary_password_validity_days": 2,
        },
        alias_attributes=["email", "preferred_username"],
        auto_verified_attributes=["email"],
        case_sensitive=False,
        deletion_protection="ACTIVE",
        mfa="OPTIONAL",
        allow_admin_create_user_only=True,
        unused_account_validity_days=3,
        verification={"email_message": "Code: {####}", "email_subject": "Verify"},
        invitation={"email_message": "Hi {username}, use {####}", "email_subject": "Welcome"},
        sms_authentication_message="Auth code {####}",
        account_recovery=[{"name": "verified_email", "priority": 1}],
        attributes_require_verification_before_update=["email"],
        tier="PLUS",
        tags={"team": "auth"},
        schema=[{"name": "plan", "data_type": "String", "max_length": 16}],
    )
    config = pool.config
    assert config.password_policy.minimum_length == 12
    assert config.password_policy.require_symbols is False
    assert config.password_policy.require_uppercase is True
    assert config.password_policy.password_history_size == 3
    assert config.temporary_password_days == 2
    assert config.alias_attributes == (AliasAttribute.EMAIL, AliasAttribute.PREFERRED_USERNAME)
    assert config.auto_verified_attributes == (VerifiedAttribute.EMAIL,)
    assert config.case_sensitive is False
    assert config.deletion_protection is DeletionProtection.ACTIVE
    assert config.mfa_configuration is MfaConfiguration.OPTIONAL
    assert config.allow_admin_create_user_only is True
    assert config.unused_account_validity_days == 3
    assert config.verification.email_message == "Code: {####}"
    assert config.verification.sms_message == VerificationTemplate().sms_message
    assert config.invitation.email_subject == "Welcome"
    assert config.sms_authentication_message == "Auth code {####}"
    assert config.account_recovery == (RecoveryMechanism(RecoveryOption.VERIFIED_EMAIL, 1),)
    assert config.attributes_require_verification_before_update == (VerifiedAttribute.EMAIL,)
    assert config.tier is UserPoolTier.PLUS
    assert config.tags == {"team": "auth"}
    assert config.attribute("custom:plan") == SchemaAttribute("custom:plan", max_length=16)


def test_configuration_values_may_be_given_as_objects(svc: Cognito) -> None:
    config = svc.create_user_pool(
        "objects",
        password_policy=PasswordPolicy(minimum_length=6),
        verification=VerificationTemplate(sms_message="SMS {####}"),
        invitation=InvitationTemplate(sms_message="Hi {username} {####}"),
        account_recovery=[RecoveryMechanism(RecoveryOption.ADMIN_ONLY, 1)],
        deletion_protection=True,
        schema=[SchemaAttribute("custom:level", AttributeType.NUMBER, min_value=1)],
    ).config
    assert config.password_policy.minimum_length == 6
    assert config.verification.sms_message == "SMS {####}"
    assert config.invitation.sms_message == "Hi {username} {####}"
    assert config.account_recovery[0].name is RecoveryOption.ADMIN_ONLY
    assert config.deletion_protection is DeletionProtection.ACTIVE
    assert config.attribute("custom:level").min_value == 1


def test_username_attributes_make_email_and_phone_the_sign_in_names(svc: Cognito) -> None:
    config = svc.create_user_pool("u", username_attributes=["email", "phone_number"]).config
    assert config.username_attributes == (UsernameAttribute.EMAIL, UsernameAttribute.PHONE_NUMBER)


def test_account_recovery_is_kept_in_priority_order(svc: Cognito) -> None:
    config = svc.create_user_pool(
        "r",
        account_recovery=[
            {"name": "verified_phone_number", "priority": 2},
            {"name": "verified_email", "priority": 1},
        ],
    ).config
    assert [m.name for m in config.account_recovery] == [
        RecoveryOption.VERIFIED_EMAIL,
        RecoveryOption.VERIFIED_PHONE_NUMBER,
    ]


def test_temporary_password_validity_falls_back_to_unused_account_days(svc: Cognito) -> None:
    config = svc.create_user_pool(
        "t",
        password_policy={"temporary_password_validity_days": 0},
        unused_account_validity_days=4,
    ).config
    assert config.temporary_password_days == 4
    assert (
        UserPoolConfig(
            password_policy=PasswordPolicy(temporary_password_validity_days=0)
        ).temporary_password_days
        == 7
    )


# -- schema --------------------------------------------------------------------------------


def test_custom_attributes_of_every_type_get_the_custom_prefix(svc: Cognito) -> None:
    config = svc.create_user_pool(
        "s",
        schema=[
            {"name": "plan", "data_type": "String", "min_length": 2, "max_length": 8},
            {"name": "custom:age", "data_type": "Number", "min_value": 0, "max_value": 150},
            {"name": "joined", "data_type": "DateTime", "mutable": False},
            {"name": "vip", "data_type": "Boolean"},
            {"name": "internal", "developer_only": True},
        ],
    ).config
    assert config.attribute("custom:plan").max_length == 8
    assert config.attribute("custom:age").data_type is AttributeType.NUMBER
    assert config.attribute("custom:joined").mutable is False
    assert config.attribute("custom:vip").data_type is AttributeType.BOOLEAN
    assert config.attribute("dev:internal") is not None
    assert (
        config.attribute("custom:age").is_custom
        and config.attribute("custom:age").short_name == "age"
    )


def test_standard_attributes_can_be_made_required_or_immutable(svc: Cognito) -> None:
    config = svc.create_user_pool(
        "s",
        schema=[
            {"name": "name", "required": True},
            {"name": "email", "required": True, "mutable": False},
        ],
    ).config
    assert config.required_attributes == ("name", "email")
    assert config.attribute("email").mutable is False


@pytest.mark.parametrize(
    ("schema", "field", "message"),
    [
        (
            [{"name": "sub", "required": True}],
            "schema[0]",
            "Cannot modify the standard attribute sub.",
        ),
        (
            [{"name": "email_verified", "data_type": "String"}],
            "schema[0]",
            "Cannot modify the standard attribute email_verified.",
        ),
        (
            [{"name": "plan", "required": True}],
            "schema[0]",
            "Required custom attributes are not supported currently.",
        ),
        (
            [{"name": "a" * 21}],
            "schema[0]",
            "Custom attribute name 'aaaaaaaaaaaaaaaaaaaaa' must be 1 to 20 characters without ':'",
        ),
        (
            [{"name": "plan", "max_length": 4096}],
            "schema[0]",
            "String attribute max length cannot exceed 2048",
        ),
        (
            [{"name": "plan", "min_length": 9, "max_length": 3}],
            "schema[0]",
            "String attribute min length cannot exceed max length",
        ),
        (
            [{"name": "age", "data_type": "Number", "min_value": 9, "max_value": 3}],
            "schema[0]",
            "Number attribute min value cannot exceed max value",
        ),
        (
            [{"name": "plan"}, {"name": "custom:plan"}],
            "schema[1]",
            "Duplicate attribute name custom:plan",
        ),
        (
            [{"name": f"c{i}"} for i in range(51)],
            "schema",
            "A user pool can have at most 50 custom attributes.",
        ),
    ],
)
def test_bad_schema_entries_are_refused_and_nothing_is_stored(
    svc: Cognito, schema: list[dict[str, Any]], field: str, message: str
) -> None:
    with raises(InvalidParameterError, message, field=field):
        svc.create_user_pool("bad", schema=schema)
    assert list(svc.list_user_pools()) == []


@pytest.mark.parametrize(
    ("schema", "field"),
    [
        ([{"name": "plan", "data_type": "Text"}], "schema[0].data_type"),
        ([{"name": "plan", "mutable": "yes"}], "schema[0].mutable"),
        ([{"name": "plan", "max_length": "8"}], "schema[0].max_length"),
        ([{"name": "plan", "min_length": -1}], "schema[0].min_length"),
        ([{"data_type": "String"}], "schema[0].name"),
        ([{"name": "plan", "colour": "red"}], "schema[0].colour"),
        (["plan"], "schema[0]"),
        (5, "schema"),
        ("plan", "schema"),
    ],
)
def test_schema_of_the_wrong_shape_is_invalid_parameter(
    svc: Cognito, schema: Any, field: str
) -> None:
    with raises(InvalidParameterError, field=field):
        svc.create_user_pool("bad", schema=schema)
    assert list(svc.list_user_pools()) == []


# -- password policy -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "field"),
    [
        ({"minimum_length": 5}, "password_policy.minimum_length"),
        ({"minimum_length": 100}, "password_policy.minimum_length"),
        ({"minimum_length": "8"}, "password_policy.minimum_length"),
        ({"require_numbers": 1}, "password_policy.require_numbers"),
        ({"password_history_size": 25}, "password_policy.password_history_size"),
        (
            {"temporary_password_validity_days": 366},
            "password_policy.temporary_password_validity_days",
        ),
        (
            {"temporary_password_validity_days": -1},
            "password_policy.temporary_password_validity_days",
        ),
        ({"max_length": 20}, "password_policy.max_length"),
        ([8], "password_policy"),
    ],
)
def test_password_policy_out_of_range_is_refused(svc: Cognito, policy: Any, field: str) -> None:
    with raises(InvalidParameterError, field=field):
        svc.create_user_pool("bad", password_policy=policy)
    assert list(svc.list_user_pools()) == []


@pytest.mark.parametrize("length", [6, 99])
def test_password_policy_length_limits_are_inclusive(svc: Cognito, length: int) -> None:
    pool = svc.create_user_pool("ok", password_policy={"minimum_length": length})
    assert pool.config.password_policy.minimum_length == length


@pytest.mark.parametrize(("password", "message"), POLICY_VIOLATIONS)
def test_policy_reports_the_first_rule_a_password_breaks(password: str, message: str) -> None:
    assert PasswordPolicy().violation(password) == message


def test_inner_spaces_count_as_symbols() -> None:
    assert PasswordPolicy().violation("Has Space 123") is None


def test_non_latin_letters_do_not_count_as_upper_or_lower_case() -> None:
    assert PasswordPolicy(require_symbols=False).violation("ÄÖÜäöü123") == (
        "Password did not conform with policy: Password must have uppercase characters"
    )


def test_relaxed_policy_accepts_simple_passwords() -> None:
    policy = PasswordPolicy(
        minimum_length=6,
        require_uppercase=False,
        require_lowercase=False,
        require_numbers=False,
        require_symbols=False,
    )
    assert policy.violation("aaaaaa") is None


# -- other bad configuration ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"username_attributes": ["email"], "alias_attributes": ["email"]}, "alias_attributes"),
        ({"username_attributes": ["preferred_username"]}, "username_attributes.member"),
        ({"username_attributes": "email"}, "username_attributes"),
        ({"username_attributes": ["email", "email"]}, "username_attributes"),
        ({"alias_attributes": ["name"]}, "alias_attributes.member"),
        ({"auto_verified_attributes": ["name"]}, "auto_verified_attributes.member"),
        ({"case_sensitive": "false"}, "case_sensitive"),
        ({"deletion_protection": "SOMETIMES"}, "deletion_protection"),
        ({"mfa_configuration": "MAYBE"}, "mfa_configuration"),
        ({"tier": "GOLD"}, "tier"),
        ({"unused_account_validity_days": 400}, "unused_account_validity_days"),
        ({"verification": {"email_message": "no code placeholder"}}, "verification.email_message"),
        ({"verification": {"sms_message": "x" * 141 + "{####}"}}, "verification.sms_message"),
        (
            {"verification": {"email_message_by_link": "no link"}},
            "verification.email_message_by_link",
        ),
        (
            {"verification": {"default_email_option": "CARRIER_PIGEON"}},
            "verification.default_email_option",
        ),
        ({"verification": {"email_subject": ""}}, "verification.email_subject"),
        ({"invitation": {"sms_message": "no placeholder"}}, "invitation.sms_message"),
        ({"invitation": {"email_subject": "x" * 141}}, "invitation.email_subject"),
        ({"invitation": "welcome"}, "invitation"),
        ({"sms_authentication_message": "no placeholder"}, "sms_authentication_message"),
        ({"account_recovery": []}, "account_recovery"),
        ({"account_recovery": "verified_email"}, "account_recovery"),
        (
            {"account_recovery": [{"name": "carrier_pigeon", "priority": 1}]},
            "account_recovery[0].name",
        ),
        (
            {"account_recovery": [{"name": "verified_email", "priority": 3}]},
            "account_recovery[0].priority",
        ),
        (
            {
                "account_recovery": [
                    {"name": "verified_email", "priority": 1},
                    {"name": "verified_email", "priority": 2},
                ]
            },
            "account_recovery",
        ),
        (
            {
                "account_recovery": [
                    {"name": "admin_only", "priority": 1},
                    {"name": "verified_email", "priority": 2},
                ]
            },
            "account_recovery",
        ),
        (
            {"attributes_require_verification_before_update": ["email"]},
            "attributes_require_verification_before_update",
        ),
        ({"tags": {"k": 1}}, "tags.value"),
        ({"tags": {f"k{i}": "v" for i in range(51)}}, "tags"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_configuration_is_invalid_parameter_naming_the_field(
    svc: Cognito, config: dict[str, Any], field: str
) -> None:
    with raises(InvalidParameterError, field=field):
        svc.create_user_pool("bad", **config)
    assert list(svc.list_user_pools()) == []


def test_username_and_alias_attributes_are_mutually_exclusive(svc: Cognito) -> None:
    with raises(
        InvalidParameterError,
        "Only one of UsernameAttributes and AliasAttributes can be set in a User Pool.",
    ):
        svc.create_user_pool(
            "bad", username_attributes=["email"], alias_attributes=["phone_number"]
        )


def test_preferred_username_cannot_be_required_and_an_alias(svc: Cognito) -> None:
    with raises(InvalidParameterError, "preferred_username cannot be both required and an alias."):
        svc.create_user_pool(
            "bad",
            alias_attributes=["preferred_username"],
            schema=[{"name": "preferred_username", "required": True}],
        )


@pytest.mark.parametrize("name", ["", "x" * 129, "bad/name", 5, None])
def test_pool_name_is_1_to_128_of_the_allowed_characters(svc: Cognito, name: Any) -> None:
    with raises(InvalidParameterError, field="pool_name"):
        svc.create_user_pool(name)
    assert list(svc.list_user_pools()) == []


# -- describe, update, delete --------------------------------------------------------------


def test_describe_reports_name_arn_dates_config_and_user_count(kit: Kit) -> None:
    kit.sign_up()
    described = kit.pool.describe()
    assert described.id == kit.pool.id and described.name == "app"
    assert described.arn == kit.pool.arn
    assert described.created_at.timestamp() == described.modified_at.timestamp() == START
    assert described.config == kit.pool.config
    assert described.estimated_number_of_users == 1
    assert described.status == "Enabled"


def test_update_changes_mutable_fields_and_the_modified_date(
    svc: Cognito, clock: FrozenClock
) -> None:
    pool = svc.create_user_pool("app")
    clock.advance(60)
    described = pool.update(
        name="renamed",
        password_policy={"minimum_length": 10},
        auto_verified_attributes=["email"],
        deletion_protection="ACTIVE",
    )
    assert described.name == "renamed" == pool.name
    assert described.config.password_policy.minimum_length == 10
    assert described.config.auto_verified_attributes == (VerifiedAttribute.EMAIL,)
    assert described.modified_at.timestamp() == START + 60
    assert described.created_at.timestamp() == START


def test_update_keeps_what_it_is_not_told_to_change(svc: Cognito) -> None:
    pool = svc.create_user_pool("app", mfa="OPTIONAL", tags={"a": "b"})
    pool.update(password_policy={"minimum_length": 10})
    assert pool.config.mfa_configuration is MfaConfiguration.OPTIONAL
    assert pool.config.tags == {"a": "b"}
    assert pool.name == "app"


@pytest.mark.parametrize(
    ("change", "value"),
    [
        ("username_attributes", ["email"]),
        ("alias_attributes", ["email"]),
        ("case_sensitive", False),
        ("schema", [{"name": "plan"}]),
    ],
)
def test_update_refuses_fields_fixed_at_creation(svc: Cognito, change: str, value: Any) -> None:
    pool = svc.create_user_pool("app")
    before = pool.config
    with raises(InvalidParameterError, field=change):
        pool.update(**{change: value})
    assert pool.config == before


def test_update_refuses_bad_values_and_changes_nothing(svc: Cognito) -> None:
    pool = svc.create_user_pool("app")
    before = pool.describe()
    with raises(InvalidParameterError, field="password_policy.minimum_length"):
        pool.update(name="renamed", password_policy={"minimum_length": 3})
    with raises(InvalidParameterError, field="pool_name"):
        pool.update(name="bad/name")
    assert pool.describe() == before


def test_update_of_a_deleted_pool_is_resource_not_found(svc: Cognito) -> None:
    pool = svc.create_user_pool("app")
    pool.delete()
    with raises(ResourceNotFoundError):
        pool.update(name="renamed")


def test_delete_removes_the_pool_its_clients_and_users(kit: Kit) -> None:
    kit.sign_up()
    kit.pool.delete()
    with raises(ResourceNotFoundError):
        kit.pool.describe()
    with raises(ResourceNotFoundError):
        kit.svc.pool_for_client(kit.client.id)
    assert kit.svc.store.count_users(kit.pool.id) == 0


def test_deletion_protection_refuses_delete(svc: Cognito) -> None:
    pool = svc.create_user_pool("app", deletion_protection="ACTIVE")
    with raises(
        InvalidParameterError,
        "The user pool cannot be deleted because deletion protection is activated.",
    ):
        pool.delete()
    assert svc.user_pool(pool.id) == pool


def test_turning_deletion_protection_off_allows_delete(svc: Cognito) -> None:
    pool = svc.create_user_pool("app", deletion_protection="ACTIVE")
    pool.update(deletion_protection="INACTIVE")
    pool.delete()
    assert list(svc.list_user_pools()) == []


def test_pool_handles_compare_by_id(svc: Cognito) -> None:
    pool = svc.create_user_pool("app")
    same = svc.user_pool(pool.id)
    assert pool == same and hash(pool) == hash(same)
    assert pool != svc.create_user_pool("other")
    assert repr(pool) == f"UserPool({pool.id!r})"


def test_pool_auth_is_the_auth_flow_of_the_pool(pool: UserPool) -> None:
    assert pool.auth.pool == pool
    assert repr(pool.auth) == f"AuthFlow({pool.id!r})"


# -- published documents -------------------------------------------------------------------


def test_jwks_lists_one_key_for_id_tokens_and_one_for_access_tokens(pool: UserPool) -> None:
    keys = pool.jwks()["keys"]
    assert len(keys) == 2
    assert keys[0]["kid"] != keys[1]["kid"]
    for key in keys:
        assert set(key) == {"alg", "e", "kid", "kty", "n", "use"}
        assert (key["alg"], key["kty"], key["use"], key["e"]) == ("RS256", "RSA", "sig", "AQAB")


def test_each_pool_has_its_own_keys(svc: Cognito) -> None:
    first = {k["kid"] for k in svc.create_user_pool("a").jwks()["keys"]}
    second = {k["kid"] for k in svc.create_user_pool("b").jwks()["keys"]}
    assert not first & second


def test_jwks_of_a_deleted_pool_is_resource_not_found(svc: Cognito) -> None:
    pool = svc.create_user_pool("app")
    pool.jwks()
    pool.delete()
    with raises(ResourceNotFoundError):
        pool.jwks()


def test_openid_configuration_points_at_the_issuer_and_jwks(pool: UserPool) -> None:
    document = pool.openid_configuration()
    issuer = f"https://cognito-idp.us-east-1.amazonaws.com/{pool.id}"
    assert document["issuer"] == issuer == pool.issuer
    assert document["jwks_uri"] == f"{issuer}/.well-known/jwks.json"
    assert document["id_token_signing_alg_values_supported"] == ["RS256"]
    assert document["subject_types_supported"] == ["public"]


def test_issuer_base_url_overrides_the_aws_issuer() -> None:
    from cogkit.testing import make_cognito

    pool = make_cognito(issuer_base_url="http://localhost:9229/").create_user_pool("app")
    assert pool.issuer == f"http://localhost:9229/{pool.id}"


def test_none_means_the_default_for_any_configuration_field(svc: Cognito) -> None:
    config = svc.create_user_pool("p", mfa_configuration=None, password_policy=None).config
    assert config.mfa_configuration is MfaConfiguration.OFF
    assert config.password_policy == PasswordPolicy()


def test_changes_made_through_another_service_on_the_store_are_seen(svc: Cognito) -> None:
    from cogkit.testing import make_cognito

    pool = svc.create_user_pool("app")
    client = pool.create_client("web")
    assert pool.config.mfa_configuration is MfaConfiguration.OFF
    twin = make_cognito(store=svc.store).user_pool(pool.id)
    twin.update(mfa_configuration="OPTIONAL")
    twin.update_client(client.id, explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"])
    assert pool.config.mfa_configuration is MfaConfiguration.OPTIONAL
    assert pool.client(client.id).explicit_auth_flows == twin.client(client.id).explicit_auth_flows


def test_open_sqlite_url_gives_a_persistent_service(tmp_path: Any) -> None:
    pytest.importorskip("sqlalchemy", reason="SQLite stores need the sql extra")
    from cogkit import PasswordProfile

    url = f"sqlite:///{tmp_path / 'auth.db'}"
    with Cognito.open(url, password_profile=PasswordProfile.CHEAP) as svc:
        pool_id = svc.create_user_pool("app").id
    with Cognito.open(url, password_profile=PasswordProfile.CHEAP) as again:
        assert again.user_pool(pool_id).name == "app"
