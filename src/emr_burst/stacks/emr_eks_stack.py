"""Reference stack: the EMR on EKS platform with the YuniKorn post's three Spark teams."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from constructs import Construct

from emr_burst.config import AppConfig
from emr_burst.core.iam import ManagedPolicyRole
from emr_burst.emr_eks import (
    AutoModeCompute,
    ContainerLimits,
    EmrEksPlatform,
    GlueAccess,
    NamespaceQuota,
    NodeGroupCompute,
    SparkTeam,
)
from emr_burst.network.network import InterfaceEndpoint, Network
from emr_burst.observability import SparkEventLogs
from emr_burst.stacks._base import BurstStack, compute_placement
from emr_burst.stacks.network_stack import NetworkStack

#: Each team's namespace may request what the YuniKorn post lets a queue burst to (24 vCPU, 96 GiB).
TEAM_QUOTA = NamespaceQuota(requests_cpu="24", requests_memory="96Gi")
#: A requests quota refuses containers without requests: these defaults give every such container
#: (EMR's logging sidecar, the job runner's) a request, so the quota can count it.
TEAM_LIMITS = ContainerLimits(default_request_cpu="100m", default_request_memory="256Mi")

#: Teams the platform's own stack holds; further teams go into team stacks of
#: ``TEAMS_PER_STACK`` each. A reference team costs 8 resources and 4 outputs, so both numbers
#: keep every stack under half of CloudFormation's limits (250 resources, 100 outputs, 500 KB);
#: ``make bench BENCH_ARGS="--teams 100"`` measures it.
PLATFORM_STACK_TEAMS = 16
TEAMS_PER_STACK = 24


class EmrEksStack(BurstStack):
    """One EMR on EKS platform and a Spark team (virtual cluster, role, job template) per team.

    The VPC comes from the shared :class:`NetworkStack` when one is given; otherwise the stack
    builds its own :class:`Network`.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: AppConfig,
        network: NetworkStack | None = None,
        teams: tuple[str, ...] | None = None,
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            **compute_placement(config),
            description="emr-burst EMR on EKS platform: EKS with access entries, Spark teams",
        )
        eks_config = config.eks
        removal = config.removal_policy
        vpc: ec2.IVpc
        if network is not None:
            vpc = network.network.vpc
        else:
            vpc = Network(
                self,
                "Network",
                cidr=config.network.cidr,
                max_azs=config.network.max_azs,
                nat_gateways=config.network.nat_gateways,
                interface_endpoints=[
                    InterfaceEndpoint(n) for n in config.network.interface_endpoints
                ],
                removal_policy=removal,
            ).vpc

        admin_role = platform_admin_role(self, config)
        compute = AutoModeCompute() if eks_config.compute_mode == "auto" else NodeGroupCompute()
        self.platform = EmrEksPlatform(
            self,
            "Platform",
            vpc=vpc,
            kubernetes_version=eks_config.kubernetes_version,
            compute=compute,
            admin_role=admin_role,
            public_endpoint_cidrs=eks_config.public_endpoint_cidrs,
            removal_policy=removal,
        )

        allow_describe(admin_role, self.platform)
        # One event-log store for every team of the platform (and the History Server's stack).
        self.event_logs = SparkEventLogs(
            self,
            "EventLogs",
            expiration=cdk.Duration.days(config.observability.expiration_days),
            writer_accounts=config.observability.writer_accounts,
            removal_policy=removal,
        )
        self.teams = add_reference_teams(
            self,
            self.platform,
            teams if teams is not None else eks_config.teams[:PLATFORM_STACK_TEAMS],
            config,
            event_logs=self.event_logs,
        )
        cdk.CfnOutput(self, "ClusterName", value=self.platform.cluster.cluster_name)
        cdk.CfnOutput(self, "JobBucketName", value=self.platform.job_bucket.bucket_name)


