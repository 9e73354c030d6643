"""Addresses that resolve across regions: the private IP of an EMR cluster's primary node.

A VPC's Route 53 Resolver answers only its own region's ``compute.internal`` names, and the peering
DNS option maps only public names, so the burst side cannot resolve the on-prem primary's private
DNS name. :class:`PrimaryAddress` reads the primary's private IP once the cluster runs (EMR's
``ListInstances``) so it can cross regions as a plain value.
"""

from __future__ import annotations

from aws_cdk import custom_resources as cr
from constructs import Construct

from emr_burst.core.errors import Checker
from emr_burst.core.sdk_call import single_call
from emr_burst.emr_ec2.base import IEmrCluster, cluster_rule
from emr_burst.emr_ec2.capacity import CapacityMode

_IP_PATH = "Instances.0.PrivateIpAddress"


def _primary_filter(cluster: IEmrCluster) -> dict[str, object]:
    """EMR filters a fleet cluster's instances by fleet type, a group cluster's by group type."""
    if getattr(cluster, "capacity_mode", None) is CapacityMode.INSTANCE_FLEETS:
        return {"InstanceFleetType": "MASTER"}
    return {"InstanceGroupTypes": ["MASTER"]}


class PrimaryAddress(Construct):
    """The private IP of ``cluster``'s primary node, read at deploy time.

    One ``ListInstances`` call (instance group type ``MASTER``, or fleet type ``MASTER`` for a
    cluster of instance fleets) through CDK's ``AwsCustomResource``, allowed on this cluster
    only. A primary lives as long as its cluster (EMR does not replace it), so the value is
    stable; a replaced cluster gets a new id and the call runs again.

    Example::

        address = PrimaryAddress(self, "PrimaryAddress", cluster=onprem_cluster)
        metastore_uri = f"thrift://{address.private_ip}:9083"

    :param cluster: the cluster, with one primary node. An imported cluster is taken to use
        instance groups.
    """

    def __init__(self, scope: Construct, construct_id: str, *, cluster: IEmrCluster) -> None:
        check = Checker(scope, construct_id, "PrimaryAddress")
        check.rule("cluster", cluster, cluster_rule)
        check.raise_if_any()
        super().__init__(scope, construct_id)
        call = cr.AwsSdkCall(
            service="EMR",
            action="listInstances",
            parameters={"ClusterId": cluster.cluster_id, **_primary_filter(cluster)},
            physical_resource_id=cr.PhysicalResourceId.of(cluster.cluster_id),
            output_paths=[_IP_PATH],
        )
        self.resource = single_call(
            self,
            call,
            action="elasticmapreduce:ListInstances",
            resource=cluster.cluster_arn,
            purpose="ListInstances on this cluster only",
        )
        #: The primary's private IPv4 address (a token resolved at deploy time).
        self.private_ip: str = self.resource.get_response_field(_IP_PATH)
        from emr_burst.hybrid.peering import acknowledge_sdk_provider  # noqa: PLC0415

        acknowledge_sdk_provider(self)
