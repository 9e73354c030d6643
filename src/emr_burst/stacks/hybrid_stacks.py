"""Reference stacks of the hybrid burst: the Alluxio "zero-copy" burst tutorial on CDK.

Three stacks in two regions, deployed in this order:

1. ``HybridComputeNetwork`` (compute region, us-east-1): the burst VPC.
2. ``HybridOnPrem`` (on-prem region, us-west-1): the on-prem stand-in VPC, the peering connection
   it requests to the burst VPC with the routes of its side, the Hadoop/Hive/HDFS proxy cluster, the
   primary's private IP (read at deploy time) and its operations.
3. ``HybridCompute`` (compute region): the accepter side's routes and both sides' DNS options, then
   the
   Presto/Trino + Alluxio burst cluster, its migration bucket and operations.

The burst cluster comes last because its bootstrap mounts the on-prem HDFS: both sides' routes
must exist before it starts. The peering id, the burst VPC id, the on-prem primary's DNS name and
private IP cross regions as CDK cross-region references (see docs/stacks/hybrid-burst.md).
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_emr as emr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from emr_burst.config import AppConfig, HybridConfig, log_retention
from emr_burst.core import buckets as _buckets
from emr_burst.core.removal import data_removal_policy
from emr_burst.emr_ec2.cluster import EmrCluster
from emr_burst.emr_ec2.operations import EmrOperations, EmrStep
from emr_burst.emr_ec2.releases import hadoop_major
from emr_burst.emr_ec2.security import EmrSecurityConfiguration, TlsCertificates
from emr_burst.hybrid.access import HIVE_METASTORE_PORT, HybridPeerAccess, PeerSide
from emr_burst.hybrid.addresses import PrimaryAddress
from emr_burst.hybrid.alluxio import AlluxioOptions
from emr_burst.hybrid.catalog import QueryEngine
from emr_burst.hybrid.peering import HybridPeering, HybridPeeringAccepter
from emr_burst.network.network import Network
from emr_burst.stacks._base import BurstStack, placement

#: The tutorial's TPC-DS data set, copied into the on-prem HDFS with s3-dist-cp.
TPCDS_BUCKET = "autobots-tpcds-pregenerated-data"
TPCDS_PREFIX = "spark/unpart_sf100_10k/*"
#: The on-prem Hadoop client configuration the burst side's Alluxio loads (``alluxio-emr.sh -f``).
SITE_FILES = ("core-site.xml", "hdfs-site.xml")
SITE_FILES_PREFIX = "hadoop-conf/"


def _removal(config: AppConfig) -> cdk.RemovalPolicy | None:
    return config.removal_policy


def _network(stack: BurstStack, config: AppConfig, cidr: str) -> Network:
    """A hybrid VPC: the shared Network construct, with no interface endpoints (NAT + S3 gateway
    endpoint cover what EMR nodes call)."""
    net = config.network
    return Network(
        stack,
        "Network",
        cidr=cidr,
        max_azs=net.max_azs,
        nat_gateways=net.nat_gateways,
        flow_log_retention=log_retention(net.flow_log_retention_days),
        removal_policy=_removal(config),
    )


def _security(
    stack: BurstStack, hybrid: HybridConfig, config: AppConfig
) -> EmrSecurityConfiguration:
    return EmrSecurityConfiguration(
        stack,
        "SecurityConfiguration",
        tls_certificates=(
            TlsCertificates.from_pem_zip(hybrid.tls_certificates)
            if hybrid.tls_certificates
            else None
        ),
        removal_policy=_removal(config),
    )


class HybridComputeNetworkStack(BurstStack):
    """The burst VPC in the compute region; the peering's accepter side."""

    def __init__(self, scope: Construct, construct_id: str, *, config: AppConfig) -> None:
        hybrid = config.hybrid
        super().__init__(
            scope,
            construct_id,
            **placement(config, account=config.compute.account, region=hybrid.compute_region),
            description="emr-burst hybrid: burst compute VPC (accepter side of the peering)",
        )
        self.cidr = hybrid.compute_cidr
        self.network = _network(self, config, hybrid.compute_cidr)


