"""The shared network's keys: VPC CIDR, AZs, NAT gateways, interface endpoints, flow-log retention.

Each key is judged by the rule the :class:`~emr_burst.network.Network` construct applies to the
prop it sets, so a value passes here exactly when the construct would accept it.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import aws_logs as logs

from emr_burst.config.reader import ContextReader, as_integer
from emr_burst.core import rules
from emr_burst.network.network import (
    InterfaceEndpoint,
    interface_endpoint,
    interface_endpoint_list,
)

#: Interface endpoints the shared network can create, by the name used in configuration.
INTERFACE_ENDPOINT_NAMES = tuple(endpoint.value for endpoint in InterfaceEndpoint)

LOG_RETENTION_DAYS = rules.LOG_RETENTION_DAYS

#: ``logs.RetentionDays`` by number of days (CloudWatch Logs accepts only these).
_RETENTION = dict(
    zip(
        LOG_RETENTION_DAYS,
        (
            logs.RetentionDays.ONE_DAY,
            logs.RetentionDays.THREE_DAYS,
            logs.RetentionDays.FIVE_DAYS,
            logs.RetentionDays.ONE_WEEK,
            logs.RetentionDays.TWO_WEEKS,
            logs.RetentionDays.ONE_MONTH,
            logs.RetentionDays.TWO_MONTHS,
            logs.RetentionDays.THREE_MONTHS,
            logs.RetentionDays.FOUR_MONTHS,
            logs.RetentionDays.FIVE_MONTHS,
            logs.RetentionDays.SIX_MONTHS,
            logs.RetentionDays.ONE_YEAR,
            logs.RetentionDays.THIRTEEN_MONTHS,
            logs.RetentionDays.EIGHTEEN_MONTHS,
            logs.RetentionDays.TWO_YEARS,
            logs.RetentionDays.THREE_YEARS,
            logs.RetentionDays.FIVE_YEARS,
            logs.RetentionDays.SIX_YEARS,
            logs.RetentionDays.SEVEN_YEARS,
            logs.RetentionDays.EIGHT_YEARS,
            logs.RetentionDays.NINE_YEARS,
            logs.RetentionDays.TEN_YEARS,
        ),
        strict=True,
    )
)


def log_retention(days: int) -> logs.RetentionDays:
    """The ``RetentionDays`` member for a validated number of days."""
    return _RETENTION[days]


KEYS = ("computeCidr", "maxAzs", "natGateways", "interfaceEndpoints", "flowLogRetentionDays")


@dataclass(frozen=True)
class NetworkConfig:
    """The shared VPC of the compute side."""

    cidr: str = "10.0.0.0/16"
    max_azs: int = 2
    nat_gateways: int = 1
    interface_endpoints: tuple[str, ...] = ("ecr", "ecr-docker", "sts", "logs", "eks")
    flow_log_retention_days: int = 365


def read_network(reader: ContextReader) -> NetworkConfig:
    """The ``Network`` props from ``computeCidr``, ``maxAzs``, ``natGateways``, ... ."""
    defaults = NetworkConfig()
    max_azs = reader.read("maxAzs", defaults.max_azs, rules.az_count, parse=as_integer)
    # With a bad maxAzs the NAT count is still judged, against the widest VPC (as Network does).
    nat_rule = rules.nat_gateway_count(max_azs if reader.ok("maxAzs") else None)
    nat_gateways = reader.read("natGateways", defaults.nat_gateways, nat_rule, parse=as_integer)
    endpoints = reader.read_list(
        "interfaceEndpoints",
        defaults.interface_endpoints,
        interface_endpoint,
        example="'sts', 'logs'",
        shape=interface_endpoint_list,
        # Names in any case, or member names, are stored as the endpoint's value: 'ecr-docker'.
        parse_item=lambda name: InterfaceEndpoint.parse(name).value,
    )
    return NetworkConfig(
        cidr=reader.read("computeCidr", defaults.cidr, rules.vpc_cidr),
        max_azs=max_azs,
        nat_gateways=nat_gateways,
        interface_endpoints=endpoints,
        flow_log_retention_days=reader.read(
            "flowLogRetentionDays",
            defaults.flow_log_retention_days,
            rules.log_retention_days,
            parse=as_integer,
        ),
    )
