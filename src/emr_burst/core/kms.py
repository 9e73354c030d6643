"""Customer-managed KMS keys as every emr-burst construct creates them."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct


def new_key(
    scope: Construct, construct_id: str, *, description: str, removal_policy: cdk.RemovalPolicy
) -> kms.Key:
    """A symmetric key with automatic rotation, removed as ``data_removal_policy`` decided."""
    return kms.Key(
        scope,
        construct_id,
        description=description,
        enable_key_rotation=True,
        removal_policy=removal_policy,
    )


def allow_cloudwatch_logs(key: kms.IKey) -> None:
    """Let CloudWatch Logs of the key's region use ``key`` for this account's log groups only.

    A log group encrypts with a customer-managed key only if the key policy admits the regional
    Logs service; the ``kms:EncryptionContext:aws:logs:arn`` condition keeps other accounts' log
    groups out. A key imported from elsewhere is left unchanged (its policy is not ours to edit).
    """
    stack = cdk.Stack.of(key)
    key.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")],
            actions=[
                "kms:Encrypt*",
                "kms:Decrypt*",
                "kms:ReEncrypt*",
                "kms:GenerateDataKey*",
                "kms:Describe*",
            ],
            resources=["*"],
            conditions={
                "ArnLike": {
                    "kms:EncryptionContext:aws:logs:arn": stack.format_arn(
                        service="logs",
                        resource="log-group",
                        resource_name="*",
                        arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                    )
                }
            },
        )
    )
