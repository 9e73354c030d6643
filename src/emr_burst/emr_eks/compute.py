"""Spark compute of the EMR on EKS platform: EKS Auto Mode node pools or a managed node group.

Drivers and executors are kept apart by node labels and taints; :class:`SparkPlacement` carries the
node selectors and tolerations the team pod templates use.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aws_cdk import aws_eks_v2 as eks

from emr_burst.core import rules
from emr_burst.core.errors import Checker

#: Node label and taint key that keeps Spark pods and other workloads apart in Auto Mode.
SPARK_ROLE_LABEL = "emr-burst.io/spark-role"
SPARK_NODE_CLASS = "spark"
DRIVER_NODE_POOL = "spark-driver"
EXECUTOR_NODE_POOL = "spark-executor"

CAPACITY_TYPES = ("on-demand", "spot")
ARCHITECTURES = ("arm64", "amd64")
_FAMILY_RE = re.compile(r"^[a-z]+[0-9]+[a-z-]*$")
#: Graviton families carry a ``g`` right after the generation digit (m7g, r8gd, c6gn).
_GRAVITON_RE = re.compile(r"^[a-z]+[0-9]+g")
#: Families with local NVMe instance storage carry a ``d`` in their suffix (m6id, r6gd, c5d).
_NVME_RE = re.compile(r"^[a-z]+[0-9]+[a-z-]*d[a-z-]*$")
_INSTANCE_TYPE_RE = re.compile(r"[a-z][a-z0-9-]*\.[a-z0-9]+")
_MAX_NODE_LIFETIME = "336h"


@dataclass(frozen=True)
class AutoModeCompute:
    """Elastic compute: EKS Auto Mode with one NodePool for Spark drivers and one for executors.

    Both pools use one NodeClass (the platform's node role, private subnets, the cluster security
    group). Drivers go on ``driver_capacity_types`` (on-demand by default, so a job is not lost to a
    spot interruption), executors on ``executor_capacity_types`` (spot by default). Each pool is
    tainted, so only pods that tolerate it (the team pod templates) land there.

    :param instance_families: EC2 families both pools may use. Default: - Graviton and x86 general
        purpose and memory-optimized families of the 6th and 7th generation.
    :param architectures: CPU architectures allowed. Default: - ``arm64`` and ``amd64``.
    :param driver_capacity_types: capacity types for drivers. Default: - ``on-demand``.
    :param executor_capacity_types: capacity types for executors. Default: - ``spot``.
    :param guaranteed_drivers: refuse spot-only drivers. Default: - True.
    :param local_nvme: require instances with local NVMe storage (shuffle and spill on instance
        store). Default: - False.
    :param ephemeral_storage_gib: EBS ephemeral storage per node. Default: - 100.
    :param driver_cpu_limit: vCPUs the driver pool may hold in total. Default: - 64.
    :param executor_cpu_limit: vCPUs the executor pool may hold in total. Default: - 512.
    :param consolidate_after: how long an empty node lives before it is removed. Default: - 60s.
    """

    instance_families: Sequence[str] = ("m6g", "m7g", "r6g", "r7g", "m6i", "m7i", "r6i", "r7i")
    architectures: Sequence[str] = ARCHITECTURES
    driver_capacity_types: Sequence[str] = ("on-demand",)
    executor_capacity_types: Sequence[str] = ("spot",)
    guaranteed_drivers: bool = True
    local_nvme: bool = False
    ephemeral_storage_gib: int = 100
    driver_cpu_limit: int = 64
    executor_cpu_limit: int = 512
    consolidate_after: str = "60s"

    def check(self, check: Checker, prop: str = "compute") -> None:
        """Record every problem of these settings under ``<prop>.<field>``."""
        families_ok = check.rule(
            f"{prop}.instance_families", self.instance_families, rules.string_list("m7g")
        )
        families = list(self.instance_families) if families_ok else []
        if families_ok and (not families or any(not _FAMILY_RE.match(f) for f in families)):
            check.add(
                f"{prop}.instance_families",
                self.instance_families,
                "list at least one EC2 family such as 'm7g' or 'r6i' (no sizes)",
            )
            families = []
        archs_ok = check.rule(
            f"{prop}.architectures", self.architectures, rules.string_list("arm64")
        )
        archs = list(self.architectures) if archs_ok else []
        if archs_ok and (not archs or any(a not in ARCHITECTURES for a in archs)):
            check.add(
                f"{prop}.architectures",
                self.architectures,
                f"choose one or both of {', '.join(ARCHITECTURES)}",
            )
        elif families:
            graviton = [f for f in families if _GRAVITON_RE.match(f)]
            if archs == ["arm64"] and not graviton:
                check.add(
                    f"{prop}.architectures",
                    archs,
                    f"no Graviton family in {families!r}; add one such as 'm7g'",
                )
            if archs == ["amd64"] and len(graviton) == len(families):
                check.add(
                    f"{prop}.architectures",
                    archs,
                    f"only Graviton families in {families!r}; add an x86 family such as 'm7i'",
                )
        for name in ("driver_capacity_types", "executor_capacity_types"):
            _capacity_types(check, f"{prop}.{name}", getattr(self, name))
        if (
            self.guaranteed_drivers
            and isinstance(self.driver_capacity_types, (list, tuple))
            and "spot" in self.driver_capacity_types
        ):
            check.add(
                f"{prop}.driver_capacity_types",
                self.driver_capacity_types,
                "allows spot while guaranteed_drivers is True: a spot interruption kills the "
                "whole job; use ['on-demand'] or set guaranteed_drivers=False",
            )
        if self.local_nvme and families and not any(_NVME_RE.match(f) for f in families):
            check.add(
                f"{prop}.local_nvme",
                True,
                f"no family in {families!r} has local NVMe; add 'd' families such as 'm6gd'",
            )
        check.rule(
            f"{prop}.ephemeral_storage_gib", self.ephemeral_storage_gib, rules.integer(20, 16384)
        )
        check.rule(
            f"{prop}.driver_cpu_limit",
            self.driver_cpu_limit,
            rules.integer(1, 100_000, unit="vCPU"),
        )
        check.rule(
            f"{prop}.executor_cpu_limit",
            self.executor_cpu_limit,
            rules.integer(1, 100_000, unit="vCPU"),
        )
        check.rule(f"{prop}.consolidate_after", self.consolidate_after, rules.spark_duration)


def _capacity_types(check: Checker, prop: str, value: Any) -> None:
    if not check.rule(prop, value, rules.string_list("spot")):
        return
    if not value:
        check.add(prop, value, "Spark needs capacity here; use e.g. ['spot'] or ['on-demand']")
    elif any(t not in CAPACITY_TYPES for t in value):
        check.add(prop, value, f"choose from {', '.join(CAPACITY_TYPES)}")


@dataclass(frozen=True)
class NodeGroupCompute:
    """Fixed compute: one EKS managed node group (the YuniKorn post's 4 x m5.2xlarge by default).

    Drivers and executors share the group; with ``capacity_type="on-demand"`` every pod is on
    on-demand capacity. Use this mode when a scheduler such as YuniKorn should divide a known,
    fixed amount of capacity between queues.

    :param instance_types: EC2 instance types of the group. Default: - ``m5.2xlarge``.
    :param min_size: Default: - 4. :param desired_size: Default: - 4. :param max_size: Default: - 4.
    :param capacity_type: ``on-demand`` or ``spot``. Default: - ``on-demand``.
    :param disk_size_gib: root volume per node. Default: - 20.
    :param ami_type: node AMI. Default: - Amazon Linux 2023 x86_64.
    :param guaranteed_drivers: refuse a spot group, where drivers could be interrupted.
        Default: - True.
    """

    instance_types: Sequence[str] = ("m5.2xlarge",)
    min_size: int = 4
    desired_size: int = 4
    max_size: int = 4
    capacity_type: str = "on-demand"
    disk_size_gib: int = 20
    ami_type: eks.NodegroupAmiType = eks.NodegroupAmiType.AL2023_X86_64_STANDARD
    guaranteed_drivers: bool = True

    def check(self, check: Checker, prop: str = "compute") -> None:
        """Record every problem of these settings under ``<prop>.<field>``."""
        if check.rule(
            f"{prop}.instance_types", self.instance_types, rules.string_list("m5.2xlarge")
        ):
            bad = [t for t in self.instance_types if not _INSTANCE_TYPE_RE.fullmatch(t)]
            if not self.instance_types or bad:
                check.add(
                    f"{prop}.instance_types",
                    self.instance_types,
                    "list instance types such as 'm5.2xlarge'",
                )
        sizes_ok = True
        for name in ("min_size", "desired_size", "max_size"):
            sizes_ok = (
                check.rule(f"{prop}.{name}", getattr(self, name), rules.integer(0, 1000))
                and sizes_ok
            )
        if sizes_ok:
            if self.max_size < 1:
                check.add(
                    f"{prop}.max_size", self.max_size, "executors need capacity; use at least 1"
                )
            elif not self.min_size <= self.desired_size <= self.max_size:
                check.add(
                    f"{prop}.desired_size",
                    (self.min_size, self.desired_size, self.max_size),
                    "need min_size <= desired_size <= max_size",
                )
        if self.capacity_type not in CAPACITY_TYPES:
            check.add(
                f"{prop}.capacity_type",
                self.capacity_type,
                f"choose from {', '.join(CAPACITY_TYPES)}",
            )
        elif self.capacity_type == "spot" and self.guaranteed_drivers:
            check.add(
                f"{prop}.capacity_type",
                "spot",
                "drivers in a spot-only group can be interrupted while guaranteed_drivers is True; "
                "use 'on-demand' or set guaranteed_drivers=False",
            )
        check.rule(f"{prop}.disk_size_gib", self.disk_size_gib, rules.integer(20, 16384))
        if not isinstance(self.ami_type, eks.NodegroupAmiType):
            check.add(f"{prop}.ami_type", self.ami_type, "use an eks.NodegroupAmiType member")


@dataclass(frozen=True)
class SparkPlacement:
    """Where Spark drivers and executors run: node selectors and tolerations for pod templates."""

    driver_node_selector: Mapping[str, str]
    executor_node_selector: Mapping[str, str]
    driver_tolerations: Sequence[Mapping[str, str]] = ()
    executor_tolerations: Sequence[Mapping[str, str]] = ()


def _toleration(value: str) -> dict[str, str]:
    return {"key": SPARK_ROLE_LABEL, "operator": "Equal", "value": value, "effect": "NoSchedule"}


def auto_mode_placement() -> SparkPlacement:
    return SparkPlacement(
        driver_node_selector={SPARK_ROLE_LABEL: "driver"},
        executor_node_selector={SPARK_ROLE_LABEL: "executor"},
        driver_tolerations=(_toleration("driver"),),
        executor_tolerations=(_toleration("executor"),),
    )


def node_group_placement(capacity_type: str) -> SparkPlacement:
    selector = {"eks.amazonaws.com/capacityType": capacity_type.upper().replace("-", "_")}
    return SparkPlacement(driver_node_selector=selector, executor_node_selector=selector)


def node_class_manifest(
    *,
    role_name: str,
    subnet_ids: Sequence[str],
    security_group_ids: Sequence[str],
    ephemeral_storage_gib: int,
) -> dict[str, Any]:
    """The Auto Mode NodeClass both Spark node pools use."""
    return {
        "apiVersion": "eks.amazonaws.com/v1",
        "kind": "NodeClass",
        "metadata": {"name": SPARK_NODE_CLASS},
        "spec": {
            "role": role_name,
            "subnetSelectorTerms": [{"id": subnet} for subnet in subnet_ids],
            "securityGroupSelectorTerms": [{"id": group} for group in security_group_ids],
            "ephemeralStorage": {"size": f"{ephemeral_storage_gib}Gi"},
            # Nodes of this class enforce NetworkPolicies (team namespaces isolate their pods);
            # pods that no policy selects keep the default: allowed.
            "networkPolicy": "DefaultAllow",
            "networkPolicyEventLogs": "Disabled",
        },
    }


def node_pool_manifest(
    *,
    name: str,
    spark_role: str,
    capacity_types: Sequence[str],
    compute: AutoModeCompute,
    cpu_limit: int,
) -> dict[str, Any]:
    """A tainted Auto Mode NodePool for one Spark role (``driver`` or ``executor``)."""
    requirements: list[dict[str, Any]] = [
        {"key": "karpenter.sh/capacity-type", "operator": "In", "values": list(capacity_types)},
        {"key": "kubernetes.io/arch", "operator": "In", "values": list(compute.architectures)},
        {
            "key": "eks.amazonaws.com/instance-family",
            "operator": "In",
            "values": list(compute.instance_families),
        },
    ]
    if compute.local_nvme:
        requirements.append(
            {"key": "eks.amazonaws.com/instance-local-nvme", "operator": "Gt", "values": ["0"]}
        )
    return {
        "apiVersion": "karpenter.sh/v1",
        "kind": "NodePool",
        "metadata": {"name": name},
        "spec": {
            "template": {
                "metadata": {"labels": {SPARK_ROLE_LABEL: spark_role}},
                "spec": {
                    "nodeClassRef": {
                        "group": "eks.amazonaws.com",
                        "kind": "NodeClass",
                        "name": SPARK_NODE_CLASS,
                    },
                    "requirements": requirements,
                    "taints": [
                        {"key": SPARK_ROLE_LABEL, "value": spark_role, "effect": "NoSchedule"}
                    ],
                    "expireAfter": _MAX_NODE_LIFETIME,
                },
            },
            "limits": {"cpu": str(cpu_limit)},
            # Spark keeps shuffle data on executors: only empty nodes are removed, never busy ones.
            "disruption": {
                "consolidationPolicy": "WhenEmpty",
                "consolidateAfter": compute.consolidate_after,
            },
        },
    }


def network_policy_controller_manifest() -> dict[str, Any]:
    """Auto Mode enforces NetworkPolicies only once the VPC CNI policy controller is switched on."""
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "amazon-vpc-cni", "namespace": "kube-system"},
        "data": {"enable-network-policy-controller": "true"},
    }
