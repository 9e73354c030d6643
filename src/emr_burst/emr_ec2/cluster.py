"""A typed L3 over ``AWS::EMR::Cluster`` with the hybrid burst tutorial's two clusters as presets.

Purchasing options follow the per-workload-type table of EMR's guidance (persistent, cost-driven,
data-critical, test); everything is validated at synth: release labels, instance types known to
the release, spot on the nodes a data-critical cluster cannot lose, idle timeout bounds, and a
burst cluster without a metastore.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_emr as emr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from constructs import Construct

from emr_burst.core import buckets as _buckets
from emr_burst.core import nag as _nag
from emr_burst.core.removal import data_removal_policy
from emr_burst.emr_ec2.security import EmrSecurityConfiguration

_ASSETS = Path(__file__).resolve().parent.parent / "hybrid" / "assets" / "emr"
_RELEASE = re.compile(r"^emr-(\d+)\.(\d+)\.(\d+)$")
_INSTANCE_TYPE = re.compile(r"^(?P<family>[a-z][a-z0-9-]*\d[a-z0-9-]*)\.(?P<size>[0-9a-z]+)$")
_S3_URI = re.compile(r"^s3://(?P<bucket>[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])/(?P<key>\S+)$")
_THRIFT = re.compile(r"^thrift://[A-Za-z0-9.-]+:\d{1,5}$")
_CATALOG = re.compile(r"^[a-z][a-z0-9_]*$")

#: ``AutoTerminationPolicy.IdleTimeout`` bounds in seconds (EMR API).
IDLE_TIMEOUT_MIN_S = 60
IDLE_TIMEOUT_MAX_S = 604_800
#: The tag that ``AmazonEMRServicePolicy_v2`` requires on subnets and security groups it may use.
EMR_MANAGED_TAG = "for-use-with-amazon-emr-managed-policies"
MAX_BOOTSTRAP_ACTIONS = 16
DEFAULT_IDLE_TIMEOUT = cdk.Duration.hours(1)
MAX_FLEET_INSTANCE_TYPES = 30
#: Resources a running cluster depends on; they get the cluster's removal policy.
_SHARES_FATE = frozenset(
    {
        "AWS::EMR::Cluster",
        "AWS::IAM::Role",
        "AWS::IAM::ManagedPolicy",
        "AWS::IAM::InstanceProfile",
        "AWS::EC2::SecurityGroup",
        "AWS::EC2::SecurityGroupIngress",
        "AWS::EC2::SecurityGroupEgress",
    }
)


class Market(enum.Enum):
    """How EC2 capacity is bought."""

    ON_DEMAND = "ON_DEMAND"
    SPOT = "SPOT"


class CapacityMode(enum.Enum):
    """Uniform instance groups, or instance fleets that mix types and purchasing options."""

    INSTANCE_GROUPS = "groups"
    INSTANCE_FLEETS = "fleets"


class WorkloadType(enum.Enum):
    """The four cluster types of EMR's purchasing guidance (seed 002's table).

    ======================  ==========  ====================  =====================
    type                    primary     core                  task
    ======================  ==========  ====================  =====================
    persistent              on-demand   on-demand / fleet mix spot / fleet mix
    cost-driven             spot        spot                  spot
    data-critical           on-demand   on-demand             spot / fleet mix
    test                    spot        spot                  spot
    ======================  ==========  ====================  =====================
    """

    PERSISTENT = "persistent"
    COST_DRIVEN = "cost-driven"
    DATA_CRITICAL = "data-critical"
    TEST = "test"

    @property
    def markets(self) -> dict[str, Market]:
        """Default market per node role (``primary``, ``core``, ``task``)."""
        od, spot = Market.ON_DEMAND, Market.SPOT
        return {
            WorkloadType.PERSISTENT: {"primary": od, "core": od, "task": spot},
            WorkloadType.COST_DRIVEN: {"primary": spot, "core": spot, "task": spot},
            WorkloadType.DATA_CRITICAL: {"primary": od, "core": od, "task": spot},
            WorkloadType.TEST: {"primary": spot, "core": spot, "task": spot},
        }[self]

    @property
    def capacity_mode(self) -> CapacityMode:
        """Fleets where the table allows a mix (long-lived clusters), uniform groups otherwise."""
        if self in (WorkloadType.PERSISTENT, WorkloadType.DATA_CRITICAL):
            return CapacityMode.INSTANCE_FLEETS
        return CapacityMode.INSTANCE_GROUPS

    @property
    def on_demand_roles(self) -> tuple[str, ...]:
        """Node roles that must never be spot: losing them loses the cluster or HDFS data."""
        if self is WorkloadType.DATA_CRITICAL:
            return ("primary", "core")
        return ()


class SpotAllocationStrategy(enum.Enum):
    """How an instance fleet picks spot pools."""

    CAPACITY_OPTIMIZED = "capacity-optimized"
    PRICE_CAPACITY_OPTIMIZED = "price-capacity-optimized"
    LOWEST_PRICE = "lowest-price"
    DIVERSIFIED = "diversified"
    CAPACITY_OPTIMIZED_PRIORITIZED = "capacity-optimized-prioritized"


class QueryEngine(enum.Enum):
    """The burst cluster's SQL engine, by its EMR application name."""

    PRESTO = "Presto"
    TRINO = "Trino"

    @property
    def config_dir(self) -> str:
        return self.value.lower()

    @property
    def hive_connector(self) -> str:
        # PrestoDB names its Hive connector after the Hadoop line; Trino calls it "hive".
        return "hive-hadoop2" if self is QueryEngine.PRESTO else "hive"


@dataclass(frozen=True)
class NodeGroup:
    """One node role's capacity: instance types, count and purchasing option.

    :param instance_types: one type for instance groups; several for instance fleets.
    :param count: instances (fleet units of weight 1 each).
    :param market: on-demand or spot. Default: - the workload type's choice for this role.
    :param ebs_volume_gib: size of one gp3 data volume per instance. Default: - EMR's default
        volumes for EBS-only types, none for types with instance store.
    """

    instance_types: tuple[str, ...]
    count: int
    market: Market | None = None
    ebs_volume_gib: int | None = None


@dataclass(frozen=True)
class ScalingLimits:
    """Managed scaling limits, in instances (groups) or fleet units (fleets), core + task nodes."""

    minimum: int
    maximum: int
    maximum_on_demand: int | None = None
    maximum_core: int | None = None


@dataclass(frozen=True)
class BootstrapAction:
    """A script EMR runs on every node before installing applications."""

    name: str
    path: str
    args: tuple[str, ...] = ()


