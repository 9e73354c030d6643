"""Reference stacks of Lake Formation fine-grained access control: producer and consumer accounts.

Two stacks, deployed in this order (docs/lake-formation.md):

1. ``LakeFormationProducer`` (producer account and region): the governed Iceberg tables, the data
   cell filter and the grants to the consumer account.
2. Accept the AWS RAM invitation in the consumer account (outside an organization only).
3. ``LakeFormationConsumer`` (the EMR on EKS platform's account and region): resource links, the
   teams' grants, the secure namespace, the query engine and job roles, the security
   configuration, the virtual cluster and the job templates, on the reference platform.

Each stack names the other side's account. When ``emr-burst:producerAccount`` or
``emr-burst:consumerAccount`` is not set, that account becomes a CloudFormation parameter of the
stack that needs it (``ConsumerAccountId``, ``ProducerAccountId``), given at deploy time.
"""

from __future__ import annotations

import dataclasses

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from constructs import Construct

from emr_burst.config import AppConfig
from emr_burst.core import buckets as _buckets
from emr_burst.core import kms as _kms
from emr_burst.core.errors import Checker
from emr_burst.core.iam import ManagedPolicyRole
from emr_burst.core.removal import data_removal_policy
from emr_burst.governance import LakeFormationConsumer, LakeFormationFgac, LakeFormationProducer
from emr_burst.stacks._base import BurstStack, placement
from emr_burst.stacks.emr_eks_stack import EmrEksStack


def _account(stack: cdk.Stack, value: str | None, parameter: str, side: str) -> str:
    """The literal account from context, or a parameter that CloudFormation checks."""
    if value is not None:
        return value
    return cdk.CfnParameter(
        stack,
        parameter,
        type="String",
        allowed_pattern=r"^\d{12}$",
        constraint_description="an AWS account id: 12 digits",
        description=f"The {side} account (set emr-burst:{side}Account to fix it at synth time)",
    ).value_as_string


class LakeFormationProducerStack(BurstStack):
    """The producer account: governed data, its catalog and the grants to the consumer."""

    def __init__(self, scope: Construct, construct_id: str, *, config: AppConfig) -> None:
        side = config.producer
        super().__init__(
            scope,
            construct_id,
            **placement(config, account=side.account, region=side.region),
            description="emr-burst Lake Formation producer: Iceberg tables, filter, share",
        )
        consumer = config.consumer.account or config.compute.account
        removal = config.removal_policy
        self.producer = LakeFormationProducer(
            self,
            "Producer",
            consumer_account=_account(self, consumer, "ConsumerAccountId", "consumer"),
            removal_policy=removal,
        )
        cdk.CfnOutput(self, "DataBucketName", value=self.producer.bucket.bucket_name)
        cdk.CfnOutput(self, "Warehouse", value=self.producer.warehouse)


class LakeFormationConsumerStack(BurstStack):
    """The consumer account: resource links, team grants and FGAC on the reference platform."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: AppConfig,
        platform_stack: EmrEksStack,
        producer_stack: LakeFormationProducerStack,
    ) -> None:
        compute, consumer, producer = config.compute, config.consumer, config.producer
        check = Checker(scope, construct_id, "LakeFormationConsumerStack")
        for part in ("account", "region"):
            mine, platform = getattr(consumer, part), getattr(compute, part)
            if mine is not None and platform is not None and mine != platform:
                check.add(
                    f"emr-burst:consumer{part.capitalize()}",
                    mine,
                    f"the consumer runs on the reference EMR on EKS platform, which is in "
                    f"{part} {platform} (emr-burst:compute{part.capitalize()}); use the same",
                )
        region = consumer.region or compute.region
        if producer.region is not None and region is not None and producer.region != region:
            check.add(
                "emr-burst:producerRegion",
                producer.region,
                f"resource links and the jobs' Glue catalog are regional: put the producer in "
                f"the consumer's region {region}",
            )
        check.raise_if_any()
        super().__init__(
            scope,
            construct_id,
            **placement(config, account=consumer.account or compute.account, region=region),
            description="emr-burst Lake Formation consumer: resource links, grants, FGAC jobs",
        )
        self.add_stack_dependency(platform_stack)
        self.add_stack_dependency(producer_stack)
        share = dataclasses.replace(
            producer_stack.producer.share,
            account=_account(self, producer.account, "ProducerAccountId", "producer"),
        )
        removal = config.removal_policy
        # The post's consumer bucket: job scripts and logs, apart from the producer's data.
        key = _kms.new_key(
            self,
            "JobKey",
            description="Lake Formation consumer jobs: scripts and logs",
            removal_policy=data_removal_policy(self, removal),
        )
        self.bucket = _buckets.kms_bucket(
            self,
            "JobBucket",
            key=key,
            removal_policy=data_removal_policy(self, removal),
            access_logs=_buckets.access_log_bucket(
                self, "AccessLogBucket", removal_policy=data_removal_policy(self, removal)
            ),
            access_logs_prefix="job-bucket/",
        )
        self.fgac = LakeFormationFgac(
            self,
            "Fgac",
            platform=platform_stack.platform,
            share=share,
            consumer_database="consumer_healthcare_db",
            release_label=config.eks.release_label,
            bucket=self.bucket,
        )
        self.consumer = LakeFormationConsumer(
            self,
            "Consumer",
            share=share,
            team_roles=self.fgac.job_roles,
            database_name="consumer_healthcare_db",
            removal_policy=removal,
        )
        cdk.CfnOutput(self, "JobBucketName", value=self.bucket.bucket_name)
        cdk.CfnOutput(self, "VirtualClusterId", value=self.fgac.virtual_cluster.virtual_cluster_id)
        for team, template in self.fgac.job_templates.items():
            # Each team submits only from its own job template, which pins its job role.
            submitter = ManagedPolicyRole(
                self,
                f"{team.capitalize()}Submitter",
                assumed_by=iam.AccountRootPrincipal(),
                description=f"Submits {team}'s Lake Formation jobs from its job template",
            )
            template.grant_start_job_run(submitter)
            cdk.CfnOutput(self, f"{team.capitalize()}SubmitterRoleArn", value=submitter.role_arn)
            cdk.CfnOutput(self, f"{team.capitalize()}JobTemplateId", value=template.job_template_id)
            cdk.CfnOutput(
                self, f"{team.capitalize()}RoleArn", value=self.fgac.job_roles[team].role_arn
            )
