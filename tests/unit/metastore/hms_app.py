"""A small app with the three metastore patterns, synthesized once per test module."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_lambda as lambda_
from aws_cdk.assertions import Template

from emr_burst.emr_eks import AutoModeCompute, EmrEksPlatform, SparkTeam
from emr_burst.metastore import HiveMetastore, MetastoreDatabase, MetastoreImage, MetastorePattern
from tests.harness.checks import manifests_in
from tests.unit.emr_eks.eks_app import KUBECTL_LAYER_ARN, new_stack

IMAGE = MetastoreImage(
    repository="123456789012.dkr.ecr.us-east-1.amazonaws.com/hive-metastore", tag="3.1.3-1"
)
CLIENT_CIDR = "10.0.0.0/16"


def vpc_with_isolated_subnets(stack: cdk.Stack, construct_id: str = "Vpc") -> ec2.Vpc:
    return ec2.Vpc(
        stack,
        construct_id,
        max_azs=2,
        nat_gateways=1,
        restrict_default_security_group=False,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="Public", subnet_type=ec2.SubnetType.PUBLIC),
            ec2.SubnetConfiguration(name="Private", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
            ec2.SubnetConfiguration(name="Isolated", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
        ],
    )


def platform_in(stack: cdk.Stack, vpc: ec2.IVpc, construct_id: str = "Platform") -> EmrEksPlatform:
    kubectl = lambda_.LayerVersion.from_layer_version_arn(
        stack, f"{construct_id}KubectlLayer", KUBECTL_LAYER_ARN
    )
    return EmrEksPlatform(
        stack, construct_id, vpc=vpc, kubectl_layer=kubectl, compute=AutoModeCompute()
    )


@dataclass
class HmsApp:
    stack: cdk.Stack
    platform: EmrEksPlatform
    database: MetastoreDatabase
    sidecar: HiveMetastore
    dedicated: HiveMetastore
    sidecar_team: SparkTeam
    dedicated_team: SparkTeam
    pod_identity_team: SparkTeam
    template: Template

    @property
    def json(self) -> dict[str, Any]:
        return dict(self.template.to_json())

    def objects(self, kind: str) -> list[dict[str, Any]]:
        return [obj for _, obj in manifests_in(self.json) if obj["kind"] == kind]

    def resources(self, type_name: str) -> dict[str, dict[str, Any]]:
        return {
            logical_id: resource
            for logical_id, resource in self.json["Resources"].items()
            if resource["Type"] == type_name
        }

    def policy_text(self, role: Any) -> str:
        """Every statement of the managed policy of ``role`` as JSON."""
        logical_id = self.stack.get_logical_id(role.policy.node.default_child)
        return json.dumps(self.json["Resources"][logical_id]["Properties"]["PolicyDocument"])


def hms_app() -> HmsApp:
    """A platform with a sidecar metastore (an IRSA and a Pod Identity team) and a dedicated one."""
    stack = new_stack("Hms")
    vpc = vpc_with_isolated_subnets(stack)
    platform = platform_in(stack, vpc)
    database = MetastoreDatabase(stack, "Db", vpc=vpc)
    sidecar = HiveMetastore(
        stack, "Sidecar", pattern="sidecar", platform=platform, database=database, image=IMAGE
    )
    dedicated = HiveMetastore(
        stack,
        "Dedicated",
        pattern=MetastorePattern.CLUSTER_DEDICATED,
        platform=platform,
        database=database,
        image=IMAGE,
    )
    sidecar_team = SparkTeam(
        stack, "Analytics", platform=platform, namespace="analytics", role_name="hms-analytics-job"
    )
    sidecar_team.add_extension(sidecar)
    pod_identity_team = SparkTeam(
        stack,
        "Labs",
        platform=platform,
        namespace="labs",
        role_name="hms-labs-job",
        identity="pod-identity",
    )
    pod_identity_team.add_extension(sidecar)
    dedicated_team = SparkTeam(
        stack, "Reports", platform=platform, namespace="reports", role_name="hms-reports-job"
    )
    dedicated_team.add_extension(dedicated)
    return HmsApp(
        stack=stack,
        platform=platform,
        database=database,
        sidecar=sidecar,
        dedicated=dedicated,
        sidecar_team=sidecar_team,
        dedicated_team=dedicated_team,
        pod_identity_team=pod_identity_team,
        template=Template.from_stack(stack),
    )


@dataclass
class ExternalApp:
    stack: cdk.Stack
    metastore: HiveMetastore
    client: SparkTeam
    template: Template

    def objects(self, kind: str) -> list[dict[str, Any]]:
        return [obj for _, obj in manifests_in(self.template.to_json()) if obj["kind"] == kind]


def external_app() -> ExternalApp:
    """A metastore cluster of its own and a processing cluster whose team uses it."""
    stack = new_stack("HmsExternal")
    vpc = vpc_with_isolated_subnets(stack)
    metastore_platform = platform_in(stack, vpc, "MetastorePlatform")
    processing = platform_in(stack, vpc, "ProcessingPlatform")
    database = MetastoreDatabase(stack, "Db", vpc=vpc)
    metastore = HiveMetastore(
        stack,
        "External",
        pattern=MetastorePattern.EXTERNAL,
        platform=metastore_platform,
        database=database,
        image=IMAGE,
        replicas=3,
        client_cidrs=[CLIENT_CIDR],
        warehouse_location=None,
    )
    client = SparkTeam(
        stack, "Science", platform=processing, namespace="datascience", role_name="hms-science-job"
    )
    client.add_extension(metastore)
    return ExternalApp(
        stack=stack, metastore=metastore, client=client, template=Template.from_stack(stack)
    )
