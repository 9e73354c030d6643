"""Reusable L3 constructs, one module per capability."""

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

__all__ = [
    "AlluxioOptions",
    "BootstrapAction",
    "BurstPort",
    "CapacityMode",
    "EmrCluster",
    "EmrEvent",
    "EmrOperations",
    "EmrSecurityConfiguration",
    "EmrStep",
    "EngineCatalog",
    "HybridPeerAccess",
    "HybridPeering",
    "HybridPeeringAccepter",
    "InterfaceEndpoint",
    "KerberosOptions",
    "LakeFormationAuthorization",
    "Market",
    "Network",
    "NodeGroup",
    "PeerSide",
    "QueryEngine",
    "RangerAuthorization",
    "ScalingLimits",
    "SpotAllocationStrategy",
    "TlsCertificates",
    "WorkloadType",
]
