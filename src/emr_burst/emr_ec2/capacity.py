"""EMR on EC2 capacity: purchasing options per workload type, instance groups or fleets, scaling.

The enums and value objects users pass (:class:`WorkloadType`, :class:`NodeGroup`, ...), the checks
that apply to them and the functions that turn them into ``AWS::EMR::Cluster`` properties.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import aws_cdk as cdk
from aws_cdk import aws_emr as emr

from emr_burst.core import rules
from emr_burst.core.errors import Checker
from emr_burst.emr_ec2 import releases

#: A fleet takes at most this many instance types per node role.
MAX_FLEET_INSTANCE_TYPES = 30
#: gp3 data volume sizes EMR accepts, in GiB.
EBS_VOLUME_GIB = (1, 16_384)
#: Fleets wait this long for spot capacity (EMR's bounds 5-1440 minutes).
DEFAULT_SPOT_TIMEOUT = cdk.Duration.minutes(20)
spot_timeout_rule = rules.duration(cdk.Duration.minutes(5), cdk.Duration.days(1))
ROLES = ("primary", "core", "task")

E = TypeVar("E", bound=enum.Enum)


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
    market: Market | str | None = None
    ebs_volume_gib: int | None = None


@dataclass(frozen=True)
class ScalingLimits:
    """Managed scaling limits, in instances (groups) or fleet units (fleets), core + task nodes."""

    minimum: int
    maximum: int
    maximum_on_demand: int | None = None
    maximum_core: int | None = None


# --- checks -----------------------------------------------------------------------------------


def parse_choice(check: Checker, prop: str, enum_type: type[E], value: Any) -> E | None:
    """The member ``value`` names (a member or its string), or ``None`` with a problem recorded."""
    parsed = rules.choice(enum_type, value)
    if isinstance(parsed, str):
        check.add(prop, value, parsed)
        return None
    return parsed


def spot_allowed(workload_type: WorkloadType, role: str) -> rules.Rule:
    """The market of ``role`` is one the workload type may use (no spot a data-critical loses)."""

    def rule(value: Any) -> str | None:
        if value is Market.SPOT and role in workload_type.on_demand_roles:
            return (
                f"a {workload_type.value} cluster must keep its {role} node: use "
                "Market.ON_DEMAND, or WorkloadType.COST_DRIVEN if losing work is fine"
            )
        return None

    return rule


def market_problems(
    workload_type: WorkloadType, nodes: Mapping[str, NodeGroup | None]
) -> list[str]:
    """Fixes for spot on nodes the workload type cannot lose (e.g. a data-critical primary)."""
    fixes = []
    for role, node in nodes.items():
        if node is not None and (fix := spot_allowed(workload_type, role)(node.market)):
            fixes.append(f"{role}.market: {fix}")
    return fixes


def _count(role: str, mode: CapacityMode) -> rules.Rule:
    if role == "primary":
        allowed = (1, 3) if mode is CapacityMode.INSTANCE_GROUPS else (1,)
        shown = " or ".join(map(str, allowed))
        name = mode.name.lower().replace("_", " ")

        def primary(value: Any) -> str | None:
            if isinstance(value, int) and not isinstance(value, bool) and value in allowed:
                return None
            return f"use {shown} primary node(s) with {name} (3 only for a highly available group)"

        return primary
    if role == "core":
        return rules.at_least(1, unit="(HDFS lives on core nodes)")
    return rules.at_least(0)


def check_node(
    check: Checker,
    role: str,
    node: Any,
    *,
    mode: CapacityMode,
    workload_type: WorkloadType | None,
    release_label: str,
) -> NodeGroup | None:
    """Record every problem of one node role; return it normalized (tuple types, parsed market)."""
    if not check.rule(role, node, rules.instance_of(NodeGroup, "NodeGroup(('m5.xlarge',), 2)")):
        return None
    prop = f"{role}.instance_types"
    types: tuple[str, ...] = ()
    if check.rule(prop, node.instance_types, rules.string_list("m5.xlarge")):
        types = tuple(node.instance_types)
        if not types:
            check.add(
                prop, node.instance_types, "name at least one instance type, e.g. 'm5.xlarge'"
            )
        elif mode is CapacityMode.INSTANCE_GROUPS and len(types) > 1:
            check.add(
                prop,
                node.instance_types,
                f"instance groups take one type, {len(types)} given; use "
                "CapacityMode.INSTANCE_FLEETS to mix types",
            )
        elif len(types) > MAX_FLEET_INSTANCE_TYPES:
            check.add(
                prop,
                node.instance_types,
                f"a fleet takes at most {MAX_FLEET_INSTANCE_TYPES} instance types",
            )
        check.each(prop, types, releases.instance_type(release_label))
    check.rule(f"{role}.count", node.count, _count(role, mode))
    market = None
    if node.market is not None:
        market = parse_choice(check, f"{role}.market", Market, node.market)
    if market is not None and workload_type is not None:
        check.rule(f"{role}.market", node.market, spot_allowed(workload_type, role))
    check.rule(
        f"{role}.ebs_volume_gib",
        node.ebs_volume_gib,
        rules.optional(rules.integer(*EBS_VOLUME_GIB, unit="GiB")),
    )
    return dataclasses.replace(node, instance_types=types, market=market)


def check_scaling(check: Checker, limits: Any) -> None:
    """Managed scaling limits: whole numbers, ``1 <= minimum <= maximum``, caps below maximum."""
    if limits is None or not check.rule(
        "managed_scaling",
        limits,
        rules.instance_of(ScalingLimits, "ScalingLimits(minimum=2, maximum=10)"),
    ):
        return
    whole = rules.at_least(1)
    if not (
        check.rule("managed_scaling.minimum", limits.minimum, whole)
        and check.rule("managed_scaling.maximum", limits.maximum, whole)
    ):
        return
    if limits.minimum > limits.maximum:
        check.add(
            "managed_scaling.minimum",
            limits.minimum,
            f"must not exceed maximum {limits.maximum}: need 1 <= minimum <= maximum",
        )
    for name in ("maximum_on_demand", "maximum_core"):
        cap = rules.optional(rules.integer(0, limits.maximum, unit="(at most maximum)"))
        check.rule(f"managed_scaling.{name}", getattr(limits, name), cap)


# --- CloudFormation properties ------------------------------------------------------------------


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


def _group(
    role: str, node: NodeGroup, market: Market
) -> emr.CfnCluster.InstanceGroupConfigProperty:
    return emr.CfnCluster.InstanceGroupConfigProperty(
        name=role.capitalize(),
        instance_count=node.count,
        instance_type=node.instance_types[0],
        market=market.value,
        ebs_configuration=_ebs(node),
    )


def _fleet(
    role: str,
    *,
    node: NodeGroup,
    market: Market,
    strategy: SpotAllocationStrategy,
    fallback: bool,
    spot_timeout: cdk.Duration,
) -> emr.CfnCluster.InstanceFleetConfigProperty:
    spot = market is Market.SPOT
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


def capacity_properties(
    *,
    nodes: Mapping[str, NodeGroup],
    markets: Mapping[str, Market],
    mode: CapacityMode,
    strategy: SpotAllocationStrategy,
    fallback: bool,
    spot_timeout: cdk.Duration,
    subnet_ids: list[str],
) -> dict[str, Any]:
    """The capacity part of ``JobFlowInstancesConfig``: groups in one subnet or fleets in all."""
    if mode is CapacityMode.INSTANCE_GROUPS:
        groups = {role: _group(role, node, markets[role]) for role, node in nodes.items()}
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
    fleets = {
        role: _fleet(
            role,
            node=node,
            market=markets[role],
            strategy=strategy,
            fallback=fallback,
            spot_timeout=spot_timeout,
        )
        for role, node in nodes.items()
    }
    result = {
        "ec2_subnet_ids": subnet_ids,
        "master_instance_fleet": fleets["primary"],
        "core_instance_fleet": fleets["core"],
    }
    if "task" in fleets:
        result["task_instance_fleets"] = [fleets["task"]]
    return result


def managed_scaling_policy(
    limits: ScalingLimits | None, mode: CapacityMode
) -> emr.CfnCluster.ManagedScalingPolicyProperty | None:
    if limits is None:
        return None
    return emr.CfnCluster.ManagedScalingPolicyProperty(
        compute_limits=emr.CfnCluster.ComputeLimitsProperty(
            unit_type="Instances" if mode is CapacityMode.INSTANCE_GROUPS else "InstanceFleetUnits",
            minimum_capacity_units=limits.minimum,
            maximum_capacity_units=limits.maximum,
            maximum_on_demand_capacity_units=limits.maximum_on_demand,
            maximum_core_capacity_units=limits.maximum_core,
        )
    )