@dataclass(frozen=True)
class AlluxioOptions:
    """Alluxio on the burst cluster, installed by Alluxio's EMR bootstrap script.

    The script is called as ``<script> <root-ufs-uri> -p "<k=v;k=v>" -s ";"`` (the interface of
    Alluxio's ``alluxio-emr.sh``); ``extra_args`` are appended unchanged.

    :param bootstrap_script: S3 location of the bootstrap script.
    :param root_ufs_uri: Alluxio's root mount. Default: - HDFS of the on-prem cluster,
        ``hdfs://<metastore host>:8020/``.
    :param hdfs_version: ``alluxio.underfs.version`` of the root mount.
        Default: - ``hadoop-2.8`` as in the tutorial, for an EMR 5 on-prem proxy (Hadoop 2);
        pass ``hadoop-3.3`` for EMR 6.
    :param active_sync_interval: how often Active Sync polls HDFS for changes. Default: - 30 s.
    :param properties: further ``alluxio-site`` properties. Default: - none.
    :param transparent_uri: let the engine read ``hdfs://`` table locations through Alluxio's
        ``ShimFileSystem`` without redefining tables. Default: - True.
    """

    bootstrap_script: str
    root_ufs_uri: str | None = None
    hdfs_version: str = "hadoop-2.8"
    active_sync_interval: cdk.Duration = field(default_factory=lambda: cdk.Duration.seconds(30))
    properties: Mapping[str, str] = field(default_factory=dict)
    extra_args: tuple[str, ...] = ()
    transparent_uri: bool = True

    def site_properties(self, root_ufs_uri: str) -> dict[str, str]:
        return {
            "alluxio.master.mount.table.root.ufs": root_ufs_uri,
            "alluxio.master.mount.table.root.option.alluxio.underfs.version": self.hdfs_version,
            "alluxio.master.ufs.active.sync.interval": (
                f"{int(self.active_sync_interval.to_seconds())}sec"
            ),
            **dict(self.properties),
        }

    def bootstrap_args(self, root_ufs_uri: str) -> tuple[str, ...]:
        delimited = ";".join(f"{k}={v}" for k, v in self.site_properties(root_ufs_uri).items())
        return (root_ufs_uri, "-p", delimited, "-s", ";", *self.extra_args)


@dataclass(frozen=True)
class EngineCatalog:
    """A Presto/Trino catalog backed by a Hive Metastore, e.g. the tutorial's ``onprem``.

    EMR has configuration classifications only for the engine's built-in catalogs, so the cluster
    writes this one with a small bootstrap script of this library (an S3 asset).

    :param engine: Presto or Trino.
    :param metastore_uri: ``thrift://host:9083`` of the metastore.
    :param name: the catalog's name. Default: - ``onprem``.
    :param site_properties: Hadoop properties the catalog loads through ``hive.config.resources``
        (e.g. Alluxio's transparent URI). Default: - none.
    """

    engine: QueryEngine
    metastore_uri: str
    name: str = "onprem"
    site_properties: Mapping[str, str] = field(default_factory=dict)

    @property
    def site_file(self) -> str | None:
        if not self.site_properties:
            return None
        return f"/etc/{self.engine.config_dir}/conf/{self.name}Conf/core-site.xml"

    @property
    def properties(self) -> dict[str, str]:
        return catalog_properties(self.engine, self.metastore_uri, self.site_file)

    def problems(self, applications: Sequence[str]) -> list[str]:
        problems = []
        if not self.metastore_uri:
            problems.append(
                f"catalog {self.name!r} has no metastore_uri: a burst cluster queries the on-prem "
                "Hive Metastore; pass metastore_uri='thrift://<on-prem primary DNS>:9083'"
            )
        elif not cdk.Token.is_unresolved(self.metastore_uri) and not _THRIFT.match(
            self.metastore_uri
        ):
            problems.append(
                f"catalog {self.name!r} metastore_uri {self.metastore_uri!r} is not like "
                "'thrift://host:9083'"
            )
        if not _CATALOG.match(self.name):
            problems.append(
                f"catalog name {self.name!r} must be lower-case letters, digits and '_'"
            )
        if self.engine.value not in applications:
            problems.append(
                f"catalog {self.name!r} is for {self.engine.value}, which is not in applications"
            )
        return problems

    def script_args(self) -> tuple[str, ...]:
        args = ["--engine", self.engine.config_dir, "--catalog", self.name]
        for key, value in self.properties.items():
            args.append(f"catalog:{key}={value}")
        for key, value in self.site_properties.items():
            args.append(f"site:{key}={value}")
        return tuple(args)


#: Alluxio's transparent URI: ``hdfs://`` paths of the remote tables are read through Alluxio.
ALLUXIO_SHIM = {"fs.hdfs.impl": "alluxio.hadoop.ShimFileSystem"}


# --- release labels and instance types --------------------------------------------------------


def parse_release(label: str) -> tuple[int, int, int] | None:
    """``emr-6.15.0`` gives ``(6, 15, 0)``; anything else ``None``."""
    match = _RELEASE.match(label)
    if not match:
        return None
    return (int(match[1]), int(match[2]), int(match[3]))


def hadoop_major(release_label: str) -> int:
    """Hadoop major version of an EMR release: 2 on EMR 5, 3 on EMR 6 and 7."""
    release = parse_release(release_label)
    if release is None:
        raise ValueError(f"release_label {release_label!r} is not like 'emr-6.15.0'")
    return 2 if release[0] <= 5 else 3


#: First releases per EMR major line that support an instance family, where documented (EMR
#: release notes). Families not listed are not checked.
_FAMILY_MIN_RELEASE: dict[str, dict[int, tuple[int, int, int]]] = {
    family: {5: (5, 31, 0), 6: (6, 1, 0)}
    # Graviton2 arrived in EMR with emr-5.31.0 and emr-6.1.0 (AWS announcement, October 2020).
    for family in ("m6g", "c6g", "r6g")
}
#: Releases that ship an application under this name, as (first, last) per EMR major line.
_APP_RELEASES: dict[str, dict[int, tuple[tuple[int, int, int], tuple[int, int, int]]]] = {
    "Trino": {6: ((6, 4, 0), (6, 99, 99)), 7: ((7, 0, 0), (7, 99, 99))},
    "PrestoSQL": {6: ((6, 1, 0), (6, 3, 99))},
}
#: Auto-termination on idle arrived in these releases.
_AUTO_TERMINATION_MIN = {5: (5, 30, 0), 6: (6, 1, 0)}


