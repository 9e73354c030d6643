"""The props of :class:`~emr_burst.emr_ec2.cluster.EmrCluster`, checked and normalized in one go.

Every prop is judged before aws-cdk-lib sees it, with the rules of :mod:`emr_burst.core.rules` and
:mod:`emr_burst.emr_ec2.releases`, so a wrong type or value is an
:class:`~emr_burst.core.errors.EmrBurstError` that lists every problem, never a jsii stack trace.
Strings that name an enum member (``"data-critical"``) are parsed to it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3

from emr_burst.core import rules
from emr_burst.core.errors import Checker
from emr_burst.emr_ec2 import capacity, releases
from emr_burst.emr_ec2.bootstrap import (
    MAX_BOOTSTRAP_ACTIONS,
    BootstrapAction,
    ClusterCatalog,
    check_actions,
    emr_name,
)
from emr_burst.emr_ec2.capacity import (
    CapacityMode,
    Market,
    NodeGroup,
    ScalingLimits,
    SpotAllocationStrategy,
    WorkloadType,
)
from emr_burst.emr_ec2.network import EMR_MANAGED_TAG
from emr_burst.emr_ec2.security import EmrSecurityConfiguration

#: ``AutoTerminationPolicy.IdleTimeout`` bounds (EMR API): 60 s to 7 days.
IDLE_TIMEOUT_MIN = cdk.Duration.seconds(60)
IDLE_TIMEOUT_MAX = cdk.Duration.days(7)
DEFAULT_IDLE_TIMEOUT = cdk.Duration.hours(1)

VPC = rules.interface("an ec2.IVpc such as ec2.Vpc(...)", "vpc_id", "select_subnets")
BUCKET = rules.interface("an s3.IBucket", "bucket_arn", "bucket_name", "arn_for_objects")
KEY = rules.interface("a kms.IKey", "key_arn", "grant")
ROLE = rules.interface("an iam.IRole such as iam.Role(...)", "role_arn", "role_name")
SECURITY_GROUP = rules.interface("an ec2.ISecurityGroup", "security_group_id", "connections")
CATALOG = rules.interface("an EngineCatalog(...)", "name", "check", "bind")


@dataclass(frozen=True)
class ClusterProps:
    """Everything an ``EmrCluster`` is built from; see the construct for each prop."""

    vpc: ec2.IVpc
    release_label: str
    applications: Sequence[str]
    primary: NodeGroup
    core: NodeGroup
    task: NodeGroup | None = None
    workload_type: WorkloadType | str = WorkloadType.PERSISTENT
    capacity_mode: CapacityMode | str | None = None
    spot_allocation_strategy: SpotAllocationStrategy | str = (
        SpotAllocationStrategy.PRICE_CAPACITY_OPTIMIZED
    )
    on_demand_fallback: bool = True
    spot_timeout: cdk.Duration | None = None
    configurations: Mapping[str, Mapping[str, str]] | None = None
    bootstrap_actions: Sequence[BootstrapAction] = ()
    catalogs: Sequence[ClusterCatalog] = ()
    managed_scaling: ScalingLimits | None = None
    idle_timeout: cdk.Duration | None = DEFAULT_IDLE_TIMEOUT
    subnets: ec2.SubnetSelection | None = None
    additional_security_groups: Sequence[ec2.ISecurityGroup] = ()
    security_configuration: EmrSecurityConfiguration | None = None
    logs_bucket: s3.IBucket | None = None
    encryption_key: kms.IKey | None = None
    instance_role: iam.IRole | None = None
    service_role: iam.IRole | None = None
    cluster_name: str | None = None
    removal_policy: cdk.RemovalPolicy | None = None
    hdfs_on_spot: bool = False
    imported_network_tagged: bool = False
    #: Resolved by :func:`check_props`: the market of each node role present.
    markets: dict[str, Market] = field(default_factory=dict)

    # The typed views below hold once check_props has normalized the props.

    @property
    def mode(self) -> CapacityMode:
        if isinstance(self.capacity_mode, CapacityMode):
            return self.capacity_mode
        assert isinstance(self.workload_type, WorkloadType)
        return self.workload_type.capacity_mode

    @property
    def strategy(self) -> SpotAllocationStrategy:
        assert isinstance(self.spot_allocation_strategy, SpotAllocationStrategy)
        return self.spot_allocation_strategy

    @property
    def nodes(self) -> dict[str, NodeGroup]:
        nodes = {"primary": self.primary, "core": self.core, "task": self.task}
        return {role: node for role, node in nodes.items() if node is not None}


def check_props(check: Checker, props: ClusterProps) -> ClusterProps:
    """Record every problem of ``props`` in ``check``; return them normalized (enums parsed,
    sequences as tuples, markets resolved). Only meaningful when ``check.ok`` afterwards."""
    workload = capacity.parse_choice(check, "workload_type", WorkloadType, props.workload_type)
    mode = None
    if props.capacity_mode is not None:
        mode = capacity.parse_choice(check, "capacity_mode", CapacityMode, props.capacity_mode)
    strategy = capacity.parse_choice(
        check, "spot_allocation_strategy", SpotAllocationStrategy, props.spot_allocation_strategy
    )
    effective_mode = mode or (workload or WorkloadType.PERSISTENT).capacity_mode
    release = props.release_label
    release_ok = check.rule("release_label", release, releases.supported_release)
    label = release if release_ok else ""
    applications = _applications(check, props.applications, label)
    nodes: dict[str, NodeGroup | None] = {}
    for role in capacity.ROLES:
        given = getattr(props, role)
        if role == "task" and given is None:
            continue
        nodes[role] = capacity.check_node(
            check, role, given, mode=effective_mode, workload_type=workload, release_label=label
        )
    spot_timeout = props.spot_timeout or capacity.DEFAULT_SPOT_TIMEOUT
    if effective_mode is CapacityMode.INSTANCE_FLEETS:
        check.rule("spot_timeout", spot_timeout, capacity.spot_timeout_rule)
    else:
        check.rule("spot_timeout", spot_timeout, rules.cdk_duration)
    check.rule("on_demand_fallback", props.on_demand_fallback, rules.boolean)
    capacity.check_scaling(check, props.managed_scaling)
    idle = rules.optional(rules.duration(IDLE_TIMEOUT_MIN, IDLE_TIMEOUT_MAX))
    if check.rule("idle_timeout", props.idle_timeout, idle):
        check.rule("idle_timeout", props.idle_timeout, releases.idle_timeout(label))
    _configurations(check, props.configurations)
    actions = check_actions(check, props.bootstrap_actions)
    catalogs = _catalogs(check, props.catalogs, applications)
    if len(actions) + len(catalogs) > MAX_BOOTSTRAP_ACTIONS:
        check.add(
            "bootstrap_actions",
            len(actions) + len(catalogs),
            f"EMR runs at most {MAX_BOOTSTRAP_ACTIONS} bootstrap actions, catalogs included; "
            "combine scripts",
        )
    _resources(check, props)
    if check.rule("hdfs_on_spot", props.hdfs_on_spot, rules.boolean):
        _hdfs_market(check, nodes.get("core"), props.hdfs_on_spot)
    if not check.ok or workload is None or strategy is None:
        return props
    normalized = {role: node for role, node in nodes.items() if node is not None}
    return dataclasses.replace(
        props,
        applications=applications,
        workload_type=workload,
        capacity_mode=mode,
        spot_allocation_strategy=strategy,
        spot_timeout=spot_timeout,
        bootstrap_actions=actions,
        catalogs=catalogs,
        additional_security_groups=tuple(props.additional_security_groups),
        markets={
            role: _market(role, node, workload, props.hdfs_on_spot)
            for role, node in normalized.items()
        },
        primary=normalized["primary"],
        core=normalized["core"],
        task=normalized.get("task"),
    )


def _market(role: str, node: NodeGroup, workload: WorkloadType, hdfs_on_spot: bool) -> Market:
    """The node's own market, else the workload type's; core nodes hold HDFS, so the table's spot
    core applies only when the user accepts losing HDFS blocks."""
    if isinstance(node.market, Market):
        return node.market
    market = workload.markets[role]
    if role == "core" and market is Market.SPOT and not hdfs_on_spot:
        return Market.ON_DEMAND
    return market


def _hdfs_market(check: Checker, core: NodeGroup | None, hdfs_on_spot: bool) -> None:
    """Spot core nodes only with ``hdfs_on_spot``: with up to 3 core nodes EMR keeps one replica
    (``dfs.replication=1``), so a single spot reclaim loses HDFS blocks."""
    if core is None or core.market is not Market.SPOT or hdfs_on_spot:
        return
    check.add(
        "core.market",
        core.market,
        "core nodes hold HDFS, and with 3 or fewer of them EMR keeps one replica per block, so "
        "one spot reclaim loses data: use Market.ON_DEMAND for core (spot task nodes add "
        "compute without HDFS), or pass hdfs_on_spot=True if HDFS holds nothing you cannot "
        "reload",
    )


def _applications(check: Checker, value: Any, release_label: str) -> tuple[str, ...]:
    if not check.rule("applications", value, rules.string_list("Hadoop")):
        return ()
    applications = tuple(value)
    if not applications:
        check.add("applications", value, "name at least one application, e.g. ['Hadoop']")
    check.each("applications", applications, releases.application(release_label))
    check.rule("applications", applications, releases.one_engine)
    check.rule("applications", applications, rules.distinct)
    return applications


def _configurations(check: Checker, value: Any) -> None:
    if value is None:
        return
    if check.rule("configurations", value, classifications):
        for classification, properties in value.items():
            check.rule(
                f"configurations[{classification!r}]",
                properties,
                rules.string_map("{'spark.executor.cores': '4'}"),
            )


def classifications(value: Any) -> str | None:
    """A dict of configuration classification to properties (not a string)."""
    if isinstance(value, str) or not callable(getattr(value, "items", None)):
        return f"expected a dict of classification to properties, got {type(value).__name__}"
    return None


def _catalogs(check: Checker, value: Any, applications: Sequence[str]) -> tuple[Any, ...]:
    if not check.rule("catalogs", value, rules.sequence("EngineCatalog(...)")):
        return ()
    catalogs = tuple(value)
    if check.each("catalogs", catalogs, CATALOG):
        for index, catalog in enumerate(catalogs):
            catalog.check(check, f"catalogs[{index}]", applications)
        check.rule("catalogs", [c.name for c in catalogs], rules.distinct)
    return catalogs


def _resources(check: Checker, props: ClusterProps) -> None:
    """The AWS objects passed in: interfaces of the right kind, subnets that exist."""
    tag_check = props.service_role is None and check.rule(
        "imported_network_tagged", props.imported_network_tagged, rules.boolean
    )
    tag_check = tag_check and not props.imported_network_tagged
    if check.rule("vpc", props.vpc, VPC):
        selected = _subnets(check, props.vpc, props.subnets)
        if tag_check and selected is not None:
            _untaggable(
                check,
                "subnets" if props.subnets is not None else "vpc",
                [s.subnet_id for s in selected.subnets if not _created_here(s)],
                "subnets",
            )
    check.rule(
        "security_configuration",
        props.security_configuration,
        rules.optional(
            rules.instance_of(EmrSecurityConfiguration, "an EmrSecurityConfiguration(...)")
        ),
    )
    check.rule("logs_bucket", props.logs_bucket, rules.optional(BUCKET))
    check.rule("encryption_key", props.encryption_key, rules.optional(KEY))
    roles_ok = check.rule("instance_role", props.instance_role, rules.optional(ROLE))
    roles_ok = check.rule("service_role", props.service_role, rules.optional(ROLE)) and roles_ok
    if roles_ok and _same_role(props.instance_role, props.service_role):
        check.add(
            "service_role",
            props.service_role,
            "the service role and the instance role must be two roles: EMR and the EC2 nodes "
            "need different trust and permissions",
        )
    groups = props.additional_security_groups
    if (
        check.rule("additional_security_groups", groups, rules.sequence("security_group"))
        and check.each("additional_security_groups", groups, SECURITY_GROUP)
        and tag_check
    ):
        _untaggable(
            check,
            "additional_security_groups",
            [g.security_group_id for g in groups if not _created_here(g)],
            "security groups",
        )
    check.rule("cluster_name", props.cluster_name, rules.optional(emr_name))
    check.rule(
        "removal_policy",
        props.removal_policy,
        rules.optional(rules.instance_of(cdk.RemovalPolicy, "cdk.RemovalPolicy.RETAIN")),
    )


def _same_role(first: iam.IRole | None, second: iam.IRole | None) -> bool:
    if first is None or second is None:
        return False
    if first is second:
        return True
    names = (first.role_name, second.role_name)
    return not any(cdk.Token.is_unresolved(n) for n in names) and names[0] == names[1]


def _created_here(resource: Any) -> bool:
    """Made in this app (``Tags.of()`` reaches its CloudFormation resource), not imported."""
    return isinstance(resource.node.default_child, cdk.CfnResource)


def _untaggable(check: Checker, prop: str, ids: list[str], kind: str) -> None:
    """Imported subnets or groups: ``AmazonEMRServicePolicy_v2`` launches into them only when they
    carry the managed-policy tag, which this app cannot add to resources it does not own."""
    if not ids:
        return
    shown = [i if not rules.unresolved(i) else "<token>" for i in ids]
    check.add(
        prop,
        shown,
        f"these imported {kind} cannot be tagged by this app, and the EMR service role "
        f"(AmazonEMRServicePolicy_v2) launches nodes only into ones tagged {EMR_MANAGED_TAG}=true: "
        f"tag them (aws ec2 create-tags --resources <ids> --tags "
        f"Key={EMR_MANAGED_TAG},Value=true), then pass imported_network_tagged=True; or pass a "
        "service_role whose policy does not need the tag",
    )


def _subnets(check: Checker, vpc: ec2.IVpc, selection: Any) -> ec2.SelectedSubnets | None:
    example = "ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)"
    if not check.rule(
        "subnets", selection, rules.optional(rules.instance_of(ec2.SubnetSelection, example))
    ):
        return None
    chosen = selection or ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)
    prop = "subnets" if selection is not None else "vpc"
    try:
        selected = select(vpc, chosen)
    except RuntimeError as err:  # aws-cdk-lib refuses a selection the VPC cannot satisfy
        reason = str(err).split("\n", 1)[0]
        check.add(prop, selection or vpc, f"{reason}; nodes run in private subnets with egress")
        return None
    if not selected.subnets:
        check.add(prop, selection or vpc, "selects no subnet; give the VPC private subnets")
        return None
    return selected


def select(vpc: ec2.IVpc, selection: ec2.SubnetSelection) -> ec2.SelectedSubnets:
    return vpc.select_subnets(
        subnet_type=selection.subnet_type,
        subnet_group_name=selection.subnet_group_name,
        subnets=selection.subnets,
        availability_zones=selection.availability_zones,
        one_per_az=selection.one_per_az,
    )
