"""PrimaryAddress: the primary's private IP, asked of EMR the way the cluster's capacity needs."""

from __future__ import annotations

import json

import pytest
from aws_cdk.assertions import Template

from emr_burst.emr_ec2.capacity import WorkloadType
from emr_burst.emr_ec2.cluster import EmrCluster
from emr_burst.hybrid.addresses import PrimaryAddress
from tests.unit.emr_ec2.helpers import cluster_props, stack_and_vpc


@pytest.mark.parametrize(
    ("workload", "expected"),
    [
        (WorkloadType.TEST, '\\"InstanceGroupTypes\\":[\\"MASTER\\"]'),
        (WorkloadType.DATA_CRITICAL, '\\"InstanceFleetType\\":\\"MASTER\\"'),
    ],
)
def test_primary_is_listed_by_group_or_fleet_type(workload: WorkloadType, expected: str) -> None:
    stack, vpc = stack_and_vpc()
    cluster = EmrCluster(stack, "Cluster", **cluster_props(vpc), workload_type=workload)
    address = PrimaryAddress(stack, "PrimaryAddress", cluster=cluster)
    (call,) = Template.from_stack(stack).find_resources("Custom::AWS").values()
    create = json.dumps(call["Properties"]["Create"])
    assert "listInstances" in create
    assert expected in create
    assert "PrivateIpAddress" in json.dumps(stack.resolve(address.private_ip))
