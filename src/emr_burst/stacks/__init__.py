"""Deployable reference stacks composed from :mod:`emr_burst.constructs`."""

from emr_burst.stacks.hybrid_stacks import (
    HybridComputeNetworkStack,
    HybridComputeStack,
    HybridOnPremStack,
)
from emr_burst.stacks.network_stack import NetworkStack
from emr_burst.stacks.reference import build_reference_app
from emr_burst.stacks.yunikorn_stack import YuniKornStack

__all__ = [
    "HybridComputeNetworkStack",
    "HybridComputeStack",
    "HybridOnPremStack",
    "NetworkStack",
    "YuniKornStack",
    "build_reference_app",
]
