"""A typed L3 over ``AWS::EMR::Cluster``: private, encrypted, logged and idle-terminated.

Purchasing options follow the per-workload-type table of EMR's guidance (persistent, cost-driven,
data-critical, test). The props are checked in :mod:`~emr_burst.emr_ec2.cluster_props`, capacity
is built in :mod:`~emr_burst.emr_ec2.capacity` and the roles in :mod:`~emr_burst.emr_ec2.roles`;
the hybrid burst tutorial's two clusters are presets in :mod:`emr_burst.hybrid.presets`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import aws_cdk as cdk
import jsii
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_emr as emr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from emr_burst.core import buckets as _buckets
from emr_burst.core import nag as _nag
from emr_burst.core import rules
from emr_burst.core.errors import Checker
from emr_burst.core.removal import data_removal_policy
from emr_burst.emr_ec2 import capacity, cluster_props, network, roles
from emr_burst.emr_ec2.base import EmrClusterBase, IEmrCluster, ImportedEmrCluster
from emr_burst.emr_ec2.bootstrap import BootstrapAction, ClusterCatalog
from emr_burst.emr_ec2.capacity import (
    CapacityMode,
    Market,
    NodeGroup,
    ScalingLimits,
    SpotAllocationStrategy,
    WorkloadType,
)
from emr_burst.emr_ec2.cluster_props import DEFAULT_IDLE_TIMEOUT, ClusterProps
from emr_burst.emr_ec2.security import (
    EmrSecurityConfiguration,
    acknowledge_cluster,
    kerberos_attributes,
)

if TYPE_CHECKING:
    from emr_burst.hybrid.alluxio import AlluxioOptions
    from emr_burst.hybrid.catalog import QueryEngine

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
#: Where EMR writes the cluster's logs in the logs bucket (``LogUri``).
_LOG_PREFIX = "logs/"


#: Tag of a cluster whose HDFS core nodes may run on spot (``hdfs_on_spot=True``).
HDFS_ON_SPOT_TAG = "emr-burst:hdfs-on-spot"


@jsii.implements(iam.IGrantable, ec2.IConnectable)
class EmrCluster(EmrClusterBase):
    """An EMR on EC2 cluster in private subnets, encrypted, logged and idle-terminated.

    Capacity is uniform instance groups or instance fleets (several types, a spot allocation
    strategy and on-demand fallback), with the purchasing option per node role taken from the
    workload type unless given. The construct creates the EMR-managed security groups (primary,
    core/task, service access), a KMS-encrypted logs bucket, a service role with
    ``AmazonEMRServicePolicy_v2`` and an instance role whose one managed policy lists exactly the
    buckets, objects and keys the nodes use. The cluster is an ``iam.IGrantable`` (grants go to
    that policy: ``bucket.grant_read(cluster)``), an ``ec2.IConnectable`` (its primary and core
    groups) and an :class:`~emr_burst.emr_ec2.base.IEmrCluster` with ``metric_*`` methods.

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
        data_bucket.grant_read(cluster)

    Presets reproduce the hybrid tutorial: :meth:`on_prem_proxy` and :meth:`burst_compute`.

    :param vpc: VPC of the cluster.
    :param release_label: EMR release, e.g. ``emr-6.15.0``.
    :param applications: EMR application names, e.g. ``["Hadoop", "Hive"]``.
    :param primary: the primary node (1 instance; 3 for instance groups with HA).
    :param core: core nodes (HDFS and tasks).
    :param task: task nodes. Default: - none.
    :param workload_type: decides default markets and capacity mode (a member or its value,
        e.g. ``"data-critical"``). Default: - PERSISTENT.
    :param capacity_mode: groups or fleets. Default: - the workload type's choice.
    :param spot_allocation_strategy: fleets only. Default: - PRICE_CAPACITY_OPTIMIZED.
    :param on_demand_fallback: fleets switch to on-demand when spot is not found in
        ``spot_timeout``; otherwise the cluster terminates. Default: - True.
    :param spot_timeout: fleets only, 5 to 1440 minutes. Default: - 20 minutes.
    :param configurations: classification to properties (strings). Default: - none.
    :param bootstrap_actions: scripts run on each node. Default: - none.
    :param catalogs: Presto/Trino catalogs on a Hive Metastore (``EngineCatalog``), each written
        by a bootstrap action. Default: - none.
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
    :param instance_role: role of the nodes. Default: - a new role whose grants land in its one
        managed policy.
    :param service_role: role EMR uses. Default: - a new role with ``AmazonEMRServicePolicy_v2``.
    :param cluster_name: the cluster's name. Default: - derived from the construct path.
    :param removal_policy: of the cluster (HDFS data) and the logs bucket it creates.
        Default: - RETAIN; a retained cluster still terminates itself when idle.
    :param hdfs_on_spot: let core nodes, which hold HDFS, run on spot (explicitly, or by the
        workload type's table). With 3 or fewer core nodes EMR keeps one replica per block, so a
        spot reclaim loses data. Default: - False: core nodes are on-demand, and an explicit
        spot core is an error.
    :param imported_network_tagged: the imported subnets and security groups the cluster uses
        already carry ``for-use-with-amazon-emr-managed-policies=true`` (this app cannot tag what
        it does not own). Default: - False: imported ones are an error while the construct makes
        the service role (``AmazonEMRServicePolicy_v2`` needs the tag).
    """

    #: Alluxio's site properties when the cluster was made by :meth:`burst_compute`.
    alluxio_properties: dict[str, str] | None = None

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
        workload_type: WorkloadType | str = WorkloadType.PERSISTENT,
        capacity_mode: CapacityMode | str | None = None,
        spot_allocation_strategy: SpotAllocationStrategy | str = (
            SpotAllocationStrategy.PRICE_CAPACITY_OPTIMIZED
        ),
        on_demand_fallback: bool = True,
        spot_timeout: cdk.Duration | None = None,
        configurations: Mapping[str, Mapping[str, str]] | None = None,
        bootstrap_actions: Sequence[BootstrapAction] = (),
        catalogs: Sequence[ClusterCatalog] = (),
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
        hdfs_on_spot: bool = False,
        imported_network_tagged: bool = False,
    ) -> None:
        given = ClusterProps(
            vpc=vpc,
            release_label=release_label,
            applications=applications,
            primary=primary,
            core=core,
            task=task,
            workload_type=workload_type,
            capacity_mode=capacity_mode,
            spot_allocation_strategy=spot_allocation_strategy,
            on_demand_fallback=on_demand_fallback,
            spot_timeout=spot_timeout,
            configurations=configurations,
            bootstrap_actions=bootstrap_actions,
            catalogs=catalogs,
            managed_scaling=managed_scaling,
            idle_timeout=idle_timeout,
            subnets=subnets,
            additional_security_groups=additional_security_groups,
            security_configuration=security_configuration,
            logs_bucket=logs_bucket,
            encryption_key=encryption_key,
            instance_role=instance_role,
            service_role=service_role,
            cluster_name=cluster_name,
            removal_policy=removal_policy,
            hdfs_on_spot=hdfs_on_spot,
            imported_network_tagged=imported_network_tagged,
        )
        check = Checker(scope, construct_id, "EmrCluster")
        props = cluster_props.check_props(check, given)
        check.raise_if_any()
        super().__init__(scope, construct_id)
        self.release_label = props.release_label
        self.workload_type = props.workload_type
        self.capacity_mode = props.mode
        self.applications = tuple(props.applications)
        self.markets: dict[str, Market] = dict(props.markets)
        if (
            props.workload_type is WorkloadType.PERSISTENT
            and self.markets["primary"] is Market.SPOT
        ):
            cdk.Annotations.of(self).add_warning_v2(
                "emr-burst:persistent-spot-primary",
                "a persistent cluster on a spot primary ends when the primary is reclaimed",
            )
        key = self._storage(props)
        self._roles(props, key)
        self._network(props)
        self.bootstrap_actions: list[BootstrapAction] = list(props.bootstrap_actions)
        for action in self.bootstrap_actions:
            self._grant_script(action.path)
        self.catalogs = tuple(props.catalogs)
        self.bootstrap_actions += [catalog.bind(self) for catalog in self.catalogs]
        self.configurations: dict[str, dict[str, str]] = {
            classification: dict(values)
            for classification, values in (props.configurations or {}).items()
        }
        self.resource = self._cluster(props)
        # AmazonEMRServicePolicy_v2 launches instances only with this request tag; EMR copies the
        # cluster's tags onto what it creates.
        network.tag_for_emr(self.resource)
        if props.hdfs_on_spot:
            # The accepted risk stays visible on the cluster (and to the deploy-time rules).
            cdk.Tags.of(self.resource).add(HDFS_ON_SPOT_TAG, "accepted")
        # The roles' policies must exist before EMR assumes the roles.
        self.resource.node.add_dependency(self.instance_policy, self.service_policy)
        # Retained like every stateful resource (HDFS holds data); a retained cluster still ends
        # itself through the idle auto-termination policy. What it needs to keep running (its
        # roles, instance profile and security groups) shares its fate, so deleting the stack
        # never leaves a live cluster without its roles or with groups in use.
        cluster_removal = data_removal_policy(self, props.removal_policy)
        for child in self.node.find_all():
            if isinstance(child, cdk.CfnResource) and child.cfn_resource_type in _SHARES_FATE:
                child.apply_removal_policy(cluster_removal)
        #: The cluster id (``j-...``).
        self.cluster_id = self.resource.ref
        #: Private DNS name of the primary node in private subnets.
        self.primary_dns: str = self.resource.attr_master_public_dns
        self.cluster_arn: str = cdk.Stack.of(self).format_arn(
            service="elasticmapreduce", resource="cluster", resource_name=self.cluster_id
        )
        acknowledge_cluster(self.resource, self.security_configuration)

    # --- importing and presets --------------------------------------------------------------

    @staticmethod
    def from_cluster_attributes(
        scope: Construct,
        construct_id: str,
        *,
        cluster_id: str,
        instance_role: iam.IRole | None = None,
        security_groups: Sequence[ec2.ISecurityGroup] = (),
    ) -> IEmrCluster:
        """A cluster made elsewhere, e.g. to alarm on it with ``EmrOperations``.

        Example::

            cluster = EmrCluster.from_cluster_attributes(self, "Imported",
                cluster_id="j-2AXXXXXXGAPLF",
                instance_role=iam.Role.from_role_name(self, "Nodes", "EMR_EC2_DefaultRole"))

        :param cluster_id: the cluster's id (``j-...``).
        :param instance_role: the nodes' role, which grants go to. Default: - unknown; a grant
            to the cluster then fails and says to pass it.
        :param security_groups: what ``connections`` manages. Default: - none.
        """
        return ImportedEmrCluster(
            scope,
            construct_id,
            cluster_id=cluster_id,
            instance_role=instance_role,
            security_groups=security_groups,
        )

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
        """The hybrid tutorial's ``on-prem-cluster``.

        See :func:`emr_burst.hybrid.presets.on_prem_proxy`.
        """
        from emr_burst.hybrid import presets  # noqa: PLC0415 (hybrid builds on this module)

        return presets.on_prem_proxy(
            scope, construct_id, vpc=vpc, release_label=release_label, **props
        )

    @classmethod
    def burst_compute(
        cls,
        scope: Construct,
        construct_id: str,
        *,
        vpc: ec2.IVpc,
        metastore_uri: str | None,
        alluxio: AlluxioOptions,
        engine: QueryEngine | str = "Presto",
        catalog_name: str = "onprem",
        release_label: str = "emr-6.15.0",
        **props: Any,
    ) -> EmrCluster:
        """The hybrid tutorial's ``alluxio-compute-cluster``.

        See :func:`emr_burst.hybrid.presets.burst_compute`.
        """
        from emr_burst.hybrid import presets  # noqa: PLC0415 (hybrid builds on this module)

        return presets.burst_compute(
            scope,
            construct_id,
            vpc=vpc,
            metastore_uri=metastore_uri,
            alluxio=alluxio,
            engine=engine,
            catalog_name=catalog_name,
            release_label=release_label,
            **props,
        )

    # --- wiring -------------------------------------------------------------------------------

    @property
    def grant_principal(self) -> iam.IPrincipal:
        """The nodes' role: ``bucket.grant_read(cluster)`` lands in its managed policy."""
        return self.instance_role

    @property
    def connections(self) -> ec2.Connections:
        """The EMR-managed primary and core/task security groups."""
        return self._connections

    def add_to_instance_policy(self, statement: iam.PolicyStatement) -> None:
        """Let the nodes do something more (kept in the construct's managed policy)."""
        self.instance_policy.add_statements(statement)

    def grant_bucket_read_write(self, bucket: s3.IBucket, prefix: str = "*") -> None:
        """Let the nodes read and write ``bucket`` and its key, e.g. a migration target."""
        check = Checker(None, None, "", where=f"EmrCluster '{self.node.path}'")
        check.rule("bucket", bucket, cluster_props.BUCKET)
        check.rule("prefix", prefix, roles.key_pattern)
        check.raise_if_any()
        self._grant_bucket(bucket, write=True, prefix=prefix)
        if bucket.encryption_key is not None:
            self.instance_policy.add_statements(roles.key_statement(bucket.encryption_key))
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
        check = Checker(None, None, "", where=f"EmrCluster '{self.node.path}'")
        check.rule("bucket_name", bucket_name, roles.bucket_name)
        check.rule("prefix", prefix, roles.key_pattern)
        check.raise_if_any()
        partition = cdk.Stack.of(self).partition
        objects = f"arn:{partition}:s3:::{bucket_name}/{prefix}"
        self.instance_policy.add_statements(
            iam.PolicyStatement(
                actions=["s3:ListBucket"], resources=[f"arn:{partition}:s3:::{bucket_name}"]
            ),
            iam.PolicyStatement(actions=["s3:GetObject"], resources=[objects]),
        )
        if prefix.endswith("*"):
            _nag.acknowledge(
                self.instance_policy,
                f"The nodes only read objects under {prefix!r} of the data set bucket "
                f"{bucket_name}; the wildcard covers the data set's files, not other buckets.",
                "AwsSolutions-IAM5",
                applies_to=[_nag.resource_target(self, objects)],
            )

    # --- internals ----------------------------------------------------------------------------

    def _storage(self, props: ClusterProps) -> kms.IKey:
        """Security configuration, logs bucket; returns the logs key."""
        self.security_configuration = props.security_configuration or EmrSecurityConfiguration(
            self, "SecurityConfiguration", removal_policy=props.removal_policy
        )
        key = props.encryption_key or self.security_configuration.encryption_key
        self.logs_bucket: s3.IBucket = props.logs_bucket or _buckets.kms_bucket(
            self,
            "LogsBucket",
            key=key,
            removal_policy=data_removal_policy(self, props.removal_policy),
            access_logs=None,
            unlogged_reason=(
                "This bucket receives only the EMR cluster's own step, node and application "
                "logs, written by the cluster's instance role; logging requests to a log "
                "bucket would only log the logs."
            ),
        )
        self.log_uri = f"s3://{self.logs_bucket.bucket_name}/{_LOG_PREFIX}"
        return key

    def _roles(self, props: ClusterProps, key: kms.IKey) -> None:
        self.instance_role, self.instance_policy = roles.instance_role(self, props.instance_role)
        # EMR writes logs/<cluster id>/...: the grant covers the prefix's objects.
        self._grant_bucket(self.logs_bucket, write=True, prefix=f"{_LOG_PREFIX}*")
        _nag.acknowledge(
            self.instance_policy,
            "EMR writes each cluster's step, node and application logs under "
            f"{_LOG_PREFIX}<cluster id>/ with names chosen at run time; the grant is limited to "
            "that prefix of the cluster's own logs bucket.",
            "AwsSolutions-IAM5",
            applies_to=[
                _nag.resource_target(self, self.logs_bucket.arn_for_objects(f"{_LOG_PREFIX}*"))
            ],
        )
        self.instance_policy.add_statements(roles.key_statement(key))
        sc_key = self.security_configuration.encryption_key
        if sc_key is not key:
            self.instance_policy.add_statements(roles.key_statement(sc_key))
        roles.allow_session_manager(self.instance_role)
        self.instance_profile = iam.CfnInstanceProfile(
            self, "InstanceProfile", roles=[self.instance_role.role_name]
        )
        stack = cdk.Stack.of(self)
        any_cluster = stack.format_arn(
            service="elasticmapreduce", resource="cluster", resource_name="*"
        )
        self.service_role = roles.service_role(self, props.service_role, stack.account, any_cluster)
        self.service_policy = roles.service_policy(
            self, self.service_role, self.instance_role, sc_key
        )

    def _network(self, props: ClusterProps) -> None:
        selection = props.subnets or ec2.SubnetSelection(
            subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS
        )
        self.subnets = cluster_props.select(props.vpc, selection)
        groups = network.ClusterGroups(self, props.vpc, props.additional_security_groups)
        network.tag_for_emr(*self.subnets.subnets, *groups.additional)
        self.primary_security_group = groups.primary
        self.core_security_group = groups.core
        self.service_access_security_group = groups.service_access
        self.additional_security_groups = groups.additional
        self._connections = ec2.Connections(security_groups=[groups.primary, groups.core])

    def _cluster(self, props: ClusterProps) -> emr.CfnCluster:
        additional = [g.security_group_id for g in self.additional_security_groups]
        instances = emr.CfnCluster.JobFlowInstancesConfigProperty(
            emr_managed_master_security_group=self.primary_security_group.security_group_id,
            emr_managed_slave_security_group=self.core_security_group.security_group_id,
            service_access_security_group=self.service_access_security_group.security_group_id,
            additional_master_security_groups=additional or None,
            additional_slave_security_groups=additional or None,
            keep_job_flow_alive_when_no_steps=True,
            termination_protected=False,
            **capacity.capacity_properties(
                nodes=props.nodes,
                markets=self.markets,
                mode=props.mode,
                strategy=props.strategy,
                fallback=props.on_demand_fallback,
                spot_timeout=props.spot_timeout or capacity.DEFAULT_SPOT_TIMEOUT,
                subnet_ids=[s.subnet_id for s in self.subnets.subnets],
            ),
        )
        return emr.CfnCluster(
            self,
            "Resource",
            name=props.cluster_name or cdk.Names.unique_id(self),
            release_label=props.release_label,
            applications=[emr.CfnCluster.ApplicationProperty(name=a) for a in self.applications],
            instances=instances,
            job_flow_role=self.instance_profile.ref,
            service_role=self.service_role.role_arn,
            log_uri=self.log_uri,
            security_configuration=self.security_configuration.security_configuration_name,
            visible_to_all_users=True,
            configurations=[
                emr.CfnCluster.ConfigurationProperty(
                    classification=classification, configuration_properties=values
                )
                for classification, values in sorted(self.configurations.items())
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
                    idle_timeout=int(props.idle_timeout.to_seconds())
                )
                if props.idle_timeout is not None
                else None
            ),
            managed_scaling_policy=capacity.managed_scaling_policy(
                props.managed_scaling, props.mode
            ),
            kerberos_attributes=kerberos_attributes(self.security_configuration),
        )

    def _grant_script(self, path: str) -> None:
        """Read access to one bootstrap script in S3 (scripts on the node need none)."""
        if rules.unresolved(path) or not path.startswith("s3://"):
            return
        bucket, key = rules.parse_s3_uri(path)
        partition = cdk.Stack.of(self).partition
        self.instance_policy.add_statements(
            iam.PolicyStatement(
                actions=["s3:GetObject"], resources=[f"arn:{partition}:s3:::{bucket}/{key}"]
            )
        )

    def _grant_bucket(self, bucket: s3.IBucket, *, write: bool, prefix: str) -> None:
        actions = ["s3:GetObject"] + (["s3:PutObject", "s3:DeleteObject"] if write else [])
        self.instance_policy.add_statements(
            iam.PolicyStatement(actions=["s3:ListBucket"], resources=[bucket.bucket_arn]),
            iam.PolicyStatement(actions=actions, resources=[bucket.arn_for_objects(prefix)]),
        )
