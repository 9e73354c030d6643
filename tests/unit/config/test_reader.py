"""The context reader: one error type, unknown keys, every problem at once, ``-c`` string forms."""

from __future__ import annotations

import json
from typing import Any

import pytest

from emr_burst.config import KNOWN_KEYS, PREFIX, AppConfig, ConfigError
from emr_burst.core.errors import EmrBurstError
from tests.harness.reference import ROOT, cdk_json_context


def _error(**values: Any) -> ConfigError:
    context = cdk_json_context() | {PREFIX + key: value for key, value in values.items()}
    with pytest.raises(ConfigError) as raised:
        AppConfig.from_context(context)
    return raised.value


def test_config_error_is_the_library_error_and_a_value_error() -> None:
    err = _error(maxAzs=9)
    assert isinstance(err, EmrBurstError)
    assert isinstance(err, ValueError)
    (problem,) = err.problems
    assert problem.where == "context key 'emr-burst:maxAzs'"
    assert (problem.prop, problem.value) == ("emr-burst:maxAzs", 9)
    assert problem.fix.startswith("use a whole number from 2 to 4")


def test_every_cdk_json_key_of_ours_is_known() -> None:
    ours = {key[len(PREFIX) :] for key in cdk_json_context() if key.startswith(PREFIX)}
    assert ours <= KNOWN_KEYS
    # producer/consumer sides have no stack yet, so cdk.json leaves them out
    assert KNOWN_KEYS - ours == {
        f"{side}{part}" for side in ("producer", "consumer") for part in ("Account", "Region")
    }


def test_every_known_key_is_read() -> None:
    context = cdk_json_context()
    asked: set[str] = set()

    def get(key: str) -> Any:
        asked.add(key)
        return context.get(key)

    AppConfig.from_context(get)
    assert asked == {PREFIX + key for key in KNOWN_KEYS}


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("maxAz", "maxAzs"),
        ("natGateway", "natGateways"),
        ("computecidr", "computeCidr"),
        ("eksKubernetesVersions", "eksKubernetesVersion"),
        ("removeDataOnDelete", "removeDataOnDestroy"),
    ],
)
def test_fails_when_a_key_is_unknown_with_a_did_you_mean(typo: str, meant: str) -> None:
    err = _error(**{typo: 3})
    (problem,) = err.problems
    assert problem.where == f"context key 'emr-burst:{typo}'"
    assert f"did you mean 'emr-burst:{meant}'?" in problem.fix


def test_keys_outside_our_prefix_are_not_ours() -> None:
    context = cdk_json_context() | {"@aws-cdk/core:newFlag": True, "other:maxAz": 1}
    assert AppConfig.from_context(context) == AppConfig()


def test_a_getter_reads_the_known_keys_without_judging_unknown_ones() -> None:
    context = cdk_json_context() | {PREFIX + "maxAz": 3}
    assert AppConfig.from_context(context.get) == AppConfig()


def test_reports_every_problem_at_once_one_per_line() -> None:
    bad = {
        "computeAccount": "abc",
        "producerRegion": "us-est-1",
        "computeCidr": "nope",
        "maxAzs": 5,
        "interfaceEndpoints": ["sts", "s3"],
        "eksTeams": ["Analytics"],
        "webUiCidr": "0.0.0.0/0",
        "idleTimeoutSeconds": 30,
        "maxAz": 2,
    }
    err = _error(**bad)
    assert len(err.problems) == len(bad)
    lines = str(err).splitlines()
    assert lines == err.lines()
    for key in bad:
        assert any(f"context key 'emr-burst:{key}" in line for line in lines), key
    assert any("producerRegion' = 'us-est-1'" in line and "did you mean" in line for line in lines)


@pytest.mark.parametrize(
    ("key", "given", "read"),
    [
        ("maxAzs", "3", 3),
        ("natGateways", " 2 ", 2),
        ("flowLogRetentionDays", "90", 90),
        ("idleTimeoutSeconds", "600", 600),
        ("removeDataOnDestroy", "true", True),
        ("removeDataOnDestroy", "False", False),
        ("removeDataOnDestroy", "yes", True),
        ("removeDataOnDestroy", "0", False),
        ("interfaceEndpoints", "sts,eks", ("sts", "eks")),
        ("interfaceEndpoints", '["sts", "ecr-docker"]', ("sts", "ecr-docker")),
        ("interfaceEndpoints", "STS, ECR_DOCKER", ("sts", "ecr-docker")),
        ("interfaceEndpoints", "", ()),
        ("eksTeams", "analytics,risk", ("analytics", "risk")),
        ("eksPublicEndpointCidrs", '["203.0.113.0/24"]', ("203.0.113.0/24",)),
        ("availabilityZones", '{"eu-west-1": ["eu-west-1a", "eu-west-1c"]}', None),
        ("computeAccount", "", None),
        ("eksAdminRoleArn", "", None),
        ("hybridEngine", "Trino", "trino"),
        ("eksComputeMode", "FIXED", "fixed"),
    ],
)
def test_reads_the_string_forms_that_dash_c_produces(key: str, given: str, read: Any) -> None:
    config = AppConfig.from_context(cdk_json_context() | {PREFIX + key: given})
    values = {
        "maxAzs": config.network.max_azs,
        "natGateways": config.network.nat_gateways,
        "flowLogRetentionDays": config.network.flow_log_retention_days,
        "idleTimeoutSeconds": config.hybrid.idle_timeout_seconds,
        "removeDataOnDestroy": config.remove_data_on_destroy,
        "interfaceEndpoints": config.network.interface_endpoints,
        "eksTeams": config.eks.teams,
        "eksPublicEndpointCidrs": config.eks.public_endpoint_cidrs,
        "availabilityZones": config.zones_for("eu-west-1") and None,
        "computeAccount": config.compute.account,
        "eksAdminRoleArn": config.eks.admin_role_arn,
        "hybridEngine": config.hybrid.engine,
        "eksComputeMode": config.eks.compute_mode,
    }
    assert values[key] == read
    if key == "availabilityZones":
        assert config.zones_for("eu-west-1") == ("eu-west-1a", "eu-west-1c")


@pytest.mark.parametrize(
    ("key", "given", "fix"),
    [
        ("maxAzs", "3.0", "whole number"),
        ("maxAzs", "three", "whole number"),
        ("removeDataOnDestroy", "maybe", "true or false"),
        ("interfaceEndpoints", '["sts",', "a JSON list such as"),
        ("interfaceEndpoints", "{}", "choose one of"),
        ("eksTeams", "", "list at least one entry"),
        ("availabilityZones", "{not json", "JSON map"),
    ],
)
def test_fails_when_a_string_form_is_malformed(key: str, given: str, fix: str) -> None:
    err = _error(**{key: given})
    assert fix in str(err)


def test_cdk_json_is_what_the_cli_hands_the_app() -> None:
    # cdk.json is the one source of defaults; the reader's defaults equal it.
    context = json.loads((ROOT / "cdk.json").read_text())["context"]
    assert AppConfig.from_context(context) == AppConfig()
