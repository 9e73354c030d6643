"""One stack with the event-log store, a History Server and two producers, synthesized once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Template

from emr_burst.emr_eks import SparkTeam
from emr_burst.observability import ClientVpn, PrivateAccess, SparkEventLogs, SparkHistoryServer
from tests.harness.checks import flatten_named
from tests.unit.emr_eks.eks_app import imported_platform, new_stack, vpc

VPC_CIDR = "10.0.0.0/16"
OTHER_ACCOUNT = "111122223333"


@dataclass
class ShsApp:
    stack: cdk.Stack
    logs: SparkEventLogs
    server: SparkHistoryServer
    teams: list[SparkTeam]
    instance_role: iam.Role
    template: Template

    @property
    def json(self) -> dict[str, Any]:
        return dict(self.template.to_json())

    def resources(self, kind: str) -> dict[str, dict[str, Any]]:
        return {k: r for k, r in self.json["Resources"].items() if r["Type"] == kind}

    def manifests(self) -> Iterator[dict[str, Any]]:
        for resource in self.resources("Custom::AWSCDK-EKS-KubernetesResource").values():
            yield from json.loads(flatten_named(resource["Properties"]["Manifest"]))


def shs_app(writer_accounts: list[str] | None = None) -> ShsApp:
    stack = new_stack("Shs")
    platform = imported_platform(stack)
    logs = SparkEventLogs(
        stack,
        "EventLogs",
        writer_accounts=writer_accounts if writer_accounts is not None else [OTHER_ACCOUNT],
    )
    server = SparkHistoryServer(
        stack,
        "HistoryServer",
        platform=platform,
        event_logs=logs,
        vpc=vpc(stack),
        vpc_cidr=VPC_CIDR,
        access=PrivateAccess(domain="example.internal", client_vpn=ClientVpn()),
    )
    teams = []
    for name in ("datascience-cluster-v", "analytics-cluster-v"):
        team = SparkTeam(
            stack,
            name.title().replace("-", ""),
            platform=platform,
            namespace=name,
            role_name=f"shs-test-{name}-job",
        )
        team.add_extension(logs)
        team.grant_start_job_run(iam.Role(team, "Submitter", assumed_by=iam.AccountRootPrincipal()))
        teams.append(team)
    instance_role = iam.Role(
        stack, "Ec2Nodes", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com")
    )
    logs.grant_write(instance_role)
    return ShsApp(
        stack=stack,
        logs=logs,
        server=server,
        teams=teams,
        instance_role=instance_role,
        template=Template.from_stack(stack),
    )
