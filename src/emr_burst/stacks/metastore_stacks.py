"""Reference stacks of issue 11: Hive Metastore in the design-patterns post's three patterns.

``HiveMetastoreStack`` puts the sidecar and the cluster-dedicated patterns on the platform of
``EmrEksStack`` (the post's ``analytics-cluster``), each with a Spark team that uses it and a Spark
SQL job template running Hive scripts. ``ExternalMetastoreStack`` builds the post's
``hivemetastore-cluster`` (an EKS cluster of its own) with the metastore behind an internal NLB,
used by a team on the processing platform (the post's ``datascience-cluster``).
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_s3 as s3
from constructs import Construct

from emr_burst.config import AppConfig
from emr_burst.config.metastore import DEFAULT_REPOSITORY_NAME
from emr_burst.core import buckets as _buckets
from emr_burst.core import kms as _kms
from emr_burst.core import rules
from emr_burst.core.removal import data_removal_policy
from emr_burst.emr_eks import AutoModeCompute, EmrEksPlatform, JobDriver, SparkTeam
from emr_burst.metastore import HiveMetastore, MetastoreDatabase, MetastoreImage, MetastorePattern
from emr_burst.stacks._base import BurstStack, compute_placement
from emr_burst.stacks.emr_eks_stack import EmrEksStack, add_submitter
from emr_burst.stacks.network_stack import NetworkStack

#: The account and region of the image when neither the image nor the compute side is configured:
#: AWS's documentation account, so the stack synthesizes; a warning says to configure the image.
EXAMPLE_ACCOUNT = "123456789012"
EXAMPLE_REGION = "us-east-1"

#: The Spark SQL post's job: a script of Hive statements with ``-hivevar`` variables given per run.
HIVE_SQL_PARAMETERS = "-hivevar S3Bucket=${S3Bucket} -hivevar Key_ID=${KeyId}"


def metastore_image(scope: Construct, config: AppConfig) -> MetastoreImage:
    """The configured image, or ``emr-burst/hive-metastore`` in the compute account's ECR."""
    settings = config.metastore
    if settings.image_repository:
        return MetastoreImage(repository=settings.image_repository, tag=settings.image_tag)
    account, region = config.compute.account, config.compute.region
    if not account or not region or rules.unresolved(account) or rules.unresolved(region):
        cdk.Annotations.of(scope).add_warning_v2(
            "emr-burst:metastore-image-example",
            "no metastore image configured and no compute account and region to derive it from: "
            f"the manifests name {EXAMPLE_ACCOUNT}'s ECR; set emr-burst:metastoreImageRepository "
            "(or emr-burst:computeAccount and emr-burst:computeRegion) before deploying",
        )
        account, region = EXAMPLE_ACCOUNT, EXAMPLE_REGION
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return MetastoreImage(
        repository=f"{account}.dkr.ecr.{region}.{suffix}/{DEFAULT_REPOSITORY_NAME}",
        tag=settings.image_tag,
    )


def _client_team(
    stack: cdk.Stack, platform: EmrEksPlatform, name: str, config: AppConfig, jobs: s3.Bucket
) -> SparkTeam:
    """A team on ``platform`` that keeps its scripts, data and logs in ``jobs`` of this stack: the
    platform's job bucket lives in another stack, so the team's grants and its job template's log
    URI name one bucket of one template."""
    removal = config.removal_policy
    key = jobs.encryption_key
    assert key is not None
    team = SparkTeam(
        stack,
        "".join(part.capitalize() for part in name.split("-")),
        platform=platform,
        namespace=name,
        role_name=f"{stack.stack_name}-{name}-job"[:64],
        release_label=config.eks.release_label,
        bucket=jobs,
        encryption_key=key,
        removal_policy=removal,
    )
    submitter = add_submitter(team, name)
    cdk.CfnOutput(team, "VirtualClusterId", value=team.virtual_cluster.virtual_cluster_id)
    cdk.CfnOutput(team, "SubmitterRoleArn", value=submitter.role_arn)
    return team


def _job_bucket(stack: cdk.Stack, config: AppConfig) -> s3.Bucket:
    requested = config.removal_policy
    bucket = _buckets.logged_kms_bucket(
        stack,
        "Jobs",
        description=f"Job bucket and team logs of {stack.stack_name}",
        removal_policy=data_removal_policy(stack, requested),
    )
    assert bucket.encryption_key is not None
    _kms.allow_cloudwatch_logs(bucket.encryption_key)
    return bucket


