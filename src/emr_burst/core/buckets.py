"""S3 buckets as every emr-burst construct creates them: private, TLS-only, versioned, retained.

Data buckets are encrypted with a customer-managed KMS key and log their requests to a separate
access-log bucket. S3 server access logging can deliver only to an SSE-S3 bucket, so the
access-log bucket is the one bucket here without the KMS key.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from emr_burst.core import kms as _kms
from emr_burst.core import nag as _nag
from emr_burst.core.errors import Checker

_NO_REPLICATION = (
    "Cross-region replication needs a destination bucket in a second region, which this "
    "single-region stack does not own; versioning and a retained bucket protect the data."
)


def access_log_bucket(
    scope: Construct, construct_id: str, *, removal_policy: cdk.RemovalPolicy
) -> s3.Bucket:
    """A bucket that receives S3 server access logs of other buckets (SSE-S3, as S3 requires)."""
    bucket = s3.Bucket(
        scope,
        construct_id,
        encryption=s3.BucketEncryption.S3_MANAGED,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        enforce_ssl=True,
        versioned=True,
        removal_policy=removal_policy,
    )
    _nag.acknowledge(
        bucket,
        "This bucket receives the server access logs of the other buckets; logging it to itself "
        "or to another bucket would only create an endless chain of log buckets.",
        "AwsSolutions-S1",
        *_nag.across_packs("S3BucketLoggingEnabled"),
    )
    _nag.acknowledge(
        bucket,
        "S3 server access log delivery supports only SSE-S3 on the target bucket, so this "
        "bucket cannot use the customer-managed KMS key.",
        *_nag.across_packs("S3DefaultEncryptionKMS"),
    )
    _nag.acknowledge(bucket, _NO_REPLICATION, *_nag.across_packs("S3BucketReplicationEnabled"))
    return bucket


def kms_bucket(
    scope: Construct,
    construct_id: str,
    *,
    key: kms.IKey,
    removal_policy: cdk.RemovalPolicy,
    access_logs: s3.IBucket | None,
    access_logs_prefix: str | None = None,
    unlogged_reason: str | None = None,
) -> s3.Bucket:
    """A KMS-encrypted data bucket; pass ``access_logs``, or say in ``unlogged_reason`` why not."""
    if access_logs is None and not unlogged_reason:
        check = Checker(scope, construct_id, "bucket")
        check.add(
            "access_logs",
            None,
            "pass access_logs, or unlogged_reason to say why this bucket's requests need no "
            "server access log",
        )
        check.raise_if_any()
    bucket = s3.Bucket(
        scope,
        construct_id,
        encryption=s3.BucketEncryption.KMS,
        encryption_key=key,
        bucket_key_enabled=True,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        enforce_ssl=True,
        versioned=True,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        server_access_logs_bucket=access_logs,
        server_access_logs_prefix=access_logs_prefix if access_logs is not None else None,
        removal_policy=removal_policy,
    )
    if access_logs is None and unlogged_reason:
        _nag.acknowledge(
            bucket, unlogged_reason, "AwsSolutions-S1", *_nag.across_packs("S3BucketLoggingEnabled")
        )
    _nag.acknowledge(bucket, _NO_REPLICATION, *_nag.across_packs("S3BucketReplicationEnabled"))
    return bucket


def logged_kms_bucket(
    scope: Construct, construct_id: str, *, description: str, removal_policy: cdk.RemovalPolicy
) -> s3.Bucket:
    """A KMS bucket with a key of its own (``<id>Key``) and its access-log bucket
    (``<id>AccessLogs``); the key is ``bucket.encryption_key``."""
    key = _kms.new_key(
        scope, f"{construct_id}Key", description=description, removal_policy=removal_policy
    )
    return kms_bucket(
        scope,
        construct_id,
        key=key,
        removal_policy=removal_policy,
        access_logs=access_log_bucket(
            scope, f"{construct_id}AccessLogs", removal_policy=removal_policy
        ),
    )
