"""Config and the EMR on EKS constructs give the same verdict and fix for the keys they share.

Each construct is called with one deliberately bad other prop, so it always raises after collecting
every problem (no EKS cluster is built), and only the problems of the prop under test are compared.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2

from emr_burst.config import PREFIX, AppConfig, ConfigError
from emr_burst.core.errors import EmrBurstError, Problem
from emr_burst.emr_eks import EmrEksPlatform, SparkTeam
from tests.unit.emr_eks.eks_app import imported_platform


def _config_fixes(key: str, value: Any) -> list[str]:
    try:
        AppConfig.from_context({PREFIX + key: value})
    except ConfigError as err:
        return _fixes(err.problems, PREFIX + key)
    return []


def _fixes(problems: tuple[Problem, ...], name: str) -> list[str]:
    return [p.fix for p in problems if p.prop == name or p.prop.startswith(f"{name}[")]


def _platform_fixes(prop: str, value: Any) -> list[str]:
    stack = cdk.Stack(cdk.App(), "Parity")
    vpc = ec2.Vpc.from_vpc_attributes(
        stack,
        "Vpc",
        vpc_id="vpc-1",
        availability_zones=["a", "b"],
        private_subnet_ids=["s-1", "s-2"],
    )
    with pytest.raises(EmrBurstError) as err:
        EmrEksPlatform(stack, "Platform", vpc=vpc, compute="bad", **{prop: value})  # type: ignore[arg-type]
    return [p.fix for p in err.value.problems if p.prop == prop or p.prop.startswith(f"{prop}[")]


def _team_fixes(prop: str, value: Any, **others: Any) -> list[str]:
    stack = cdk.Stack(cdk.App(), "Parity")
    platform = imported_platform(stack)
    props = {"namespace": "team", "role_name": "team-job", "glue": "bad"} | others
    props[prop] = value
    with pytest.raises(EmrBurstError) as err:
        SparkTeam(stack, "Team", platform=platform, **props)
    return [p.fix for p in err.value.problems if p.prop == prop]


@pytest.mark.parametrize(
    "value", ["1.32", "1.33", "1.34", "1.35", "1.36", "1.37", "v1.35", "2.0", ""]
)
def test_kubernetes_version_agrees(value: str) -> None:
    assert _config_fixes("eksKubernetesVersion", value or None) == (
        _platform_fixes("kubernetes_version", value) if value else []
    )


@pytest.mark.parametrize(
    "value",
    ["203.0.113.0/24", "10.0.0.0/8", "0.0.0.0/0", "0.0.0.0/1", "8.0.0.0/7", "not-a-cidr"],
)
def test_public_endpoint_cidrs_agree(value: str) -> None:
    assert _config_fixes("eksPublicEndpointCidrs", [value]) == _platform_fixes(
        "public_endpoint_cidrs", [value]
    )


@pytest.mark.parametrize(
    "value",
    ["emr-7.9.0-latest", "emr-7.2.0-20240610", "emr-6.15.0-latest", "emr-7.9.0", "7.9.0", "x"],
)
def test_release_label_agrees(value: str) -> None:
    assert _config_fixes("emrEksReleaseLabel", value) == _team_fixes("release_label", value)


@pytest.mark.parametrize("value", ["analytics", "kube-system", "default", "Team_A", "-x"])
def test_team_names_are_what_a_team_accepts_as_namespace(value: str) -> None:
    config = _config_fixes("eksTeams", [value])
    team = _team_fixes("namespace", value, role_name="ok-job")
    assert bool(config) == bool(team)
    assert all(fix in config for fix in team)
