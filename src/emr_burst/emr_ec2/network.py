"""Where an EMR on EC2 cluster runs: its EMR-managed security groups and the tag EMR needs."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from constructs import Construct, IConstruct

#: The tag that ``AmazonEMRServicePolicy_v2`` requires on subnets and security groups it may use.
EMR_MANAGED_TAG = "for-use-with-amazon-emr-managed-policies"


def tag_for_emr(*resources: IConstruct) -> None:
    """Let ``AmazonEMRServicePolicy_v2`` use these subnets and groups (imports ignore tags)."""
    for resource in resources:
        cdk.Tags.of(resource).add(EMR_MANAGED_TAG, "true")


class ClusterGroups:
    """The EMR-managed groups (primary, core/task, service access) made in ``scope``.

    Service access follows EMR's documented minimum for private subnets: the service reaches the
    primary and core nodes on 8443, the primary reaches the service on 9443.
    """

    def __init__(
        self, scope: Construct, vpc: ec2.IVpc, additional: Sequence[ec2.ISecurityGroup]
    ) -> None:
        path = scope.node.path
        self.primary = self._managed(scope, vpc, "PrimarySecurityGroup", "primary", path)
        self.core = self._managed(scope, vpc, "CoreSecurityGroup", "core and task", path)
        self.service_access = ec2.SecurityGroup(
            scope,
            "ServiceAccessSecurityGroup",
            vpc=vpc,
            description=f"EMR-managed: service access to {path} in private subnets",
            allow_all_outbound=False,
        )
        tag_for_emr(self.service_access)
        self.service_access.add_ingress_rule(
            self.primary, ec2.Port.tcp(9443), "EMR service access from primary"
        )
        for node_group in (self.primary, self.core):
            self.service_access.add_egress_rule(
                node_group, ec2.Port.tcp(8443), "EMR service to cluster nodes"
            )
        self.additional = tuple(additional)

    @staticmethod
    def _managed(
        scope: Construct, vpc: ec2.IVpc, construct_id: str, role: str, path: str
    ) -> ec2.SecurityGroup:
        group = ec2.SecurityGroup(
            scope,
            construct_id,
            vpc=vpc,
            description=f"EMR-managed: {role} nodes of {path}",
            allow_all_outbound=True,
        )
        tag_for_emr(group)
        return group
