"""What a team's default job role may reach: its S3 prefixes, its log group, its Glue databases."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3

from emr_burst.core import nag as _nag

_GLUE_READ = (
    "glue:GetDatabase",
    "glue:GetDatabases",
    "glue:GetTable",
    "glue:GetTables",
    "glue:GetPartition",
    "glue:GetPartitions",
    "glue:BatchGetPartition",
)
_GLUE_WRITE = (
    "glue:CreateTable",
    "glue:UpdateTable",
    "glue:DeleteTable",
    "glue:CreatePartition",
    "glue:BatchCreatePartition",
    "glue:UpdatePartition",
    "glue:DeletePartition",
    "glue:BatchDeletePartition",
)


@dataclass(frozen=True)
class GlueAccess:
    """Glue Data Catalog databases a team may use.

    :param databases: database names. :param write: allow table and partition changes.
        Default: - read only.
    """

    databases: Sequence[str] = ()
    write: bool = False


def grant_team_access(
    role: iam.Role,
    *,
    namespace: str,
    bucket: s3.IBucket,
    log_group: logs.ILogGroup,
    glue: GlueAccess,
) -> None:
    """Grant the team's role its prefixes, log group and Glue databases, nothing more."""
    ns = namespace
    stack = cdk.Stack.of(role)
    statements = [
        iam.PolicyStatement(
            sid="ListTeamPrefix",
            actions=["s3:ListBucket"],
            resources=[bucket.bucket_arn],
            conditions={"StringLike": {"s3:prefix": [f"{ns}/*", f"{ns}/"]}},
        ),
        iam.PolicyStatement(
            sid="ReadScriptsAndData",
            actions=["s3:GetObject"],
            resources=[
                bucket.arn_for_objects(f"{ns}/scripts/*"),
                bucket.arn_for_objects(f"{ns}/data/*"),
            ],
        ),
        iam.PolicyStatement(
            sid="WriteDataAndLogs",
            actions=["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
            resources=[
                bucket.arn_for_objects(f"{ns}/data/*"),
                bucket.arn_for_objects(f"{ns}/logs/*"),
            ],
        ),
        iam.PolicyStatement(
            sid="WriteTeamLogGroup",
            actions=["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            resources=[log_group.log_group_arn],
        ),
        iam.PolicyStatement(
            sid="FindLogGroups",
            actions=["logs:DescribeLogGroups"],
            resources=[
                stack.format_arn(
                    service="logs",
                    resource="log-group",
                    resource_name="*",
                    arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                )
            ],
        ),
    ]
    if bucket.encryption_key is not None:
        statements.append(
            iam.PolicyStatement(
                sid="UseBucketKey",
                actions=["kms:Decrypt", "kms:GenerateDataKey"],
                resources=[bucket.encryption_key.key_arn],
                conditions={"StringEquals": {"kms:ViaService": f"s3.{stack.region}.amazonaws.com"}},
            )
        )
    if glue.databases:
        actions = list(_GLUE_READ) + (list(_GLUE_WRITE) if glue.write else [])
        catalog = stack.format_arn(service="glue", resource="catalog")
        resources = [catalog]
        for database in sorted({"default", *glue.databases}):
            resources.append(
                stack.format_arn(service="glue", resource="database", resource_name=database)
            )
        for database in sorted(set(glue.databases)):
            resources.append(
                stack.format_arn(service="glue", resource="table", resource_name=f"{database}/*")
            )
        statements.append(
            iam.PolicyStatement(sid="GlueCatalog", actions=actions, resources=resources)
        )
    for statement in statements:
        role.add_to_principal_policy(statement)
    _nag.acknowledge_resources(
        role,
        f"The job role reaches only objects under its team's own prefixes ({ns}/scripts, "
        f"{ns}/data, {ns}/logs) of the job bucket; Spark reads and writes object names it "
        "only learns at run time.",
        "AwsSolutions-IAM5",
        [bucket.arn_for_objects(f"{ns}/{part}/*") for part in ("scripts", "data", "logs")],
    )
    _nag.acknowledge(
        role,
        "logs:DescribeLogGroups has no resource-level scope below log-group:*; EMR calls it "
        "to find the team's log group before its log pusher writes there.",
        "AwsSolutions-IAM5",
        applies_to=[f"Resource::{_nag.target(role, statements[4].resources[0])}"],
    )
    if glue.databases:
        _nag.acknowledge(
            role,
            "Spark lists and reads the tables of the team's configured Glue databases; the "
            "wildcard is the tables of those named databases only.",
            "AwsSolutions-IAM5",
            applies_to=[
                "Resource::"
                + _nag.target(
                    role,
                    stack.format_arn(
                        service="glue", resource="table", resource_name=f"{database}/*"
                    ),
                )
                for database in sorted(set(glue.databases))
            ],
        )