def instance_type_problems(prop: str, instance_type: str, release_label: str) -> list[str]:
    """Problems of one instance type for a release: malformed, or older than the release allows."""
    match = _INSTANCE_TYPE.match(instance_type)
    if not match:
        return [f"{prop} {instance_type!r} is not an EC2 instance type such as 'r5d.4xlarge'"]
    release = parse_release(release_label)
    needed = _FAMILY_MIN_RELEASE.get(match["family"], {})
    if release is not None and release[0] in needed and release < needed[release[0]]:
        first = "emr-{}.{}.{}".format(*needed[release[0]])
        return [
            f"{prop} {instance_type!r} is not supported by {release_label}; use {first} or later"
        ]
    return []


def application_problems(applications: Sequence[str], release_label: str) -> list[str]:
    release = parse_release(release_label)
    if release is None:
        return []
    problems = []
    engines = sorted({"Presto", "Trino", "PrestoSQL"} & set(applications))
    if len(engines) > 1:
        problems.append(
            f"applications: {' and '.join(engines)} cannot run on the same cluster; choose one"
        )
    for app in applications:
        ranges = _APP_RELEASES.get(app)
        if ranges is None:
            continue
        span = ranges.get(release[0])
        if span is None or not span[0] <= release <= span[1]:
            problems.append(
                f"applications: {app!r} is not part of {release_label}"
                + (
                    "; Trino needs emr-6.4.0 or later (emr-6.1 to 6.3 call it 'PrestoSQL')"
                    if app == "Trino"
                    else ""
                )
            )
    return problems


def market_problems(
    workload_type: WorkloadType, nodes: Mapping[str, NodeGroup | None]
) -> list[str]:
    """Spot on a node the workload type cannot lose (e.g. a data-critical primary)."""
    problems = []
    for role in workload_type.on_demand_roles:
        node = nodes.get(role)
        if node is not None and node.market is Market.SPOT:
            problems.append(
                f"{role}.market is SPOT but a {workload_type.value} cluster must keep its {role} "
                f"node: use Market.ON_DEMAND, or WorkloadType.COST_DRIVEN if losing work is fine"
            )
    return problems


def _thrift_host(uri: str) -> str:
    """Host part of ``thrift://host:port``, also when the host or the whole ``uri`` is a token."""
    if uri.startswith("thrift://"):
        # Token markers contain no ':', so an embedded host token survives the split intact.
        return uri.removeprefix("thrift://").rsplit(":", 1)[0]
    return cdk.Fn.select(0, cdk.Fn.split(":", cdk.Fn.select(1, cdk.Fn.split("thrift://", uri))))


def s3_object_arn(scope: Construct, uri: str) -> str:
    match = _S3_URI.match(uri)
    if not match:
        raise ValueError(f"{uri!r} is not an s3://bucket/key URI")
    return f"arn:{cdk.Stack.of(scope).partition}:s3:::{match['bucket']}/{match['key']}"


# --- configurations of the two tutorial clusters ----------------------------------------------


def on_prem_proxy_configurations() -> dict[str, dict[str, str]]:
    """The on-prem stand-in: HDFS and the Hive Metastore answer clients from the peered VPC."""
    return {
        # The NameNode listens on every interface, so clients in the peer VPC reach its RPC port.
        "hdfs-site": {
            "dfs.namenode.rpc-bind-host": "0.0.0.0",
            "dfs.namenode.servicerpc-bind-host": "0.0.0.0",
        },
        # Tables live in the cluster's HDFS, which the burst side reads through Alluxio.
        "hive-site": {"hive.metastore.warehouse.dir": "hdfs:///user/hive/warehouse"},
    }


def catalog_properties(
    engine: QueryEngine, metastore_uri: str, site_file: str | None
) -> dict[str, str]:
    """The ``onprem`` catalog: the engine's Hive connector on the remote metastore."""
    properties = {
        "connector.name": engine.hive_connector,
        "hive.metastore.uri": metastore_uri,
    }
    if site_file is not None:
        properties["hive.config.resources"] = site_file
    return properties


# --- the construct ---------------------------------------------------------------------------

_ROLES = ("primary", "core", "task")


