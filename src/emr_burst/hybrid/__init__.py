"""Hybrid burst: cross-region peering between the on-prem stand-in and the burst compute side."""

from emr_burst.hybrid.peering import (
    BurstPort,
    HybridPeerAccess,
    HybridPeering,
    HybridPeeringAccepter,
    PeerSide,
)

__all__ = ["BurstPort", "HybridPeerAccess", "HybridPeering", "HybridPeeringAccepter", "PeerSide"]
