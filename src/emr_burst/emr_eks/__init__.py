"""EMR on EKS: platform, compute, team namespaces, virtual clusters, job roles and templates."""

from emr_burst.emr_eks.platform import (
    AutoModeCompute,
    EmrEksPlatform,
    NodeGroupCompute,
    SparkPlacement,
)
from emr_burst.emr_eks.team import (
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
    "JobExecutionRole",
    "NamespaceQuota",
    "NodeGroupCompute",
    "SparkPlacement",
    "SparkTeam",
]
