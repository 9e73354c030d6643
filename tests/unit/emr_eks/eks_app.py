"""Small EKS stacks shared by the platform and team unit tests (each synth costs seconds)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Template

from emr_burst.emr_eks import (
    AutoModeCompute,
    ContainerLimits,
    EmrEksPlatform,
    GlueAccess,
    IEmrEksPlatform,
    NamespaceQuota,
    NodeGroupCompute,
    SparkTeam,
    auto_mode_placement,
)
from tests.harness.reference import new_app

#: The public kubectl layer ARN form; importing by ARN keeps unit tests free of the layer asset.
KUBECTL_LAYER_ARN = "arn:aws:lambda:us-east-1:123456789012:layer:kubectl:1"
ANALYTICS_ROLE = "emr-burst-analytics-job"
MARKETING_ROLE = "emr-burst-marketing-job"


def vpc(stack: cdk.Stack) -> ec2.IVpc:
    return ec2.Vpc(
        stack,
        "Vpc",
        max_azs=2,
        nat_gateways=1,
        restrict_default_security_group=False,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="Public", subnet_type=ec2.SubnetType.PUBLIC),
            ec2.SubnetConfiguration(name="Private", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
        ],
    )


def layer(stack: cdk.Stack) -> lambda_.ILayerVersion:
    return lambda_.LayerVersion.from_layer_version_arn(stack, "KubectlLayer", KUBECTL_LAYER_ARN)


def new_stack(name: str) -> cdk.Stack:
    # Environment-agnostic, like the reference stacks: no AZ lookup, account and region tokens.
    # The app carries the cdk.json feature flags, as the reference app does.
    return cdk.Stack(new_app(), name)


@dataclass
class AutoModeApp:
    stack: cdk.Stack
    platform: EmrEksPlatform
    analytics: SparkTeam
    marketing: SparkTeam
    submitter: iam.Role
    admin: iam.Role
    template: Template

    @property
    def json(self) -> dict[str, Any]:
        return dict(self.template.to_json())


def auto_mode_app() -> AutoModeApp:
    """Auto Mode platform, an IRSA team with Glue and quota, and a Pod Identity team."""
    stack = new_stack("Auto")
    admin = iam.Role(stack, "Admin", assumed_by=iam.AccountRootPrincipal())
    platform = EmrEksPlatform(
        stack,
        "Platform",
        vpc=vpc(stack),
        kubectl_layer=layer(stack),
        compute=AutoModeCompute(),
        admin_role=admin,
    )
    analytics = SparkTeam(
        stack,
        "Analytics",
        platform=platform,
        namespace="analytics",
        role_name=ANALYTICS_ROLE,
        glue=GlueAccess(databases=("sales",)),
        quota=NamespaceQuota(requests_cpu="24", requests_memory="96Gi"),
        limits=ContainerLimits(default_request_cpu="100m", default_request_memory="256Mi"),
        argument_parameters=("InputPath", "OutputPath"),
    )
    # Another construct's grant on the job role (as SparkEventLogs will do) lands in its policy.
    extra = s3.Bucket(stack, "EventLogs", enforce_ssl=True)
    extra.grant_read(analytics.execution_role)
    analytics.add_spark_conf(
        {"spark.kubernetes.driver.annotation.yunikorn.apache.org/queue": "root.analytics"}
    )
    marketing = SparkTeam(
        stack,
        "Marketing",
        platform=platform,
        namespace="marketing",
        role_name=MARKETING_ROLE,
        identity="pod-identity",
    )
    submitter = iam.Role(stack, "Submitter", assumed_by=iam.AccountRootPrincipal())
    analytics.grant_start_job_run(submitter)
    return AutoModeApp(
        stack=stack,
        platform=platform,
        analytics=analytics,
        marketing=marketing,
        submitter=submitter,
        admin=admin,
        template=Template.from_stack(stack),
    )


def node_group_app() -> tuple[EmrEksPlatform, Template]:
    """The YuniKorn post's fixed cluster with a public endpoint limited to one CIDR, one team."""
    stack = new_stack("Fixed")
    platform = EmrEksPlatform(
        stack,
        "Platform",
        vpc=vpc(stack),
        kubectl_layer=layer(stack),
        compute=NodeGroupCompute(),
        public_endpoint_cidrs=["203.0.113.0/24"],
    )
    SparkTeam(
        stack, "Analytics", platform=platform, namespace="analytics", role_name=ANALYTICS_ROLE
    )
    return platform, Template.from_stack(stack)


#: Attributes of a platform some other stack built, for tests that import it (no EKS cluster).
IMPORTED_SERVICE_TOKEN = "arn:aws:lambda:us-east-1:123456789012:function:kubectl-provider"
IMPORTED_OIDC_ARN = (
    "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"
)
IMPORTED_KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def imported_platform(stack: cdk.Stack) -> IEmrEksPlatform:
    """A platform built elsewhere, imported with a job bucket and a data key, as a team stack
    or a capability stack would."""
    return EmrEksPlatform.from_platform_attributes(
        stack,
        "Platform",
        cluster_name="emr-burst",
        kubectl_provider_service_token=IMPORTED_SERVICE_TOKEN,
        open_id_connect_provider_arn=IMPORTED_OIDC_ARN,
        placement=auto_mode_placement(),
        job_bucket=s3.Bucket.from_bucket_name(stack, "Jobs", "emr-burst-jobs"),
        data_key=kms.Key.from_key_arn(stack, "Key", IMPORTED_KEY_ARN),
    )