class _MetastoreStack(BurstStack):
    """What both metastore stacks share: placement, deploying after the platform's stack, the
    image and the client teams' job bucket; each stack adds its pattern in :meth:`_build`."""

    DESCRIPTION = ""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: AppConfig,
        network: NetworkStack,
        platform_stack: EmrEksStack,
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            **compute_placement(config),
            description=self.DESCRIPTION,
        )
        self.add_stack_dependency(platform_stack)
        self.removal = config.removal_policy
        self.image = metastore_image(self, config)
        self.jobs = _job_bucket(self, config)
        self._build(config, network, platform_stack)

    def _build(self, config: AppConfig, network: NetworkStack, platform_stack: EmrEksStack) -> None:
        raise NotImplementedError


class HiveMetastoreStack(_MetastoreStack):
    """Sidecar and cluster-dedicated metastores on the EMR on EKS platform, one team each."""

    DESCRIPTION = "emr-burst Hive Metastore: sidecar and cluster-dedicated patterns"

    def _build(self, config: AppConfig, network: NetworkStack, platform_stack: EmrEksStack) -> None:
        platform = platform_stack.platform
        removal, image = self.removal, self.image
        self.database = MetastoreDatabase(
            self, "Database", vpc=network.network.vpc, removal_policy=removal
        )
        self.sidecar = HiveMetastore(
            self,
            "Sidecar",
            pattern=MetastorePattern.SIDECAR,
            platform=platform,
            database=self.database,
            image=image,
            removal_policy=removal,
        )
        self.dedicated = HiveMetastore(
            self,
            "Dedicated",
            pattern=MetastorePattern.CLUSTER_DEDICATED,
            platform=platform,
            database=self.database,
            image=image,
            warehouse_bucket=self.sidecar.warehouse_bucket,
            warehouse_location=self.sidecar.warehouse_location,
        )
        self.sidecar_team = _client_team(self, platform, "hms-sidecar", config, self.jobs)
        self.sidecar_team.add_extension(self.sidecar)
        self.dedicated_team = _client_team(self, platform, "hms-dedicated", config, self.jobs)
        self.dedicated_team.add_extension(self.dedicated)
        self.hive_sql = self.dedicated_team.add_job_template(
            "HiveSql", job_driver=JobDriver.spark_sql(spark_sql_parameters=HIVE_SQL_PARAMETERS)
        )
        cdk.CfnOutput(self, "WarehouseBucketName", value=self.sidecar.warehouse_bucket.bucket_name)
        cdk.CfnOutput(self, "DatabaseSecretArn", value=self.database.secret.secret_arn)
        cdk.CfnOutput(self, "HiveSqlJobTemplateId", value=self.hive_sql.job_template_id)


class ExternalMetastoreStack(_MetastoreStack):
    """The external pattern: a metastore cluster of its own, used by a processing team."""

    DESCRIPTION = "emr-burst Hive Metastore: external pattern on its own EKS cluster"

    def _build(self, config: AppConfig, network: NetworkStack, platform_stack: EmrEksStack) -> None:
        removal = self.removal
        vpc = network.network.vpc
        # The post's hivemetastore-cluster: EKS Auto Mode, whose built-in load balancing creates
        # the internal NLB of the metastore Service.
        self.platform = EmrEksPlatform(
            self,
            "MetastorePlatform",
            vpc=vpc,
            kubernetes_version=config.eks.kubernetes_version,
            compute=AutoModeCompute(),
            removal_policy=removal,
        )
        self.database = MetastoreDatabase(self, "Database", vpc=vpc, removal_policy=removal)
        self.metastore = HiveMetastore(
            self,
            "External",
            pattern=MetastorePattern.EXTERNAL,
            platform=self.platform,
            database=self.database,
            image=self.image,
            client_cidrs=[config.network.cidr],
            removal_policy=removal,
        )
        # The processing cluster (the post's datascience-cluster) is the EMR on EKS platform.
        self.client_team = _client_team(
            self, platform_stack.platform, "hms-external", config, self.jobs
        )
        self.client_team.add_extension(self.metastore)
        cdk.CfnOutput(self, "MetastoreUri", value=self.metastore.uri)
        cdk.CfnOutput(self, "ClusterName", value=self.platform.cluster_name)
