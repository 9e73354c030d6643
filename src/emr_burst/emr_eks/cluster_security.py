"""What the EKS cluster's CDK-made children need to pass the nag packs: encrypted provider logs,
and acknowledgments, with reasons, of the AWS-managed policies and wildcards CDK gives them."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_eks_v2 as eks
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import IConstruct

from emr_burst.core import nag as _nag


def secure_cluster_children(cluster: eks.Cluster, data_key: kms.IKey) -> None:
    """Encrypt the kubectl provider's logs; acknowledge what CDK's EKS children must keep."""
    cluster_role = cluster.role
    _nag.acknowledge(
        cluster_role,
        "The EKS cluster role needs the AWS-managed cluster, compute, block storage, load "
        "balancing and networking policies that EKS Auto Mode documents for it.",
        "AwsSolutions-IAM4",
        applies_to=[
            f"Policy::arn:<AWS::Partition>:iam::aws:policy/{name}"
            for name in (
                "AmazonEKSClusterPolicy",
                "AmazonEKSComputePolicy",
                "AmazonEKSBlockStoragePolicy",
                "AmazonEKSLoadBalancingPolicy",
                "AmazonEKSNetworkingPolicy",
            )
        ],
    )
    provider = cluster.kubectl_provider
    if provider is None:
        return
    # The provider's Lambda log groups are CDK-managed; encrypt them with the data key
    # (whose policy admits CloudWatch Logs) instead of acknowledging unencrypted logs.
    for child in provider.node.find_all():
        if isinstance(child, logs.CfnLogGroup):
            child.kms_key_id = data_key.key_arn
    handler_ecr_public = [
        target
        for target in (_nag.target(provider, arn) for arn in _managed_policy_arns(provider))
        if "AmazonElasticContainerRegistryPublicReadOnly" in target
    ]
    lambda_policies = [
        "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
        "Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
    ]
    lambda_policies += [f"Policy::{target}" for target in handler_ecr_public]
    _nag.acknowledge(
        provider,
        "The kubectl provider is the AWS CDK EKS handler that applies manifests during "
        "deployments; its roles use the AWS-managed Lambda, VPC and ECR read policies CDK "
        "assigns, which AWS keeps current with the Lambda service.",
        "AwsSolutions-IAM4",
        applies_to=lambda_policies,
    )
    handler = provider.node.try_find_child("Handler")
    if isinstance(handler, lambda_.Function):
        _nag.acknowledge(
            provider,
            "The provider framework may invoke only the kubectl handler function; the "
            "wildcard is that one function's versions and aliases.",
            "AwsSolutions-IAM5",
            applies_to=[f"Resource::{_nag.target(provider, handler.function_arn)}:*"],
        )
    _nag.acknowledge(
        provider,
        "The kubectl handler and its provider framework run only during CloudFormation "
        "deployments, which retry and report failed events themselves, so a dead-letter "
        "queue or reserved concurrency adds nothing; the handler's Python runtime is the one "
        "this CDK release pins for the bundled kubectl code.",
        "AwsSolutions-L1",
        *_nag.across_packs("LambdaDLQ"),
        *_nag.across_packs("LambdaConcurrency"),
    )
    _nag.acknowledge(
        provider,
        "The inline default policies belong to the CDK-generated kubectl handler and provider "
        "roles, scoped to this cluster and that function; CDK writes them and they live and "
        "die with the provider.",
        *_nag.across_packs("IAMNoInlinePolicy"),
    )


def _managed_policy_arns(provider: IConstruct) -> list[object]:
    """The managed policies of the kubectl handler's role, as CloudFormation values."""
    function = provider.node.try_find_child("Handler")
    role = function.node.try_find_child("ServiceRole") if function is not None else None
    cfn = role.node.default_child if role is not None else None
    if not isinstance(cfn, iam.CfnRole):
        return []
    resolved = cdk.Stack.of(provider).resolve(cfn.managed_policy_arns)
    return list(resolved or [])
