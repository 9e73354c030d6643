"""The ``emr-burst:shs*`` and ``emr-burst:eventLog*`` keys, and their parity with the constructs."""

from __future__ import annotations

from typing import Any

import pytest

from emr_burst.config import PREFIX, AppConfig, ConfigError
from emr_burst.config.observability import KEYS, ObservabilityConfig
from emr_burst.core.errors import EmrBurstError
from emr_burst.observability import ClientVpn, PrivateAccess, SparkEventLogs, SparkHistoryServer
from tests.harness.reference import cdk_json_context
from tests.unit.emr_eks.eks_app import imported_platform, new_stack, vpc


def _config(**overrides: Any) -> AppConfig:
    context = cdk_json_context() | {f"{PREFIX}{k}": v for k, v in overrides.items()}
    return AppConfig.from_context(context)


def test_cdk_json_defaults_match_the_dataclass_defaults() -> None:
    assert _config().observability == ObservabilityConfig()


def test_values_given_with_dash_c_are_parsed() -> None:
    shs = _config(
        shsClientVpn="false",
        shsAdminGroups="admins,ops",
        eventLogWriterAccounts="111122223333",
        eventLogExpirationDays=30,
        shsCertificateAuthorityArn="",
    ).observability
    assert shs.client_vpn is False
    assert shs.admin_groups == ("admins", "ops")
    assert shs.writer_accounts == ("111122223333",)
    assert shs.expiration_days == 30
    assert shs.certificate_authority_arn is None


def test_fails_with_every_bad_key_in_one_error() -> None:
    with pytest.raises(ConfigError) as err:
        _config(
            shsDomain="Example",
            shsCertificateAuthorityArn="my-ca",
            shsClientVpn="maybe",
            shsClientVpnCidr="172.16.0.0/24",
            shsAdminGroups=["a,b"],
            eventLogWriterAccounts=["123"],
            eventLogExpirationDays=0,
        )
    message = str(err.value)
    for key in KEYS:
        assert f"{PREFIX}{key}" in message, key


def _config_fix(key: str, value: Any) -> list[str]:
    try:
        AppConfig.from_context({PREFIX + key: value})
    except ConfigError as err:
        return [p.fix for p in err.problems if p.prop.startswith(PREFIX + key)]
    return []


def _server_fix(prop: str, access: PrivateAccess) -> list[str]:
    stack = new_stack("Parity")
    try:
        SparkHistoryServer(
            stack,
            "Server",
            platform=imported_platform(stack),
            event_logs=SparkEventLogs(stack, "Logs"),
            vpc=vpc(stack),
            vpc_cidr="10.0.0.0/16",
            access=access,
        )
    except EmrBurstError as err:
        return [p.fix for p in err.problems if p.prop == prop]
    return []


@pytest.mark.parametrize(
    ("key", "prop", "value", "access"),
    [
        ("shsDomain", "access.domain", "Example", lambda v: PrivateAccess(domain=v)),
        (
            "shsCertificateAuthorityArn",
            "access.certificate_authority_arn",
            "my-ca",
            lambda v: PrivateAccess(domain="example.internal", certificate_authority_arn=v),
        ),
        (
            "shsClientVpnCidr",
            "access.client_vpn.client_cidr",
            "172.16.0.0/24",
            lambda v: PrivateAccess(domain="example.internal", client_vpn=ClientVpn(client_cidr=v)),
        ),
    ],
)
def test_config_and_construct_give_the_same_fix(
    key: str, prop: str, value: str, access: Any
) -> None:
    from_config = _config_fix(key, value)
    assert from_config
    assert from_config == _server_fix(prop, access(value))
