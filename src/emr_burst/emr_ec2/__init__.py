"""EMR on EC2: clusters, capacity, releases, security configuration and operations."""

from emr_burst.emr_ec2.base import IEmrCluster
from emr_burst.emr_ec2.bootstrap import BootstrapAction
from emr_burst.emr_ec2.capacity import (
    CapacityMode,
    Market,
    NodeGroup,
    ScalingLimits,
    SpotAllocationStrategy,
    WorkloadType,
)
from emr_burst.emr_ec2.cluster import EmrCluster
from emr_burst.emr_ec2.operations import EmrEvent, EmrOperations, EmrStep
from emr_burst.emr_ec2.security import (
    EmrSecurityConfiguration,
    KerberosOptions,
    LakeFormationAuthorization,
    RangerAuthorization,
    TlsCertificates,
)

# Moved to emr_burst.hybrid (the burst tutorial's pieces); still importable from here.
from emr_burst.hybrid.alluxio import AlluxioOptions
from emr_burst.hybrid.catalog import EngineCatalog, QueryEngine

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
    "IEmrCluster",
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
