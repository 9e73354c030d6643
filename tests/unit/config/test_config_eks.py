"""The ``emr-burst:eks*`` context keys of the EMR on EKS platform."""

from __future__ import annotations

from typing import Any

import pytest

from emr_burst.config import AppConfig, ConfigError, EksPlatformConfig
from tests.harness.reference import cdk_json_context


def _config(**overrides: Any) -> AppConfig:
    context = cdk_json_context() | {f"emr-burst:{k}": v for k, v in overrides.items()}
    return AppConfig.from_context(context)


def test_cdk_json_defaults_match_the_dataclass_defaults() -> None:
    assert _config().eks == EksPlatformConfig()
    assert _config().eks.teams == ("analytics", "marketing", "datascience")


def test_values_given_with_dash_c_are_parsed() -> None:
    eks = _config(
        eksComputeMode="fixed",
        eksTeams="analytics,risk",
        eksPublicEndpointCidrs='["203.0.113.0/24"]',
        eksAdminRoleArn="arn:aws:iam::123456789012:role/platform-admin",
    ).eks
    assert eks.compute_mode == "fixed"
    assert eks.teams == ("analytics", "risk")
    assert eks.public_endpoint_cidrs == ("203.0.113.0/24",)
    assert eks.admin_role_arn == "arn:aws:iam::123456789012:role/platform-admin"


def test_fails_with_every_bad_eks_key_in_one_error() -> None:
    with pytest.raises(ConfigError) as err:
        _config(
            eksKubernetesVersion="1.20",
            eksComputeMode="karpenter",
            eksTeams=["analytics", "analytics"],
            eksAdminRoleArn="platform-admin",
            eksPublicEndpointCidrs=["0.0.0.0/0"],
            emrEksReleaseLabel="emr-6.15.0-latest",
        )
    message = str(err.value)
    for key in (
        "eksKubernetesVersion",
        "eksComputeMode",
        "eksTeams",
        "eksAdminRoleArn",
        "eksPublicEndpointCidrs",
        "emrEksReleaseLabel",
    ):
        assert f"context key 'emr-burst:{key}" in message
