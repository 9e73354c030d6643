"""Reusable L3 constructs, one module per capability."""

from emr_burst.constructs.eks_platform import (
    AutoModeCompute,
    EmrEksPlatform,
    NodeGroupCompute,
    SparkPlacement,
)
from emr_burst.constructs.network import InterfaceEndpoint, Network
from emr_burst.constructs.virtual_cluster import (
    ContainerLimits,
    DynamicAllocation,
    EmrVirtualCluster,
    GlueAccess,
    JobExecutionRole,
    NamespaceQuota,
    SparkTeam,
)

__all__ = [
    "AutoModeCompute",
    "ContainerLimits",
    "DynamicAllocation",
    "EmrEksPlatform",
    "EmrVirtualCluster",
    "GlueAccess",
    "InterfaceEndpoint",
    "JobExecutionRole",
    "NamespaceQuota",
    "Network",
    "NodeGroupCompute",
    "SparkPlacement",
    "SparkTeam",
]
