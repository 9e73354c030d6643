"""Reference stack: the YuniKorn post's HomeMax cluster (fixed 4 x m5.2xlarge) with its four queues.

One namespace ``emr`` with one virtual cluster ``emr-on-eks-cluster-v`` runs every job; the job
template picks the queue, as the post's annotations do. The queue block is the post's own
(guaranteed 10/38, 8/32, 6/26, 6/26 vCPU/GiB, max 24/96 each, priorities 100/75/50/25, FIFO, fair,
fair, FIFO); where the post's scenario text gives other priorities, the queue block wins
(docs/yunikorn.md).
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from constructs import Construct

from emr_burst.config import AppConfig
from emr_burst.core.iam import ManagedPolicyRole
from emr_burst.emr_eks import EmrEksPlatform, JobTemplate, NodeGroupCompute, SparkTeam
from emr_burst.scheduling import GangScheduling, Queue, QueueResources, SortPolicy, YuniKorn
from emr_burst.stacks._base import BurstStack, compute_placement
from emr_burst.stacks.emr_eks_stack import allow_describe, platform_admin_role
from emr_burst.stacks.network_stack import NetworkStack

NAMESPACE = "emr"
VIRTUAL_CLUSTER = "emr-on-eks-cluster-v"
#: Every queue may burst to 80% of what the cluster has for Spark (24 of 30 vCPU, 96 of 120 GiB).
BURST = QueueResources(vcore=24, memory="96Gi")


#: The post's queue block: (name, guaranteed vCPU, guaranteed GiB, priority, sort policy).
HOMEMAX_QUEUES = (
    ("analytics-queue", 10, 38, 100, SortPolicy.FIFO),
    ("marketing-queue", 8, 32, 75, SortPolicy.FAIR),
    ("datascience-queue", 6, 26, 50, SortPolicy.FAIR),
    ("default", 6, 26, 25, SortPolicy.FIFO),
)


def homemax_queues() -> list[Queue]:
    """The post's queues. Its "GB" are GiB: 38 is 30% of the cluster's 128 GiB."""
    return [
        Queue(
            name,
            guaranteed=QueueResources(vcore=vcore, memory=f"{gib}Gi"),
            max=BURST,
            priority=priority,
            sort_policy=policy,
        )
        for name, vcore, gib, priority, policy in HOMEMAX_QUEUES
    ]


#: Driver 1 core / 2g, executors 2 cores / 4g: the post's gang jobs hold 9 (analytics: driver +
#: 4 executors) and 17 (marketing: driver + 8 executors) cores.
_SIZES = {
    "spark.driver.cores": "1",
    "spark.driver.memory": "2g",
    "spark.executor.cores": "2",
    "spark.executor.memory": "4g",
}


def _executors(low: int, high: int) -> dict[str, str]:
    return {
        "spark.dynamicAllocation.minExecutors": str(low),
        "spark.dynamicAllocation.initialExecutors": str(low),
        "spark.dynamicAllocation.maxExecutors": str(high),
    }


class YuniKornStack(BurstStack):
    """A fixed-capacity EMR on EKS platform with YuniKorn and one job template per queue."""

    def __init__(
        self, scope: Construct, construct_id: str, *, config: AppConfig, network: NetworkStack
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            **compute_placement(config),
            description="emr-burst YuniKorn reference: fixed 4 x m5.2xlarge EMR on EKS, 4 queues",
        )
        removal = config.removal_policy
        admin_role = platform_admin_role(self, config)
        self.platform = EmrEksPlatform(
            self,
            "Platform",
            vpc=network.network.vpc,
            kubernetes_version=config.eks.kubernetes_version,
            compute=NodeGroupCompute(),
            admin_role=admin_role,
            public_endpoint_cidrs=config.eks.public_endpoint_cidrs,
            removal_policy=removal,
        )
        allow_describe(admin_role, self.platform)
        self.yunikorn = YuniKorn(self, "YuniKorn", platform=self.platform, queues=homemax_queues())
        # No namespace ResourceQuota: the queues are the quota (a requests quota would count the
        # gang placeholders and the pods replacing them twice).
        self.team = SparkTeam(
            self,
            "Emr",
            platform=self.platform,
            namespace=NAMESPACE,
            virtual_cluster_name=VIRTUAL_CLUSTER,
            release_label=config.eks.release_label,
            argument_parameters=("Arguments",),
            removal_policy=removal,
        )
        self.team.job_template.add_extension(self.yunikorn.queue("default"))
        self.templates: dict[str, JobTemplate] = {"default": self.team.job_template}
        for name, conf, gang in (
            ("analytics", {**_SIZES, **_executors(4, 8)}, GangScheduling()),
            ("marketing", {**_SIZES, **_executors(8, 10)}, GangScheduling()),
            ("datascience", {**_SIZES, **_executors(2, 8)}, None),
        ):
            template = self.team.add_job_template(name.capitalize(), spark_conf=conf)
            template.add_extension(self.yunikorn.queue(f"{name}-queue", gang=gang))
            self.templates[name] = template

        submitter = ManagedPolicyRole(
            self,
            "SubmitterRole",
            assumed_by=iam.AccountRootPrincipal(),
            description="Submits Spark jobs to the YuniKorn queues' job templates",
        )
        self.team.grant_start_job_run(submitter)
        outputs = {
            "ClusterName": self.platform.cluster.cluster_name,
            "VirtualClusterId": self.team.virtual_cluster.virtual_cluster_id,
            "SubmitterRoleArn": submitter.role_arn,
            **{
                f"{name.capitalize()}JobTemplateId": template.job_template_id
                for name, template in self.templates.items()
            },
        }
        for label, value in outputs.items():
            cdk.CfnOutput(self, label, value=value)
