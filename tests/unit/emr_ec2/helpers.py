"""Shared test helpers: a stack with a VPC, minimal cluster props, problems by prop."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2

from emr_burst.core.errors import EmrBurstError, Problem
from emr_burst.emr_ec2.capacity import NodeGroup


def stack_and_vpc(name: str = "Test") -> tuple[cdk.Stack, ec2.Vpc]:
    """A stack in us-east-1 with a two-AZ VPC (private subnets with one NAT gateway)."""
    stack = cdk.Stack(cdk.App(), name, env=cdk.Environment(region="us-east-1"))
    return stack, ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)


def cluster_props(vpc: ec2.IVpc) -> dict[str, Any]:
    """The fewest props an ``EmrCluster`` needs."""
    return {
        "vpc": vpc,
        "release_label": "emr-6.15.0",
        "applications": ["Hadoop"],
        "primary": NodeGroup(("m5.xlarge",), 1),
        "core": NodeGroup(("m5.xlarge",), 2),
    }


def problem(err: pytest.ExceptionInfo[EmrBurstError], prop: str) -> Problem:
    """The first problem recorded under ``prop`` (fails the test when there is none)."""
    found = [p for p in err.value.problems if p.prop == prop]
    assert found, f"no problem for {prop!r} in:\n{err.value}"
    return found[0]
