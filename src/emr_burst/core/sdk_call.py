"""One AWS SDK call at deploy time, through CDK's ``AwsCustomResource``, allowed on one resource.

For what CloudFormation cannot express (peering DNS options, a cluster's primary address): the
call runs on create and update, its policy names exactly one action on one resource, and the
inline-policy finding of the shared provider role is acknowledged next to it.
"""

from __future__ import annotations

from aws_cdk import aws_iam as iam
from aws_cdk import custom_resources as cr
from constructs import Construct

from emr_burst.core import nag as _nag


def single_call(
    scope: Construct,
    call: cr.AwsSdkCall,
    *,
    action: str,
    resource: str,
    purpose: str,
    key_arn: str | None = None,
) -> cr.AwsCustomResource:
    """``call`` as the ``Resource`` child of ``scope``, allowed only ``action`` on ``resource``.

    ``key_arn``: the call writes into a bucket encrypted with this KMS key, so the provider may
    also generate data keys with it (and nothing else).
    """
    statements = [iam.PolicyStatement(actions=[action], resources=[resource])]
    if key_arn is not None:
        statements.append(iam.PolicyStatement(actions=["kms:GenerateDataKey"], resources=[key_arn]))
    custom = cr.AwsCustomResource(
        scope,
        "Resource",
        on_create=call,
        on_update=call,
        policy=cr.AwsCustomResourcePolicy.from_statements(statements),
        install_latest_aws_sdk=False,
    )
    _nag.acknowledge(
        custom,
        f"AwsCustomResource keeps its one statement ({purpose}) inline on CDK's shared provider "
        "role.",
        *_nag.across_packs("IAMNoInlinePolicy"),
    )
    return custom
