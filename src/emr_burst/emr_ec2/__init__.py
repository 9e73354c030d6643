"""EMR on EC2: clusters, capacity, releases, security configuration and operations."""

from emr_burst.emr_ec2.cluster import (
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
from emr_burst.emr_ec2.operations import EmrEvent, EmrOperations, EmrStep
from emr_burst.emr_ec2.security import (
    EmrSecurityConfiguration,
    KerberosOptions,
    LakeFormationAuthorization,
    RangerAuthorization,
    TlsCertificates,
)

__all__ = [
    "AlluxioOptions",
    "BootstrapAction",
    "CapacityMode",
    "EmrCluster",
    "EmrEvent",
    "EmrOperations",
    "EmrSecurityConfiguration",
    "EmrStep",
    "EngineCatalog",
    "KerberosOptions",
    "LakeFormationAuthorization",
    "Market",
    "NodeGroup",
    "QueryEngine",
    "RangerAuthorization",
    "ScalingLimits",
    "SpotAllocationStrategy",
    "TlsCertificates",
    "WorkloadType",
]
