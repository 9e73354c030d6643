"""Reference stack: the shared network of the compute side."""

from __future__ import annotations

from constructs import Construct

from emr_burst.config import AppConfig, log_retention
from emr_burst.network.network import Network
from emr_burst.stacks._base import BurstStack, compute_placement


class NetworkStack(BurstStack):
    """The compute side's VPC: three subnet tiers, S3 gateway and interface endpoints, flow logs."""

    def __init__(self, scope: Construct, construct_id: str, *, config: AppConfig) -> None:
        super().__init__(
            scope,
            construct_id,
            **compute_placement(config),
            description="emr-burst shared network: VPC, endpoints and flow logs (compute side)",
        )
        net = config.network
        self.network = Network(
            self,
            "Network",
            cidr=net.cidr,
            max_azs=net.max_azs,
            nat_gateways=net.nat_gateways,
            interface_endpoints=net.interface_endpoints,
            flow_log_retention=log_retention(net.flow_log_retention_days),
            removal_policy=config.removal_policy,
        )