class HybridOnPremStack(BurstStack):
    """The on-prem stand-in: VPC, peering request to the burst VPC, Hadoop/Hive/HDFS cluster."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: AppConfig,
        compute_network: HybridComputeNetworkStack,
    ) -> None:
        hybrid = config.hybrid
        super().__init__(
            scope,
            construct_id,
            **placement(config, account=config.onprem.account, region=hybrid.onprem_region),
            description="emr-burst hybrid: on-prem proxy VPC, peering and Hive/HDFS cluster",
        )
        self.network = _network(self, config, hybrid.onprem_cidr)
        self.peering = HybridPeering(
            self,
            "Peering",
            vpc=self.network.vpc,
            cidr=hybrid.onprem_cidr,
            peer_vpc=compute_network.network.vpc,
            peer_cidr=hybrid.compute_cidr,
            peer_region=hybrid.compute_region,
        )
        self.peer_access = HybridPeerAccess(
            self,
            "PeerAccess",
            vpc=self.network.vpc,
            side=PeerSide.ONPREM,
            peer_cidr=hybrid.compute_cidr,
            web_ui_cidr=hybrid.web_ui_cidr,
            hadoop_major=hadoop_major(hybrid.onprem_release_label),
        )
        self.security = _security(self, hybrid, config)
        self.cluster = EmrCluster.on_prem_proxy(
            self,
            "Cluster",
            vpc=self.network.vpc,
            release_label=hybrid.onprem_release_label,
            security_configuration=self.security,
            additional_security_groups=[self.peer_access.security_group],
            idle_timeout=cdk.Duration.seconds(hybrid.idle_timeout_seconds),
            removal_policy=_removal(config),
        )
        self.cluster.grant_bucket_read(TPCDS_BUCKET, TPCDS_PREFIX)
        self.site_files = self._publish_site_files()
        self.operations = EmrOperations(
            self,
            "Operations",
            cluster=self.cluster,
            encryption_key=self.security.encryption_key,
            removal_policy=_removal(config),
        )
        key = self.cluster.logs_bucket.encryption_key
        cfn_key = key.node.default_child if key is not None else None
        #: ARN of the key of the site files (the L1's, which may cross environments).
        self.site_files_key_arn = cfn_key.attr_arn if isinstance(cfn_key, kms.CfnKey) else None
        # The burst region's resolver cannot answer this region's compute.internal names.
        self.primary_address = PrimaryAddress(self, "PrimaryAddress", cluster=self.cluster)
        #: What the burst cluster's ``onprem`` catalog connects to: the primary by its IP.
        self.metastore_uri = f"thrift://{self.primary_address.private_ip}:{HIVE_METASTORE_PORT}"
        cdk.CfnOutput(self, "ClusterId", value=self.cluster.cluster_id)
        cdk.CfnOutput(self, "PrimaryDns", value=self.cluster.primary_dns)
        cdk.CfnOutput(self, "PrimaryIp", value=self.primary_address.private_ip)
        cdk.CfnOutput(self, "PeeringConnectionId", value=self.peering.peering_connection_id)

    def _publish_site_files(self) -> tuple[str, ...]:
        """The on-prem ``core-site.xml``/``hdfs-site.xml`` in the cluster's logs bucket, copied by
        a step once the cluster runs: Alluxio's bootstrap on the burst side ships them (``-f``)."""
        bucket = self.cluster.logs_bucket
        keys = [f"{SITE_FILES_PREFIX}{name}" for name in SITE_FILES]
        self.cluster.add_to_instance_policy(
            iam.PolicyStatement(
                actions=["s3:PutObject"], resources=[bucket.arn_for_objects(k) for k in keys]
            )
        )
        # The L1's Ref: the bucket's L2 name refuses to cross environments without a physical name.
        cfn_bucket = bucket.node.default_child
        assert isinstance(cfn_bucket, s3.CfnBucket)
        uris = tuple(f"s3://{cfn_bucket.ref}/{key}" for key in keys)
        copies = " && ".join(
            f"aws s3 cp /etc/hadoop/conf/{name} {uri}"
            for name, uri in zip(SITE_FILES, uris, strict=True)
        )
        step = emr.CfnStep(
            self,
            "PublishSiteFiles",
            name="Publish the Hadoop site files for the burst cluster",
            job_flow_id=self.cluster.cluster_id,
            action_on_failure="CONTINUE",
            hadoop_jar_step=emr.CfnStep.HadoopJarStepConfigProperty(
                jar="command-runner.jar", args=["bash", "-c", copies]
            ),
        )
        step.node.add_dependency(self.cluster.instance_policy)
        return uris


