"""Reusable L3 constructs, one module per capability."""

from emr_burst.constructs.network import InterfaceEndpoint, Network

__all__ = ["InterfaceEndpoint", "Network"]
