"""The app configuration: defaults keep stacks env-agnostic, bad values stop synth with a fix."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emr_burst.config import (
    INTERFACE_ENDPOINT_NAMES,
    LOG_RETENTION_DAYS,
    AppConfig,
    ConfigError,
    Side,
    log_retention,
)
from tests.harness.reference import cdk_json_context


def _config(**values: Any) -> AppConfig:
    return AppConfig.from_context({f"emr-burst:{key}": value for key, value in values.items()})


def test_defaults_are_environment_agnostic() -> None:
    config = _config()
    for name in ("onprem", "compute", "producer", "consumer"):
        assert config.side(name) == Side(account=None, region=None)
    assert config.network.cidr == "10.0.0.0/16"
    assert config.remove_data_on_destroy is False


def test_cdk_json_context_is_valid_and_matches_the_code_defaults() -> None:
    context = cdk_json_context()
    assert AppConfig.from_context(context) == AppConfig()


def test_reads_accounts_regions_and_network_values() -> None:
    config = _config(
        computeAccount="123456789012",
        onpremAccount="123456789012",
        computeRegion="us-east-1",
        computeCidr="10.20.0.0/18",
        maxAzs=3,
        natGateways=3,
        interfaceEndpoints=["sts", "logs"],
        flowLogRetentionDays=90,
        availabilityZones={"us-east-1": ["us-east-1a", "us-east-1b", "us-east-1d"]},
    )
    assert config.compute == Side(account="123456789012", region="us-east-1")
    assert config.network.cidr == "10.20.0.0/18"
    assert (config.network.max_azs, config.network.nat_gateways) == (3, 3)
    assert config.network.interface_endpoints == ("sts", "logs")
    assert config.zones_for("us-east-1") == ("us-east-1a", "us-east-1b", "us-east-1d")
    assert config.zones_for("us-west-2") is None


@pytest.mark.parametrize(
    ("key", "value", "fix"),
    [
        ("computeAccount", "12345", "exactly 12 digits"),
        ("onpremRegion", "us-west-9", "AWS region code"),
        ("computeCidr", "10.0.0.1/16", "CIDR form"),
        ("computeCidr", "10.0.0.0/8", "/16 to /22"),
        ("computeCidr", "8.8.0.0/16", "private"),
        ("maxAzs", 1, "from 2 to 4"),
        ("maxAzs", 5, "from 2 to 4"),
        ("natGateways", "two", "whole number"),
        ("interfaceEndpoints", ["sts", "s3"], "choose one of 'ecr', 'ecr-docker'"),
        ("flowLogRetentionDays", 10, "CloudWatch Logs accepts only"),
        ("removeDataOnDestroy", "maybe", "true or false"),
        ("prefix", "Emr_Burst", "lowercase"),
    ],
)
def test_fails_when_a_value_is_invalid(key: str, value: Any, fix: str) -> None:
    with pytest.raises(ConfigError) as raised:
        _config(**{key: value})
    message = str(raised.value)
    assert f"context key 'emr-burst:{key}" in message
    assert repr(value) in message or repr(value[-1]) in message
    assert fix in message


def test_fails_when_zone_names_belong_to_another_region() -> None:
    with pytest.raises(ConfigError) as raised:
        _config(availabilityZones={"us-east-1": ["us-west-2a", "us-west-2b"]})
    assert "key 'emr-burst:availabilityZones.us-east-1' = ['us-west-2a', 'us-west-2b']" in str(
        raised.value
    )
    assert "distinct AZ of us-east-1" in str(raised.value)


def test_fails_when_fewer_zone_names_than_max_azs() -> None:
    with pytest.raises(ConfigError) as raised:
        _config(maxAzs=3, availabilityZones={"us-east-1": ["us-east-1a", "us-east-1b"]})
    (problem,) = raised.value.problems
    assert problem.where == "context key 'emr-burst:availabilityZones.us-east-1'"
    assert problem.fix.startswith("list at least 3 zones (emr-burst:maxAzs)")


def test_fails_when_more_nat_gateways_than_azs() -> None:
    with pytest.raises(ConfigError, match=r"natGateways' = 3: use a whole number from 1 to 2 NAT"):
        _config(maxAzs=2, natGateways=3)


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_any_twelve_digit_account_is_accepted(account: str) -> None:
    assert _config(consumerAccount=account).consumer.account == account


@given(st.text(min_size=1, max_size=20).filter(lambda s: not (s.isdigit() and len(s) == 12)))
def test_anything_else_is_rejected_as_an_account(value: str) -> None:
    with pytest.raises(ConfigError, match="consumerAccount"):
        _config(consumerAccount=value)


def test_every_allowed_retention_maps_to_a_cdk_value() -> None:
    assert {log_retention(days).name for days in LOG_RETENTION_DAYS} == {
        name for name in (m.name for m in type(log_retention(1))) if name != "INFINITE"
    }


def test_every_endpoint_name_is_a_network_endpoint() -> None:
    from emr_burst.network.network import InterfaceEndpoint  # noqa: PLC0415

    assert {e.value for e in InterfaceEndpoint} == set(INTERFACE_ENDPOINT_NAMES)


def test_the_package_still_exports_every_name_it_exported_before_the_split() -> None:
    from emr_burst import config  # noqa: PLC0415

    before = {
        "PREFIX", "KNOWN_REGIONS", "INTERFACE_ENDPOINT_NAMES", "SIDES", "ConfigError", "Side",
        "NetworkConfig", "EKS_KUBERNETES_VERSIONS", "EKS_COMPUTE_MODES", "EksPlatformConfig",
        "HYBRID_ENGINES", "IDLE_TIMEOUT_RANGE", "HybridConfig", "AppConfig", "LOG_RETENTION_DAYS",
        "log_retention",
    }  # fmt: skip
    assert before <= set(config.__all__)
    assert config.HYBRID_ENGINES == ("presto", "trino")
    assert config.IDLE_TIMEOUT_RANGE == (60, 604_800)
    assert config.EKS_COMPUTE_MODES == ("auto", "fixed")


@pytest.mark.parametrize(
    ("given", "missing"),
    [("computeAccount", "onpremAccount"), ("onpremAccount", "computeAccount")],
)
def test_one_hybrid_account_without_the_other_is_refused(given: str, missing: str) -> None:
    with pytest.raises(ConfigError) as err:
        _config(**{given: "123456789012"})
    assert f"emr-burst:{missing}" in str(err.value)
    assert "set it to 123456789012 as well" in str(err.value)
    both = _config(computeAccount="123456789012", onpremAccount="123456789012")
    assert both.compute.account == both.onprem.account == "123456789012"
