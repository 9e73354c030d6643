"""One hundred teams: the reference app spreads them over team stacks, each under half of
CloudFormation's limits, the team stacks lint clean and pass the nag packs, and a namespace is still
refused twice across stacks."""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest
from aws_cdk import cx_api

from emr_burst.config import AppConfig
from emr_burst.core.errors import EmrBurstError
from emr_burst.stacks.emr_eks_stack import (
    PLATFORM_STACK_TEAMS,
    TEAMS_PER_STACK,
    EmrEksStack,
    EmrEksTeamsStack,
    team_stack_chunks,
)
from emr_burst.stacks.network_stack import NetworkStack
from tests.harness.checks import DEFAULT_LINT_REGIONS, NAG_PACKS, cfn_lint_errors, nag_findings
from tests.harness.reference import new_app

TEAMS = tuple(f"team{i:03d}" for i in range(100))
#: Half of CloudFormation's quotas: resources, outputs, template body (bytes, uploaded via S3).
HALF_LIMITS = {"resources": 250, "outputs": 100, "bytes": 500 * 1024}


@functools.cache
def _hundred_teams() -> tuple[Any, cx_api.CloudAssembly, EmrEksStack]:
    app = new_app({"emr-burst:eksTeams": list(TEAMS)})
    config = AppConfig.from_context(app.node.try_get_context)
    network = NetworkStack(app, "Net", config=config)
    platform = EmrEksStack(app, "Platform", config=config, network=network)
    for number, teams in enumerate(team_stack_chunks(config.eks.teams), start=2):
        EmrEksTeamsStack(app, f"Teams{number}", config=config, platform_stack=platform, teams=teams)
    return app, app.synth(), platform


def test_teams_are_spread_in_order_over_the_platform_and_team_stacks() -> None:
    _, assembly, platform = _hundred_teams()
    assert list(platform.teams) == list(TEAMS[:PLATFORM_STACK_TEAMS])
    chunks = team_stack_chunks(TEAMS)
    assert [len(c) for c in chunks] == [24, 24, 24, 12]
    assert all(len(c) <= TEAMS_PER_STACK for c in chunks)
    assert sum(len(c) for c in chunks) + PLATFORM_STACK_TEAMS == len(TEAMS)
    names = {s.stack_name for s in assembly.stacks}
    assert {"Platform", "Teams2", "Teams3", "Teams4", "Teams5"} <= names


def test_every_stack_stays_under_half_of_cloudformations_limits() -> None:
    _, assembly, _ = _hundred_teams()
    for stack in assembly.stacks:
        template = stack.template
        size = len(json.dumps(template).encode())
        assert len(template["Resources"]) <= HALF_LIMITS["resources"], stack.stack_name
        assert len(template.get("Outputs", {})) <= HALF_LIMITS["outputs"], stack.stack_name
        assert size <= HALF_LIMITS["bytes"], (stack.stack_name, size)


def test_team_stacks_reach_the_platform_through_weak_references() -> None:
    _, assembly, _ = _hundred_teams()
    template = assembly.get_stack_by_name("Teams2").template
    manifests = [
        r
        for r in template["Resources"].values()
        if r["Type"] == "Custom::AWSCDK-EKS-KubernetesResource"
    ]
    assert len(manifests) == TEAMS_PER_STACK
    token = json.dumps(manifests[0]["Properties"]["ServiceToken"])
    assert "Fn::GetStackOutput" in token
    assert "Platform" in token


def test_a_team_stack_lints_clean_and_passes_the_nag_packs() -> None:
    app, assembly, _ = _hundred_teams()
    errors = cfn_lint_errors(
        assembly.get_stack_by_name("Teams5").template, list(DEFAULT_LINT_REGIONS)
    )
    assert not errors, errors
    for pack in NAG_PACKS:
        findings = [f for f in nag_findings(app, pack) if "Teams" in f]
        assert not findings, findings


def test_fails_when_a_team_stack_reuses_a_namespace_of_the_platform_stack() -> None:
    app = new_app({"emr-burst:eksTeams": ["alpha", "beta"]})
    config = AppConfig.from_context(app.node.try_get_context)
    platform = EmrEksStack(app, "Platform", config=config)
    with pytest.raises(EmrBurstError, match="already has the virtual cluster of Platform/Teams"):
        EmrEksTeamsStack(app, "More", config=config, platform_stack=platform, teams=("beta",))