class HybridComputeStack(BurstStack):
    """The burst side: accepter routes and DNS, then the Presto/Trino + Alluxio cluster."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: AppConfig,
        compute_network: HybridComputeNetworkStack,
        onprem: HybridOnPremStack,
    ) -> None:
        hybrid = config.hybrid
        super().__init__(
            scope,
            construct_id,
            **placement(config, account=config.compute.account, region=hybrid.compute_region),
            description="emr-burst hybrid: peering accepter side and Presto/Alluxio burst cluster",
        )
        vpc = compute_network.network.vpc
        self.accepter = HybridPeeringAccepter(
            self, "PeeringAccepter", peering=onprem.peering, vpc=vpc
        )
        self.peer_access = HybridPeerAccess(
            self,
            "PeerAccess",
            vpc=vpc,
            side=PeerSide.COMPUTE,
            peer_cidr=hybrid.onprem_cidr,
            web_ui_cidr=hybrid.web_ui_cidr,
            hadoop_major=hadoop_major(hybrid.compute_release_label),
        )
        self.security = _security(self, hybrid, config)
        # Target of the union mount's migration policy (the tutorial's ${my_bucket}).
        self.access_logs = _buckets.access_log_bucket(
            self, "AccessLogBucket", removal_policy=data_removal_policy(self, _removal(config))
        )
        self.migration_bucket = _buckets.kms_bucket(
            self,
            "MigrationBucket",
            key=self.security.encryption_key,
            removal_policy=data_removal_policy(self, _removal(config)),
            access_logs=self.access_logs,
            access_logs_prefix="migration-bucket/",
        )
        onprem_hadoop = hadoop_major(hybrid.onprem_release_label)
        self.cluster = EmrCluster.burst_compute(
            self,
            "Cluster",
            vpc=vpc,
            metastore_uri=onprem.metastore_uri,
            alluxio=AlluxioOptions(
                bootstrap_script=hybrid.alluxio_bootstrap_script,
                hdfs_version="hadoop-2.8" if onprem_hadoop == 2 else "hadoop-3.3",
                site_files=onprem.site_files,
                # By name: Hive wrote hdfs://<this name>:8020/... into the table locations, and
                # the shim maps a location to Alluxio only when its authority matches the mount.
                root_ufs_uri=f"hdfs://{onprem.cluster.primary_dns}:8020/",
            ),
            host_addresses={onprem.cluster.primary_dns: onprem.primary_address.private_ip},
            engine=QueryEngine.PRESTO if hybrid.engine == "presto" else QueryEngine.TRINO,
            release_label=hybrid.compute_release_label,
            security_configuration=self.security,
            additional_security_groups=[self.peer_access.security_group],
            idle_timeout=cdk.Duration.seconds(hybrid.idle_timeout_seconds),
            removal_policy=_removal(config),
        )
        # Alluxio mounts the on-prem HDFS while bootstrapping: both sides' routes and DNS first.
        self.cluster.node.add_dependency(self.accepter)
        self.cluster.grant_bucket_read_write(self.migration_bucket)
        if onprem.site_files_key_arn is not None:
            # S3 decrypts the on-prem site files with the on-prem logs key for the nodes.
            self.cluster.add_to_instance_policy(
                iam.PolicyStatement(actions=["kms:Decrypt"], resources=[onprem.site_files_key_arn])
            )
        engine_cli = "presto-cli" if hybrid.engine == "presto" else "trino-cli"
        self.operations = EmrOperations(
            self,
            "Operations",
            cluster=self.cluster,
            encryption_key=self.security.encryption_key,
            steps=[
                EmrStep(
                    "Query onprem catalog",
                    (
                        engine_cli,
                        "--catalog",
                        "onprem",
                        "--schema",
                        "default",
                        "--execute",
                        "select * from students",
                    ),
                )
            ],
            removal_policy=_removal(config),
        )
        cdk.CfnOutput(self, "ClusterId", value=self.cluster.cluster_id)
        cdk.CfnOutput(self, "PrimaryDns", value=self.cluster.primary_dns)
        cdk.CfnOutput(self, "MigrationBucketName", value=self.migration_bucket.bucket_name)
        if self.operations.state_machine is not None:
            cdk.CfnOutput(
                self, "StepsStateMachineArn", value=self.operations.state_machine.state_machine_arn
            )
