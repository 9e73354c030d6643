"""The two IAM roles of an EMR on EC2 cluster: the nodes' instance role and EMR's service role.

The instance role is a :class:`~emr_burst.core.iam.ManagedPolicyRole`, so everything granted to
the cluster (``bucket.grant_read(cluster)``) lands in one customer-managed policy.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from emr_burst.core import nag as _nag
from emr_burst.core import rules
from emr_burst.core.iam import ManagedPolicyRole

_KEY_ACTIONS = [
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:DescribeKey",
]


def key_statement(key: kms.IKey, *, grants: bool = False) -> iam.PolicyStatement:
    """Use of ``key`` for data; with ``grants`` also the grants EBS encryption needs."""
    actions = list(_KEY_ACTIONS)
    if grants:
        actions += ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"]
    return iam.PolicyStatement(actions=actions, resources=[key.key_arn])


def instance_role(scope: Construct, given: iam.IRole | None) -> tuple[iam.IRole, iam.ManagedPolicy]:
    """The nodes' role and the managed policy that holds what the cluster itself needs.

    A role made here keeps every grant in its own managed policy; a role passed in gets an extra
    managed policy for the cluster's statements (its other grants follow that role's own rules).
    """
    path = scope.node.path
    if given is None:
        role = ManagedPolicyRole(
            scope,
            "InstanceRole",
            assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
            description=f"EC2 nodes of the EMR cluster {path}",
        )
        cfn = role.policy.node.default_child
        assert isinstance(cfn, iam.CfnManagedPolicy)
        cfn.description = f"What the nodes of {path} may read and write"
        return role, role.policy
    policy = iam.ManagedPolicy(
        scope,
        "InstancePolicy",
        roles=[given],
        description=f"What the nodes of {path} may read and write",
    )
    return given, policy


def allow_session_manager(role: iam.IRole) -> None:
    """Session Manager replaces SSH keys: operators reach nodes with `aws ssm start-session`."""
    if not isinstance(role, iam.Role):
        return
    role.add_managed_policy(
        iam.ManagedPolicy.from_aws_managed_policy_name("AmazonSSMManagedInstanceCore")
    )
    _nag.acknowledge(
        role,
        "AmazonSSMManagedInstanceCore is the AWS-maintained policy for the SSM agent, "
        "which gives operators shell access to private nodes without SSH keys.",
        "AwsSolutions-IAM4",
        applies_to=["Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore"],
    )


def service_role(scope: Construct, given: iam.IRole | None, account: str, arn: str) -> iam.IRole:
    """EMR's role: trusted by EMR of this account only, with ``AmazonEMRServicePolicy_v2``."""
    if given is not None:
        return given
    role = iam.Role(
        scope,
        "ServiceRole",
        assumed_by=iam.ServicePrincipal(
            "elasticmapreduce.amazonaws.com",
            conditions={
                "StringEquals": {"aws:SourceAccount": account},
                "ArnLike": {"aws:SourceArn": arn},
            },
        ),
        managed_policies=[
            iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AmazonEMRServicePolicy_v2")
        ],
        description=f"EMR service role of {scope.node.path}",
    )
    _nag.acknowledge(
        role,
        "AmazonEMRServicePolicy_v2 is the AWS-maintained EMR service policy; it only acts "
        "on subnets and security groups tagged for-use-with-amazon-emr-managed-policies, "
        "which this construct tags.",
        "AwsSolutions-IAM4",
        applies_to=[
            "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2"
        ],
    )
    return role


def service_policy(
    scope: Construct, role: iam.IRole, nodes: iam.IRole, key: kms.IKey
) -> iam.ManagedPolicy:
    """Lets EMR hand the nodes' role to EC2 (and nothing else) and use the encryption key."""
    policy = iam.ManagedPolicy(
        scope,
        "ServicePolicy",
        roles=[role],
        description=f"Lets EMR hand the instance role of {scope.node.path} to the nodes",
        statements=[
            iam.PolicyStatement(
                actions=["iam:PassRole"],
                resources=[nodes.role_arn],
                conditions={"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}},
            )
        ],
    )
    policy.add_statements(key_statement(key, grants=True))
    return policy


def bucket_name(value: Any) -> str | None:
    """A bucket granted by name (not an ``s3://`` URI)."""
    if rules.unresolved(value):
        return None
    if not isinstance(value, str):
        return f"expected a bucket name such as 'my-bucket', got {type(value).__name__}"
    if value.startswith("s3://"):
        return "pass the bucket name alone, not an S3 URI: 'my-bucket'"
    return rules.s3_prefix_uri(f"s3://{value}")


def key_pattern(value: Any) -> str | None:
    """The objects a grant covers: ``*`` or a key pattern such as ``data/*``."""
    if isinstance(value, str) and value and not value.startswith("/"):
        return None
    return "use an object key pattern such as '*' or 'data/*' (no leading '/')"