def platform_admin_role(stack: cdk.Stack, config: AppConfig) -> iam.IRole:
    """The cluster's administrator: the configured role, or one the account may assume."""
    if config.eks.admin_role_arn:
        return iam.Role.from_role_arn(stack, "AdminRole", config.eks.admin_role_arn, mutable=False)
    return ManagedPolicyRole(
        stack,
        "AdminRole",
        assumed_by=iam.AccountRootPrincipal(),
        description="Administers the EMR on EKS platform's cluster (kubectl via access entry)",
    )


def allow_describe(admin_role: iam.IRole, platform: EmrEksPlatform) -> None:
    """Operators assume the admin role and run ``aws eks update-kubeconfig``; the access entry
    gives it cluster-admin inside Kubernetes."""
    if isinstance(admin_role, ManagedPolicyRole):
        admin_role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["eks:DescribeCluster"], resources=[platform.cluster.cluster_arn]
            )
        )


class EmrEksTeamsStack(BurstStack):
    """More Spark teams on the platform of an :class:`EmrEksStack`, in a stack of their own.

    The teams use the platform object itself, so CDK passes its cluster, kubectl provider, OIDC
    provider, bucket and key as cross-stack references, and the platform still refuses a
    namespace that another stack's team already uses.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: AppConfig,
        platform_stack: EmrEksStack,
        teams: tuple[str, ...],
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            **compute_placement(config),
            description="emr-burst EMR on EKS Spark teams on the platform of "
            f"{platform_stack.stack_name}",
        )
        self.add_stack_dependency(platform_stack)
        self.platform = platform_stack.platform
        self.teams = add_reference_teams(
            self, self.platform, teams, config, event_logs=platform_stack.event_logs
        )


def team_stack_chunks(teams: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The teams of each team stack, in order, after the platform stack's own.

    Teams are placed by position: add new teams at the end of ``eksTeams``; removing one from the
    middle moves the teams after it into other stacks (CloudFormation replaces them there).
    """
    rest = teams[PLATFORM_STACK_TEAMS:]
    return [rest[i : i + TEAMS_PER_STACK] for i in range(0, len(rest), TEAMS_PER_STACK)]


def add_reference_teams(
    stack: cdk.Stack,
    platform: EmrEksPlatform,
    names: tuple[str, ...],
    config: AppConfig,
    event_logs: SparkEventLogs | None = None,
) -> dict[str, SparkTeam]:
    """The reference app's teams: quota, Glue database, a submitter role and four outputs each;
    with ``event_logs``, every job template of each team writes its Spark event logs there."""
    eks_config = config.eks
    removal = config.removal_policy
    teams: dict[str, SparkTeam] = {}
    team_scope = Construct(stack, "Teams")
    for name in names:
        construct_name = "".join(part.capitalize() for part in name.split("-"))
        team = SparkTeam(
            team_scope,
            construct_name,
            platform=platform,
            namespace=name,
            release_label=eks_config.release_label,
            glue=GlueAccess(databases=(name.replace("-", "_"),)),
            quota=TEAM_QUOTA,
            limits=TEAM_LIMITS,
            argument_parameters=("Arguments",),
            removal_policy=removal,
        )
        submitter = add_submitter(team, name)
        if event_logs is not None:
            team.add_extension(event_logs)
        teams[name] = team
        for label, value in (
            ("VirtualClusterId", team.virtual_cluster.virtual_cluster_id),
            ("JobTemplateId", team.job_template.job_template_id),
            ("ExecutionRoleArn", team.execution_role.role_arn),
            ("SubmitterRoleArn", submitter.role_arn),
        ):
            cdk.CfnOutput(team, label, value=value, description=f"{name}: {label}")
    return teams


def add_submitter(team: SparkTeam, name: str) -> ManagedPolicyRole:
    """A role of the account that may start, watch and cancel the team's jobs."""
    submitter = ManagedPolicyRole(
        team,
        "SubmitterRole",
        assumed_by=iam.AccountRootPrincipal(),
        description=f"Submits Spark jobs to the {name} virtual cluster",
    )
    team.grant_start_job_run(submitter)
    return submitter
