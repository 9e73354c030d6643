"""Shared bucket helpers: KMS data buckets log to an SSE-S3 access-log bucket, or say why not."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk import aws_kms as kms
from aws_cdk.assertions import Match, Template

from emr_burst.core import buckets as _buckets


def test_data_bucket_is_kms_encrypted_private_versioned_and_logged() -> None:
    stack = cdk.Stack(cdk.App(), "S")
    key = kms.Key(stack, "Key")
    logs = _buckets.access_log_bucket(stack, "Logs", removal_policy=cdk.RemovalPolicy.RETAIN)
    _buckets.kms_bucket(
        stack,
        "Data",
        key=key,
        removal_policy=cdk.RemovalPolicy.RETAIN,
        access_logs=logs,
        access_logs_prefix="data/",
    )
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {
                        "BucketKeyEnabled": True,
                        "ServerSideEncryptionByDefault": {
                            "SSEAlgorithm": "aws:kms",
                            "KMSMasterKeyID": {
                                "Fn::GetAtt": [Match.string_like_regexp("^Key"), "Arn"]
                            },
                        },
                    }
                ]
            },
            "LoggingConfiguration": {
                "DestinationBucketName": {"Ref": Match.string_like_regexp("^Logs")},
                "LogFilePrefix": "data/",
            },
            "VersioningConfiguration": {"Status": "Enabled"},
            "PublicAccessBlockConfiguration": Match.object_like({"BlockPublicPolicy": True}),
        },
    )
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                ]
            }
        },
    )
    # Both buckets deny plain HTTP.
    policies = template.find_resources("AWS::S3::BucketPolicy")
    assert len(policies) == 2
    for policy in policies.values():
        statements = policy["Properties"]["PolicyDocument"]["Statement"]
        assert any(
            s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
            for s in statements
        )


def test_fails_when_a_data_bucket_has_neither_access_logs_nor_a_reason() -> None:
    stack = cdk.Stack(cdk.App(), "S")
    with pytest.raises(ValueError, match="access_logs = None: pass access_logs, or unlogged"):
        _buckets.kms_bucket(
            stack,
            "Data",
            key=kms.Key(stack, "Key"),
            removal_policy=cdk.RemovalPolicy.RETAIN,
            access_logs=None,
        )
