"""Hybrid burst: cross-region peering, the burst ports, Alluxio and the tutorial's two clusters.

The presets live in :mod:`emr_burst.hybrid.presets` (also reachable as
``EmrCluster.on_prem_proxy`` and ``EmrCluster.burst_compute``).
"""

from emr_burst.hybrid.access import BurstPort, HybridPeerAccess, PeerSide
from emr_burst.hybrid.addresses import PrimaryAddress
from emr_burst.hybrid.alluxio import AlluxioOptions
from emr_burst.hybrid.catalog import EngineCatalog, QueryEngine
from emr_burst.hybrid.peering import HybridPeering, HybridPeeringAccepter

__all__ = [
    "AlluxioOptions",
    "BurstPort",
    "EngineCatalog",
    "HybridPeerAccess",
    "HybridPeering",
    "HybridPeeringAccepter",
    "PeerSide",
    "PrimaryAddress",
    "QueryEngine",
]