class EmrCluster(Construct):
    """An EMR on EC2 cluster in private subnets, encrypted, logged and idle-terminated.

    Capacity is uniform instance groups or instance fleets (several types, a spot allocation
    strategy and on-demand fallback), with the purchasing option per node role taken from the
    workload type unless given. The construct creates the EMR-managed security groups (primary,
    core/task, service access), a KMS-encrypted logs bucket, a service role with
    ``AmazonEMRServicePolicy_v2`` and an instance profile whose policy lists exactly the buckets,
    objects and keys the nodes use. Attach further security groups (e.g. a
    :class:`~emr_burst.hybrid.peering.HybridPeerAccess`) with
    ``additional_security_groups``.

    Example::

        cluster = EmrCluster(self, "Cluster",
            vpc=network.vpc,
            release_label="emr-6.15.0",
            applications=["Hadoop", "Spark"],
            primary=NodeGroup(("m5.xlarge",), 1),
            core=NodeGroup(("r5.2xlarge", "r5a.2xlarge", "r6i.2xlarge"), 2),
            workload_type=WorkloadType.DATA_CRITICAL,
            managed_scaling=ScalingLimits(minimum=2, maximum=10),
        )

    Presets reproduce the tutorial: :meth:`on_prem_proxy` and :meth:`burst_compute`.

    :param vpc: VPC of the cluster.
    :param release_label: EMR release, e.g. ``emr-6.15.0``.
    :param applications: EMR application names, e.g. ``["Hadoop", "Hive"]``.
    :param primary: the primary node (1 instance; 3 for instance groups with HA).
    :param core: core nodes (HDFS and tasks).
    :param task: task nodes. Default: - none.
    :param workload_type: decides default markets and capacity mode. Default: - PERSISTENT.
    :param capacity_mode: groups or fleets. Default: - the workload type's choice.
    :param spot_allocation_strategy: fleets only. Default: - PRICE_CAPACITY_OPTIMIZED.
    :param on_demand_fallback: fleets switch to on-demand when spot is not found in
        ``spot_timeout``; otherwise the cluster terminates. Default: - True.
    :param spot_timeout: fleets only, 5 to 1440 minutes. Default: - 20 minutes.
    :param configurations: classification to properties. Default: - none.
    :param bootstrap_actions: scripts run on each node. Default: - none.
    :param catalogs: Presto/Trino catalogs on a Hive Metastore, each written by a bootstrap
        action. Default: - none.
    :param managed_scaling: managed scaling limits. Default: - no managed scaling.
    :param idle_timeout: terminate after this long idle, 60 s to 7 days; ``None`` keeps the
        cluster running. Default: - 1 hour.
    :param subnets: where the nodes run. Default: - the private subnets with egress.
    :param additional_security_groups: added to every node. Default: - none.
    :param security_configuration: encryption and authentication.
        Default: - a new :class:`EmrSecurityConfiguration` (KMS at rest, no TLS).
    :param logs_bucket: where EMR writes logs. Default: - a new KMS-encrypted bucket.
    :param encryption_key: for the logs bucket it creates. Default: - the security
        configuration's key.
    :param instance_role: role of the nodes. Default: - a new role, policy scoped by this construct.
    :param service_role: role EMR uses. Default: - a new role with ``AmazonEMRServicePolicy_v2``.
    :param cluster_name: the cluster's name. Default: - derived from the construct path.
    :param removal_policy: of the cluster (HDFS data) and the logs bucket it creates.
        Default: - RETAIN; a retained cluster still terminates itself when idle.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        vpc: ec2.IVpc,
        release_label: str,
        applications: Sequence[str],
        primary: NodeGroup,
        core: NodeGroup,
        task: NodeGroup | None = None,
        workload_type: WorkloadType = WorkloadType.PERSISTENT,
        capacity_mode: CapacityMode | None = None,
        spot_allocation_strategy: SpotAllocationStrategy = (
            SpotAllocationStrategy.PRICE_CAPACITY_OPTIMIZED
        ),
        on_demand_fallback: bool = True,
        spot_timeout: cdk.Duration | None = None,
        configurations: Mapping[str, Mapping[str, str]] | None = None,
        bootstrap_actions: Sequence[BootstrapAction] = (),
        catalogs: Sequence[EngineCatalog] = (),
        managed_scaling: ScalingLimits | None = None,
        idle_timeout: cdk.Duration | None = DEFAULT_IDLE_TIMEOUT,
        subnets: ec2.SubnetSelection | None = None,
        additional_security_groups: Sequence[ec2.ISecurityGroup] = (),
        security_configuration: EmrSecurityConfiguration | None = None,
        logs_bucket: s3.IBucket | None = None,
        encryption_key: kms.IKey | None = None,
        instance_role: iam.IRole | None = None,
        service_role: iam.IRole | None = None,
        cluster_name: str | None = None,
        removal_policy: cdk.RemovalPolicy | None = None,
    ) -> None:
        mode = capacity_mode or workload_type.capacity_mode
        spot_timeout = spot_timeout or cdk.Duration.minutes(20)
        nodes = {"primary": primary, "core": core, "task": task}
        _validate(
            construct_id,
            release_label=release_label,
            applications=applications,
            nodes=nodes,
            workload_type=workload_type,
            mode=mode,
            spot_timeout=spot_timeout,
            bootstrap_actions=bootstrap_actions,
            catalogs=catalogs,
            managed_scaling=managed_scaling,
            idle_timeout=idle_timeout,
        )
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        self.release_label = release_label
        self.workload_type = workload_type
        self.capacity_mode = mode
        self.applications = tuple(applications)
        # Resolve each role's market once: explicit, else the workload type's.
        self.markets: dict[str, Market] = {
            role: node.market or workload_type.markets[role]
            for role, node in nodes.items()
            if node is not None
        }
        if workload_type is WorkloadType.PERSISTENT and self.markets["primary"] is Market.SPOT:
            cdk.Annotations.of(self).add_warning_v2(
                "emr-burst:persistent-spot-primary",
                "a persistent cluster on a spot primary ends when the primary is reclaimed",
            )

        # --- security configuration, key, logs bucket ---
        self.security_configuration = security_configuration or EmrSecurityConfiguration(
            self, "SecurityConfiguration", removal_policy=removal_policy
        )
        key = encryption_key or self.security_configuration.encryption_key
        if logs_bucket is None:
            bucket = _buckets.kms_bucket(
                self,
                "LogsBucket",
                key=key,
                removal_policy=data_removal_policy(self, removal_policy),
                access_logs=None,
                unlogged_reason=(
                    "This bucket receives only the EMR cluster's own step, node and application "
                    "logs, written by the cluster's instance role; logging requests to a log "
                    "bucket would only log the logs."
                ),
            )
            logs_bucket = bucket
        self.logs_bucket: s3.IBucket = logs_bucket
        self.log_uri = f"s3://{logs_bucket.bucket_name}/logs/"

        # --- roles ---
        self.instance_role: iam.IRole = instance_role or iam.Role(
            self,
            "InstanceRole",
            assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
            description=f"EC2 nodes of the EMR cluster {self.node.path}",
        )
        self.instance_policy = iam.ManagedPolicy(
            self,
            "InstancePolicy",
            roles=[self.instance_role],
            description=f"What the nodes of {self.node.path} may read and write",
        )
        self._grant_bucket(logs_bucket, write=True, prefix="logs/")
        self.instance_policy.add_statements(_key_statement(key))
        sc_key = self.security_configuration.encryption_key
        if sc_key is not key:
            self.instance_policy.add_statements(_key_statement(sc_key))
        # Session Manager replaces SSH keys: operators reach the nodes with `aws ssm start-session`.
        ssm_core = iam.ManagedPolicy.from_aws_managed_policy_name("AmazonSSMManagedInstanceCore")
        if isinstance(self.instance_role, iam.Role):
            self.instance_role.add_managed_policy(ssm_core)
            _nag.acknowledge(
                self.instance_role,
                "AmazonSSMManagedInstanceCore is the AWS-maintained policy for the SSM agent, "
                "which gives operators shell access to private nodes without SSH keys.",
                "AwsSolutions-IAM4",
                applies_to=[
                    "Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore"
                ],
            )
        self.instance_profile = iam.CfnInstanceProfile(
            self, "InstanceProfile", roles=[self.instance_role.role_name]
        )

        self.service_role: iam.IRole = service_role or iam.Role(
            self,
            "ServiceRole",
            assumed_by=iam.ServicePrincipal(
                "elasticmapreduce.amazonaws.com",
                conditions={
                    "StringEquals": {"aws:SourceAccount": stack.account},
                    "ArnLike": {
                        "aws:SourceArn": stack.format_arn(
                            service="elasticmapreduce", resource="cluster", resource_name="*"
                        )
                    },
                },
            ),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name(
                    "service-role/AmazonEMRServicePolicy_v2"
                )
            ],
            description=f"EMR service role of {self.node.path}",
        )
        if isinstance(self.service_role, iam.Role):
            _nag.acknowledge(
                self.service_role,
                "AmazonEMRServicePolicy_v2 is the AWS-maintained EMR service policy; it only acts "
                "on subnets and security groups tagged for-use-with-amazon-emr-managed-policies, "
                "which this construct tags.",
                "AwsSolutions-IAM4",
                applies_to=[
                    "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                    "AmazonEMRServicePolicy_v2"
                ],
            )
        self.service_policy = iam.ManagedPolicy(
            self,
            "ServicePolicy",
            roles=[self.service_role],
            description=f"Lets EMR hand the instance role of {self.node.path} to the nodes",
            statements=[
                iam.PolicyStatement(
                    actions=["iam:PassRole"],
                    resources=[self.instance_role.role_arn],
                    conditions={"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}},
                )
            ],
        )
        self.service_policy.add_statements(_key_statement(sc_key, grants=True))

        # --- network ---
        selection = subnets or ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)
        self.subnets = vpc.select_subnets(
            subnet_type=selection.subnet_type,
            subnet_group_name=selection.subnet_group_name,
            subnets=selection.subnets,
            availability_zones=selection.availability_zones,
            one_per_az=selection.one_per_az,
        )
        for subnet in self.subnets.subnets:
            cdk.Tags.of(subnet).add(EMR_MANAGED_TAG, "true")
        self.primary_security_group = self._managed_group(vpc, "PrimarySecurityGroup", "primary")
        self.core_security_group = self._managed_group(vpc, "CoreSecurityGroup", "core and task")
        self.service_access_security_group = ec2.SecurityGroup(
            self,
            "ServiceAccessSecurityGroup",
            vpc=vpc,
            description=f"EMR-managed: service access to {self.node.path} in private subnets",
            allow_all_outbound=False,
        )
        cdk.Tags.of(self.service_access_security_group).add(EMR_MANAGED_TAG, "true")
        # EMR's documented minimum for clusters in private subnets: the service reaches the
        # primary and core nodes on 8443, the primary reaches the service on 9443.
        self.service_access_security_group.add_ingress_rule(
            self.primary_security_group, ec2.Port.tcp(9443), "EMR service access from primary"
        )
        for node_group in (self.primary_security_group, self.core_security_group):
            self.service_access_security_group.add_egress_rule(
                node_group, ec2.Port.tcp(8443), "EMR service to cluster nodes"
            )
        self.additional_security_groups = tuple(additional_security_groups)
        for extra in self.additional_security_groups:
            cdk.Tags.of(extra).add(EMR_MANAGED_TAG, "true")

        # --- bootstrap actions: read access to each script ---
        self.bootstrap_actions: list[BootstrapAction] = list(bootstrap_actions)
        for action in self.bootstrap_actions:
            if _S3_URI.match(action.path):
                self.instance_policy.add_statements(
                    iam.PolicyStatement(
                        actions=["s3:GetObject"], resources=[s3_object_arn(self, action.path)]
                    )
                )

        self.catalogs = tuple(catalogs)
        if self.catalogs:
            script = s3_assets.Asset(self, "CatalogScript", path=str(_ASSETS / "write-catalog.sh"))
            self.instance_policy.add_statements(
                iam.PolicyStatement(
                    actions=["s3:GetObject"],
                    resources=[script.bucket.arn_for_objects(script.s3_object_key)],
                )
            )
            for catalog in self.catalogs:
                self.bootstrap_actions.append(
                    BootstrapAction(
                        f"Write {catalog.name} catalog", script.s3_object_url, catalog.script_args()
                    )
                )

        self.configurations: dict[str, dict[str, str]] = {
            classification: dict(props) for classification, props in (configurations or {}).items()
        }
        additional = [g.security_group_id for g in self.additional_security_groups]
        instances = emr.CfnCluster.JobFlowInstancesConfigProperty(
            emr_managed_master_security_group=self.primary_security_group.security_group_id,
            emr_managed_slave_security_group=self.core_security_group.security_group_id,
            service_access_security_group=self.service_access_security_group.security_group_id,
            additional_master_security_groups=additional or None,
            additional_slave_security_groups=additional or None,
            keep_job_flow_alive_when_no_steps=True,
            termination_protected=False,
            **self._capacity(
                nodes, mode, spot_allocation_strategy, on_demand_fallback, spot_timeout
            ),
        )
        self.resource = emr.CfnCluster(
            self,
            "Resource",
            name=cluster_name or cdk.Names.unique_id(self),
            release_label=release_label,
            applications=[emr.CfnCluster.ApplicationProperty(name=a) for a in applications],
            instances=instances,
            job_flow_role=self.instance_profile.ref,
            service_role=self.service_role.role_arn,
            log_uri=self.log_uri,
            security_configuration=self.security_configuration.security_configuration_name,
            visible_to_all_users=True,
            configurations=[
                emr.CfnCluster.ConfigurationProperty(
                    classification=classification, configuration_properties=props
                )
                for classification, props in sorted(self.configurations.items())
            ]
            or None,
            bootstrap_actions=[
                emr.CfnCluster.BootstrapActionConfigProperty(
                    name=action.name,
                    script_bootstrap_action=emr.CfnCluster.ScriptBootstrapActionConfigProperty(
                        path=action.path, args=list(action.args) or None
                    ),
                )
                for action in self.bootstrap_actions
            ]
            or None,
            auto_termination_policy=(
                emr.CfnCluster.AutoTerminationPolicyProperty(
                    idle_timeout=int(idle_timeout.to_seconds())
                )
                if idle_timeout is not None
                else None
            ),
            managed_scaling_policy=self._scaling(managed_scaling, mode),
            kerberos_attributes=self._kerberos(),
        )
        # The roles' policies must exist before EMR assumes the roles.
        self.resource.node.add_dependency(self.instance_policy, self.service_policy)
        # Retained like every stateful resource (HDFS holds data); a retained cluster still ends
        # itself through the idle auto-termination policy. What it needs to keep running (its
        # roles, instance profile and security groups) shares its fate, so deleting the stack
        # never leaves a live cluster without its roles or with groups in use.
        cluster_removal = data_removal_policy(self, removal_policy)
        for child in self.node.find_all():
            if isinstance(child, cdk.CfnResource) and child.cfn_resource_type in _SHARES_FATE:
                child.apply_removal_policy(cluster_removal)
        #: The cluster id (``j-...``).
        self.cluster_id: str = self.resource.ref
        #: Private DNS name of the primary node in private subnets.
        self.primary_dns: str = self.resource.attr_master_public_dns
        self.cluster_arn: str = stack.format_arn(
            service="elasticmapreduce", resource="cluster", resource_name=self.cluster_id
        )
        self._acknowledge()

    # --- presets --------------------------------------------------------------------------

    @classmethod
    def on_prem_proxy(
        cls,
        scope: Construct,
        construct_id: str,
        *,
        vpc: ec2.IVpc,
        release_label: str = "emr-5.36.0",
        **props: Any,
    ) -> EmrCluster:
        """The tutorial's ``on-prem-cluster``: Hadoop, Hive and HDFS standing in for a data center.

        1 x r4.4xlarge on-demand primary and 3 x r4.4xlarge spot core nodes in uniform instance
        groups (a test-type cluster with an on-demand primary); the Hive Metastore (9083) and HDFS
        answer the peer. Any :class:`EmrCluster` prop can be overridden through ``props``.

        Example::

            onprem = EmrCluster.on_prem_proxy(self, "OnPremCluster", vpc=vpc,
                additional_security_groups=[peer_access.security_group])
        """
        props.setdefault("cluster_name", "on-prem-cluster")
        props.setdefault("applications", ["Hadoop", "Hive"])
        props.setdefault("primary", NodeGroup(("r4.4xlarge",), 1, Market.ON_DEMAND))
        props.setdefault("core", NodeGroup(("r4.4xlarge",), 3, Market.SPOT))
        props.setdefault("workload_type", WorkloadType.TEST)
        props.setdefault("capacity_mode", CapacityMode.INSTANCE_GROUPS)
        props["configurations"] = {
            **on_prem_proxy_configurations(),
            **dict(props.get("configurations") or {}),
        }
        return cls(scope, construct_id, vpc=vpc, release_label=release_label, **props)

    @classmethod
    def burst_compute(
        cls,
        scope: Construct,
        construct_id: str,
        *,
        vpc: ec2.IVpc,
        metastore_uri: str | None,
        alluxio: AlluxioOptions,
        engine: QueryEngine = QueryEngine.PRESTO,
        catalog_name: str = "onprem",
        release_label: str = "emr-6.15.0",
        **props: Any,
    ) -> EmrCluster:
        """The tutorial's ``alluxio-compute-cluster``: Presto or Trino with Alluxio.

        1 x r4.4xlarge on-demand primary and 3 x r5d.4xlarge spot workers (NVMe instance store for
        Alluxio's cache) in instance groups. Alluxio comes from its bootstrap script; a catalog
        named ``catalog_name`` points the engine's Hive connector at ``metastore_uri`` (the on-prem
        metastore over the peering) and, with ``alluxio.transparent_uri``, reads ``hdfs://``
        locations through Alluxio.

        Example::

            burst = EmrCluster.burst_compute(self, "BurstCluster", vpc=vpc,
                metastore_uri=f"thrift://{onprem.primary_dns}:9083",
                alluxio=AlluxioOptions(bootstrap_script="s3://alluxio-public/emr/2.0.1/alluxio-emr.sh"),
                engine=QueryEngine.TRINO)

        :param metastore_uri: ``thrift://host:9083`` of the on-prem Hive Metastore (required).
        :param alluxio: how Alluxio is installed and mounted.
        :param engine: Presto or Trino. Default: - PRESTO.
        :param catalog_name: the catalog's name. Default: - ``onprem``.
        """
        if not metastore_uri:
            raise ValueError(
                f"EmrCluster.burst_compute '{construct_id}': metastore_uri is missing: a burst "
                "cluster queries the on-prem Hive Metastore; pass "
                "metastore_uri='thrift://<on-prem primary DNS>:9083'"
            )
        if not _S3_URI.match(alluxio.bootstrap_script):
            raise ValueError(
                f"EmrCluster.burst_compute '{construct_id}': alluxio.bootstrap_script "
                f"{alluxio.bootstrap_script!r} is not an s3://bucket/key URI"
            )
        root_ufs = alluxio.root_ufs_uri or f"hdfs://{_thrift_host(metastore_uri)}:8020/"
        catalog = EngineCatalog(
            engine=engine,
            metastore_uri=metastore_uri,
            name=catalog_name,
            site_properties=ALLUXIO_SHIM if alluxio.transparent_uri else {},
        )
        actions = [
            BootstrapAction(
                "Install Alluxio", alluxio.bootstrap_script, alluxio.bootstrap_args(root_ufs)
            ),
            *props.pop("bootstrap_actions", ()),
        ]
        props.setdefault("cluster_name", "alluxio-compute-cluster")
        props.setdefault("applications", ["Hadoop", engine.value])
        props.setdefault("primary", NodeGroup(("r4.4xlarge",), 1, Market.ON_DEMAND))
        props.setdefault("core", NodeGroup(("r5d.4xlarge",), 3, Market.SPOT))
        props.setdefault("workload_type", WorkloadType.TEST)
        props.setdefault("capacity_mode", CapacityMode.INSTANCE_GROUPS)
        cluster = cls(
            scope,
            construct_id,
            vpc=vpc,
            release_label=release_label,
            bootstrap_actions=actions,
            catalogs=[catalog, *props.pop("catalogs", ())],
            **props,
        )
        cluster.alluxio_properties = alluxio.site_properties(root_ufs)
        return cluster

    # --- wiring ---------------------------------------------------------------------------

    def add_to_instance_policy(self, statement: iam.PolicyStatement) -> None:
        """Let the nodes do something more (kept in the construct's managed policy)."""
        self.instance_policy.add_statements(statement)

    def grant_bucket_read_write(self, bucket: s3.IBucket, prefix: str = "*") -> None:
        """Let the nodes read and write ``bucket`` and its key, e.g. a migration target."""
        self._grant_bucket(bucket, write=True, prefix=prefix)
        if bucket.encryption_key is not None:
            self.instance_policy.add_statements(_key_statement(bucket.encryption_key))
        if prefix.endswith("*"):
            _nag.acknowledge(
                self.instance_policy,
                f"The nodes read and write objects under {prefix!r} of a bucket granted to "
                "them; object names are chosen at run time (Alluxio, EMRFS), the bucket is fixed.",
                "AwsSolutions-IAM5",
                applies_to=[_nag.resource_target(self, bucket.arn_for_objects(prefix))],
            )

    def grant_bucket_read(self, bucket_name: str, prefix: str = "*") -> None:
        """Let the nodes read a bucket by name, e.g. a public dataset that no stack owns."""
        partition = cdk.Stack.of(self).partition
        self.instance_policy.add_statements(
            iam.PolicyStatement(
                actions=["s3:ListBucket"], resources=[f"arn:{partition}:s3:::{bucket_name}"]
            ),
            iam.PolicyStatement(
                actions=["s3:GetObject"],
                resources=[f"arn:{partition}:s3:::{bucket_name}/{prefix}"],
            ),
        )
        if prefix.endswith("*"):
            _nag.acknowledge(
                self.instance_policy,
                f"The nodes only read objects under {prefix!r} of the data set bucket "
                f"{bucket_name}; the wildcard covers the data set's files, not other buckets.",
                "AwsSolutions-IAM5",
                applies_to=[
                    _nag.resource_target(self, f"arn:{partition}:s3:::{bucket_name}/{prefix}")
                ],
            )

    # --- internals ------------------------------------------------------------------------

    #: Alluxio's site properties when the cluster was made by :meth:`burst_compute`.
    alluxio_properties: dict[str, str] | None = None

    def _grant_bucket(self, bucket: s3.IBucket, *, write: bool, prefix: str) -> None:
        actions = ["s3:GetObject"] + (["s3:PutObject", "s3:DeleteObject"] if write else [])
        self.instance_policy.add_statements(
            iam.PolicyStatement(actions=["s3:ListBucket"], resources=[bucket.bucket_arn]),
            iam.PolicyStatement(actions=actions, resources=[bucket.arn_for_objects(prefix)]),
        )

    def _managed_group(self, vpc: ec2.IVpc, construct_id: str, role: str) -> ec2.SecurityGroup:
        group = ec2.SecurityGroup(
            self,
            construct_id,
            vpc=vpc,
            description=f"EMR-managed: {role} nodes of {self.node.path}",
            allow_all_outbound=True,
        )
        cdk.Tags.of(group).add(EMR_MANAGED_TAG, "true")
        return group

    def _capacity(
        self,
        nodes: Mapping[str, NodeGroup | None],
        mode: CapacityMode,
        strategy: SpotAllocationStrategy,
        fallback: bool,
        spot_timeout: cdk.Duration,
    ) -> dict[str, Any]:
        subnet_ids = [s.subnet_id for s in self.subnets.subnets]
        if mode is CapacityMode.INSTANCE_GROUPS:
            groups = {
                role: emr.CfnCluster.InstanceGroupConfigProperty(
                    name=role.capitalize(),
                    instance_count=node.count,
                    instance_type=node.instance_types[0],
                    market=self.markets[role].value,
                    ebs_configuration=_ebs(node),
                )
                for role, node in nodes.items()
                if node is not None
            }
            result: dict[str, Any] = {
                "ec2_subnet_id": subnet_ids[0],
                "master_instance_group": groups["primary"],
                "core_instance_group": groups["core"],
            }
            if "task" in groups:
                # Task groups are added with AWS::EMR::InstanceGroupConfig on running clusters;
                # at creation CloudFormation takes them through TaskInstanceGroups.
                result["task_instance_groups"] = [groups["task"]]
            return result

        def fleet(role: str, node: NodeGroup) -> emr.CfnCluster.InstanceFleetConfigProperty:
            spot = self.markets[role] is Market.SPOT
            return emr.CfnCluster.InstanceFleetConfigProperty(
                name=role.capitalize(),
                target_on_demand_capacity=0 if spot else node.count,
                target_spot_capacity=node.count if spot else 0,
                instance_type_configs=[
                    emr.CfnCluster.InstanceTypeConfigProperty(
                        instance_type=t, weighted_capacity=1, ebs_configuration=_ebs(node)
                    )
                    for t in node.instance_types
                ],
                launch_specifications=emr.CfnCluster.InstanceFleetProvisioningSpecificationsProperty(
                    on_demand_specification=emr.CfnCluster.OnDemandProvisioningSpecificationProperty(
                        allocation_strategy="lowest-price"
                    ),
                    spot_specification=emr.CfnCluster.SpotProvisioningSpecificationProperty(
                        allocation_strategy=strategy.value,
                        timeout_action="SWITCH_TO_ON_DEMAND" if fallback else "TERMINATE_CLUSTER",
                        timeout_duration_minutes=int(spot_timeout.to_minutes()),
                    ),
                ),
            )

        result = {
            "ec2_subnet_ids": subnet_ids,
            "master_instance_fleet": fleet("primary", nodes["primary"]),  # type: ignore[arg-type]
            "core_instance_fleet": fleet("core", nodes["core"]),  # type: ignore[arg-type]
        }
        if nodes.get("task") is not None:
            result["task_instance_fleets"] = [fleet("task", nodes["task"])]  # type: ignore[arg-type]
        return result

    @staticmethod
    def _scaling(
        limits: ScalingLimits | None, mode: CapacityMode
    ) -> emr.CfnCluster.ManagedScalingPolicyProperty | None:
        if limits is None:
            return None
        return emr.CfnCluster.ManagedScalingPolicyProperty(
            compute_limits=emr.CfnCluster.ComputeLimitsProperty(
                unit_type="Instances"
                if mode is CapacityMode.INSTANCE_GROUPS
                else "InstanceFleetUnits",
                minimum_capacity_units=limits.minimum,
                maximum_capacity_units=limits.maximum,
                maximum_on_demand_capacity_units=limits.maximum_on_demand,
                maximum_core_capacity_units=limits.maximum_core,
            )
        )

    def _kerberos(self) -> emr.CfnCluster.KerberosAttributesProperty | None:
        kerberos = self.security_configuration.kerberos
        if kerberos is None:
            return None
        return emr.CfnCluster.KerberosAttributesProperty(
            realm=kerberos.realm,
            # A dynamic reference: CloudFormation resolves it at deploy time, the template holds
            # only the secret's ARN.
            kdc_admin_password=kerberos.kdc_admin_password.secret_value.unsafe_unwrap(),
        )

    def _acknowledge(self) -> None:
        _nag.acknowledge(
            self.resource,
            "Local disk and EBS encryption are on: EncryptionConfiguration.AtRestEncryption"
            "Configuration.LocalDiskEncryptionConfiguration uses AwsKms with EnableEbsEncryption, "
            "as the EMR API defines it; cdk-nag's EMR4 looks for EnableAtRestEncryption at the top "
            "of the document instead of under EncryptionConfiguration, so it cannot see it.",
            "AwsSolutions-EMR4",
        )
        if self.security_configuration.kerberos is None:
            _nag.acknowledge(
                self.resource,
                "Nodes run in private subnets with no EC2 key pair; operators reach them only "
                "through SSM Session Manager (IAM-authenticated), and Kerberos is available by "
                "passing KerberosOptions to the security configuration.",
                "AwsSolutions-EMR5",
                "AwsSolutions-EMR6",
                "HIPAA.Security-EMRKerberosEnabled",
            )


def _key_statement(key: kms.IKey, *, grants: bool = False) -> iam.PolicyStatement:
    actions = [
        "kms:Decrypt",
        "kms:Encrypt",
        "kms:GenerateDataKey",
        "kms:GenerateDataKeyWithoutPlaintext",
        "kms:ReEncryptFrom",
        "kms:ReEncryptTo",
        "kms:DescribeKey",
    ]
    if grants:
        actions += ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"]
    return iam.PolicyStatement(actions=actions, resources=[key.key_arn])


def _ebs(node: NodeGroup) -> emr.CfnCluster.EbsConfigurationProperty | None:
    if node.ebs_volume_gib is None:
        return None
    return emr.CfnCluster.EbsConfigurationProperty(
        ebs_optimized=True,
        ebs_block_device_configs=[
            emr.CfnCluster.EbsBlockDeviceConfigProperty(
                volume_specification=emr.CfnCluster.VolumeSpecificationProperty(
                    size_in_gb=node.ebs_volume_gib, volume_type="gp3"
                ),
                volumes_per_instance=1,
            )
        ],
    )


def _validate(
    construct_id: str,
    *,
    release_label: str,
    applications: Sequence[str],
    nodes: Mapping[str, NodeGroup | None],
    workload_type: WorkloadType,
    mode: CapacityMode,
    spot_timeout: cdk.Duration,
    bootstrap_actions: Sequence[BootstrapAction],
    catalogs: Sequence[EngineCatalog],
    managed_scaling: ScalingLimits | None,
    idle_timeout: cdk.Duration | None,
) -> None:
    problems: list[str] = []
    for catalog in catalogs:
        problems += catalog.problems(applications)
    if len({c.name for c in catalogs}) != len(catalogs):
        problems.append("catalogs: each catalog name may appear once")
    release = parse_release(release_label)
    if release is None:
        problems.append(
            f"release_label {release_label!r} is not an EMR release label such as 'emr-6.15.0'"
        )
    elif release[0] < 5:
        problems.append(f"release_label {release_label!r}: use EMR 5, 6 or 7")
    if not applications:
        problems.append("applications is empty; name at least 'Hadoop'")
    problems += application_problems(applications, release_label)
    if not isinstance(workload_type, WorkloadType):
        problems.append(f"workload_type {workload_type!r} is not a WorkloadType member")
    else:
        problems += market_problems(workload_type, nodes)
    for role, node in nodes.items():
        if node is None:
            continue
        if not node.instance_types:
            problems.append(f"{role}.instance_types is empty; name at least one instance type")
        if mode is CapacityMode.INSTANCE_GROUPS and len(node.instance_types) > 1:
            problems.append(
                f"{role}.instance_types lists {len(node.instance_types)} types but instance groups "
                "take one; use CapacityMode.INSTANCE_FLEETS to mix types"
            )
        if len(node.instance_types) > MAX_FLEET_INSTANCE_TYPES:
            problems.append(
                f"{role}.instance_types lists {len(node.instance_types)} types; a fleet takes at "
                f"most {MAX_FLEET_INSTANCE_TYPES}"
            )
        for instance_type in node.instance_types:
            problems += instance_type_problems(
                f"{role}.instance_types", instance_type, release_label
            )
        if node.ebs_volume_gib is not None and not 1 <= node.ebs_volume_gib <= 16384:
            problems.append(f"{role}.ebs_volume_gib {node.ebs_volume_gib} is outside 1-16384")
    primary = nodes["primary"]
    allowed_primary = (1, 3) if mode is CapacityMode.INSTANCE_GROUPS else (1,)
    if primary is not None and primary.count not in allowed_primary:
        problems.append(
            f"primary.count {primary.count} must be {' or '.join(map(str, allowed_primary))} "
            f"for {mode.name.lower().replace('_', ' ')}"
        )
    core = nodes["core"]
    if core is not None and core.count < 1:
        problems.append(f"core.count {core.count} must be at least 1 (HDFS lives on core nodes)")
    task = nodes.get("task")
    if task is not None and task.count < 0:
        problems.append(f"task.count {task.count} must not be negative")
    if mode is CapacityMode.INSTANCE_FLEETS and not 5 <= spot_timeout.to_minutes() <= 1440:
        problems.append(f"spot_timeout {spot_timeout.to_minutes()} min is outside 5-1440 minutes")
    if len(bootstrap_actions) + len(catalogs) > MAX_BOOTSTRAP_ACTIONS:
        problems.append(
            f"bootstrap_actions has {len(bootstrap_actions) + len(catalogs)} entries with the "
            f"catalogs; EMR runs at most "
            f"{MAX_BOOTSTRAP_ACTIONS}"
        )
    for action in bootstrap_actions:
        if not cdk.Token.is_unresolved(action.path) and not (
            _S3_URI.match(action.path) or action.path.startswith("file:/")
        ):
            problems.append(
                f"bootstrap action {action.name!r} path {action.path!r} is not an s3:// URI"
            )
    if managed_scaling is not None:
        limits = managed_scaling
        if not 1 <= limits.minimum <= limits.maximum:
            problems.append(
                f"managed_scaling minimum {limits.minimum} / maximum {limits.maximum}: need "
                "1 <= minimum <= maximum"
            )
        for name in ("maximum_on_demand", "maximum_core"):
            value = getattr(limits, name)
            if value is not None and not 0 <= value <= limits.maximum:
                problems.append(
                    f"managed_scaling {name} {value} must be between 0 and maximum {limits.maximum}"
                )
    if idle_timeout is not None:
        seconds = idle_timeout.to_seconds()
        if not IDLE_TIMEOUT_MIN_S <= seconds <= IDLE_TIMEOUT_MAX_S:
            problems.append(
                f"idle_timeout {seconds:g} s is outside EMR's {IDLE_TIMEOUT_MIN_S}-"
                f"{IDLE_TIMEOUT_MAX_S} s; use at least Duration.minutes(1) or None to keep the "
                "cluster running"
            )
        if release is not None and release[0] in _AUTO_TERMINATION_MIN:
            first = _AUTO_TERMINATION_MIN[release[0]]
            if release < first:
                problems.append(
                    f"idle_timeout needs emr-{'.'.join(map(str, first))} or later on this EMR "
                    f"line; {release_label} has no auto-termination (pass idle_timeout=None)"
                )
    if problems:
        raise ValueError(f"EmrCluster '{construct_id}': " + "; ".join(problems))
