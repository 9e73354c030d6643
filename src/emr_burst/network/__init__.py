"""The shared VPC: subnet tiers, gateway and interface endpoints, flow logs."""

from emr_burst.network.network import InterfaceEndpoint, Network

__all__ = ["InterfaceEndpoint", "Network"]
