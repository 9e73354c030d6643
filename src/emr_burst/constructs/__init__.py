"""Reusable L3 constructs, one module per capability."""

from emr_burst.constructs.eks_platform import (
    AutoModeCompute,
    EmrEksPlatform,
    NodeGroupCompute,
    SparkPlacement,
)
from emr_burst.constructs.emr_cluster import (
    AlluxioOptions,
    BootstrapAction,
    CapacityMode,
    EmrCluster,
    EngineCatalog,
    Market,
    NodeGroup,
    QueryEngine,
    ScalingLimits,
    SpotAllocationStrategy,
    WorkloadType,
)
from emr_burst.constructs.emr_operations import EmrEvent, EmrOperations, EmrStep
from emr_burst.constructs.emr_security import (
    EmrSecurityConfiguration,
    KerberosOptions,
    LakeFormationAuthorization,
    RangerAuthorization,
    TlsCertificates,
)
from emr_burst.constructs.hybrid_peering import (
    BurstPort,
    HybridPeerAccess,
    HybridPeering,
    HybridPeeringAccepter,
    PeerSide,
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
    "AlluxioOptions",
    "AutoModeCompute",
    "BootstrapAction",
    "BurstPort",
    "CapacityMode",
    "ContainerLimits",
    "DynamicAllocation",
    "EmrCluster",
    "EmrEksPlatform",
    "EmrEvent",
    "EmrOperations",
    "EmrSecurityConfiguration",
    "EmrStep",
    "EmrVirtualCluster",
    "EngineCatalog",
    "GlueAccess",
    "HybridPeerAccess",
    "HybridPeering",
    "HybridPeeringAccepter",
    "InterfaceEndpoint",
    "JobExecutionRole",
    "KerberosOptions",
    "LakeFormationAuthorization",
    "Market",
    "NamespaceQuota",
    "Network",
    "NodeGroup",
    "NodeGroupCompute",
    "PeerSide",
    "QueryEngine",
    "RangerAuthorization",
    "ScalingLimits",
    "SparkPlacement",
    "SparkTeam",
    "SpotAllocationStrategy",
    "TlsCertificates",
    "WorkloadType",
]
