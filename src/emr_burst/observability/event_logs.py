"""One central store of Spark event logs that every cluster and account writes, in one directory.

The Spark History Server reads exactly one ``spark.history.fs.logDirectory`` and does not descend
into per-cluster prefixes, so every writer (EMR on EKS teams, EMR on EC2 clusters, other accounts)
writes the same directory; Spark application ids are unique, so their files never collide.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import custom_resources as cr
from constructs import Construct

from emr_burst.core import buckets as _buckets
from emr_burst.core import kms as _kms
from emr_burst.core import nag as _nag
from emr_burst.core import rules
from emr_burst.core.errors import Checker, EmrBurstError
from emr_burst.core.removal import data_removal_policy
from emr_burst.core.sdk_call import single_call
from emr_burst.emr_eks.extension import Contribution, IJobTarget

DEFAULT_LOG_DIRECTORY = "spark-events/"
#: How long event logs are kept; the bucket's lifecycle rule deletes them (the server's own
#: cleaner stays off, so that its role can be read-only).
DEFAULT_EXPIRATION = cdk.Duration.days(90)
WRITER_SCHEME = "s3"
READER_SCHEME = "s3a"

#: What a writer does in the directory: Spark writes ``<app id>.inprogress`` and renames it when
#: the application ends; on S3 a rename is a copy (read) and a delete.
WRITE_ACTIONS = ("s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:AbortMultipartUpload")
#: What the History Server does: list the directory and read the files. Nothing else.
READ_ACTIONS = ("s3:GetObject",)


def normalised(uri: str) -> tuple[str, str]:
    """``(bucket, key)`` of an ``s3://`` or ``s3a://`` URI, the scheme dropped.

    The writer (EMR) says ``s3://``, the History Server's Hadoop client ``s3a://``: both name the
    same objects, and this is how a test proves it.
    """
    scheme, sep, rest = uri.partition("://")
    if not sep or scheme not in (WRITER_SCHEME, READER_SCHEME):
        raise ValueError(f"not an s3:// or s3a:// URI: {uri!r}")
    bucket, _, key = rest.partition("/")
    return bucket, key


class SparkEventLogs(Construct):
    """The central event-log bucket and its one log directory; a team extension.

    The bucket is KMS-encrypted with its own key, TLS-only, blocks public access, enforces bucket
    ownership (objects written by other accounts belong to this one), is versioned, logs its
    requests and is retained. A lifecycle rule expires event logs (never the directory marker).
    The directory exists from the start (an empty marker object), because the History Server
    refuses to start on a missing directory and its role cannot create one.

    ``team.add_extension(logs)`` gives every job template of the team ``spark.eventLog.enabled``
    and ``spark.eventLog.dir`` and lets its job roles write the directory. EMR on EC2 clusters take
    :meth:`emr_ec2_configurations` and :meth:`grant_write`; other accounts
    :meth:`add_writer_account`.

    Example::

        logs = SparkEventLogs(self, "EventLogs")
        team.add_extension(logs)
        EmrCluster(self, "Cluster", ..., configurations=logs.emr_ec2_configurations())

    :param log_directory: key prefix of the one directory, with a trailing ``/``.
        Default: - ``spark-events/``.
    :param expiration: how long event logs are kept. Default: - 90 days; ``None`` keeps them.
    :param writer_accounts: other AWS accounts whose clusters write here. Default: - none.
    :param encryption_key: Default: - a new key with rotation.
    :param removal_policy: for the bucket and key. Default: - RETAIN.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        log_directory: str = DEFAULT_LOG_DIRECTORY,
        expiration: cdk.Duration | None = DEFAULT_EXPIRATION,
        writer_accounts: Sequence[str] = (),
        encryption_key: kms.IKey | None = None,
        removal_policy: cdk.RemovalPolicy | None = None,
    ) -> None:
        check = Checker(scope, construct_id, "SparkEventLogs")
        check.rule("log_directory", log_directory, rules.s3_directory)
        check.rule(
            "expiration",
            expiration,
            rules.optional(
                rules.duration(
                    cdk.Duration.days(1), cdk.Duration.days(36500), step=cdk.Duration.days(1)
                )
            ),
        )
        if check.rule("writer_accounts", writer_accounts, rules.string_list("111122223333")):
            check.each("writer_accounts", writer_accounts, rules.account)
            check.rule("writer_accounts", list(writer_accounts), rules.distinct)
        if encryption_key is not None:
            check.rule("encryption_key", encryption_key, rules.interface("a kms.IKey", "key_arn"))
        check.raise_if_any()
        super().__init__(scope, construct_id)
        removal = data_removal_policy(self, removal_policy)
        self.log_directory = log_directory
        self.key: kms.IKey = encryption_key or _kms.new_key(
            self,
            "Key",
            description=f"Spark event logs of {self.node.path}",
            removal_policy=removal,
        )
        self.access_logs = _buckets.access_log_bucket(self, "AccessLogs", removal_policy=removal)
        self.bucket: s3.Bucket = _buckets.kms_bucket(
            self,
            "Bucket",
            key=self.key,
            removal_policy=removal,
            access_logs=self.access_logs,
            access_logs_prefix="event-log-bucket/",
        )
        if expiration is not None:
            self.bucket.add_lifecycle_rule(
                id="ExpireEventLogs",
                prefix=log_directory,
                expiration=expiration,
                noncurrent_version_expiration=cdk.Duration.days(1),
            )
            # The zero-byte directory marker stays: without it the server does not start. (The
            # CloudFormation schema types the size as a string; CDK writes a number.)
            cfn_bucket = self.bucket.node.default_child
            assert isinstance(cfn_bucket, s3.CfnBucket)
            cfn_bucket.add_property_override(
                "LifecycleConfiguration.Rules.0.ObjectSizeGreaterThan", "0"
            )
        self._marker = single_call(
            Construct(self, "Directory"),
            cr.AwsSdkCall(
                service="S3",
                action="putObject",
                parameters={"Bucket": self.bucket.bucket_name, "Key": log_directory, "Body": ""},
                physical_resource_id=cr.PhysicalResourceId.of(f"{log_directory}marker"),
            ),
            action="s3:PutObject",
            resource=self.bucket.arn_for_objects(log_directory),
            purpose="it writes the empty marker of the event-log directory once",
            key_arn=self.key.key_arn,
        )
        _nag.acknowledge_sdk_provider(
            self,
            calls="writes the empty marker object of the event-log directory",
            logs="the marker's PutObject call, which carries no data",
        )
        self._writer_accounts: list[str] = []
        self._producers: dict[str, str] = {}
        for account in writer_accounts:
            self.add_writer_account(account)

    # --- where ------------------------------------------------------------------------------

    @property
    def writer_uri(self) -> str:
        """``s3://<bucket>/<directory>``: what writers put in ``spark.eventLog.dir``."""
        return f"{WRITER_SCHEME}://{self.bucket.bucket_name}/{self.log_directory}"

    @property
    def reader_uri(self) -> str:
        """``s3a://<bucket>/<directory>``: the server's ``spark.history.fs.logDirectory``."""
        return f"{READER_SCHEME}://{self.bucket.bucket_name}/{self.log_directory}"

    @property
    def objects_arn(self) -> str:
        return self.bucket.arn_for_objects(f"{self.log_directory}*")

    @property
    def directory_key_arn(self) -> str:
        """The directory's own key without its trailing ``/``: S3A's ``getFileStatus`` on
        ``s3a://bucket/spark-events`` HEADs it first and treats only a 404 as "not a file", so a
        403 there stops the History Server from starting."""
        return self.bucket.arn_for_objects(self.log_directory.rstrip("/"))

    def spark_conf(self) -> dict[str, str]:
        """The ``spark-defaults`` every writer needs."""
        return {"spark.eventLog.enabled": "true", "spark.eventLog.dir": self.writer_uri}

    def emr_ec2_configurations(self) -> dict[str, dict[str, str]]:
        """``configurations`` for an EMR on EC2 cluster (``EmrCluster``): its ``spark-defaults``."""
        return {"spark-defaults": self.spark_conf()}

    # --- who writes ---------------------------------------------------------------------------

    def write_statements(self) -> list[iam.PolicyStatement]:
        """A writer's permissions: the directory's objects, reading the directory's own key (S3A
        looks it up), listing the directory, and the key."""
        return self._statements(WRITE_ACTIONS, ("kms:GenerateDataKey", "kms:Decrypt"))

    def read_statements(self) -> list[iam.PolicyStatement]:
        """A reader's permissions: get the directory's objects and its own key, list it, decrypt.
        No writes."""
        return self._statements(READ_ACTIONS, ("kms:Decrypt",))

    def _statements(
        self, object_actions: Sequence[str], key_actions: Sequence[str]
    ) -> list[iam.PolicyStatement]:
        directory = self.log_directory
        return [
            iam.PolicyStatement(actions=list(object_actions), resources=[self.objects_arn]),
            iam.PolicyStatement(actions=["s3:GetObject"], resources=[self.directory_key_arn]),
            iam.PolicyStatement(
                actions=["s3:ListBucket"],
                resources=[self.bucket.bucket_arn],
                conditions={"StringLike": {"s3:prefix": [directory, f"{directory}*"]}},
            ),
            iam.PolicyStatement(actions=list(key_actions), resources=[self.key.key_arn]),
        ]

    def grant_write(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let a job execution role or an EMR on EC2 instance role write event logs here."""
        grant = self._grant("grant_write", grantee, self.write_statements())
        self._acknowledge_writer(grantee)
        return grant

    def grant_read(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` read event logs (the History Server's role): no write, no delete."""
        return self._grant("grant_read", grantee, self.read_statements())

    def _grant(
        self, method: str, grantee: iam.IGrantable, statements: list[iam.PolicyStatement]
    ) -> iam.Grant:
        check = Checker(None, None, "", where=f"SparkEventLogs '{self.node.path}'")
        check.rule(
            f"{method}(grantee)", grantee, rules.interface("an iam.IGrantable", "grant_principal")
        )
        check.raise_if_any()
        grants = [
            iam.Grant.add_to_principal(
                grantee=grantee,
                actions=statement.actions,
                resource_arns=statement.resources,
                conditions=statement.conditions or None,
            )
            for statement in statements
        ]
        combined = grants[0]
        for grant in grants[1:]:
            combined = combined.combine(grant)
        return combined

    def add_writer_account(self, account: str) -> None:
        """Let clusters of another account write the directory (bucket and key policies).

        That account still grants its own roles :meth:`write_statements` (with this bucket's and
        key's ARNs); both sides must allow a cross-account request.
        """
        check = Checker(None, None, "", where=f"SparkEventLogs '{self.node.path}'")
        if check.rule("add_writer_account(account)", account, rules.account) and (
            account in self._writer_accounts
        ):
            check.add("add_writer_account(account)", account, "this account is a writer already")
        check.raise_if_any()
        self._writer_accounts.append(account)
        principal = iam.AccountPrincipal(account)
        for statement in self.write_statements()[:3]:
            self.bucket.add_to_resource_policy(
                iam.PolicyStatement(
                    principals=[principal],
                    actions=statement.actions,
                    resources=statement.resources,
                    conditions=statement.conditions or None,
                )
            )
        stack = cdk.Stack.of(self)
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[principal],
                actions=["kms:GenerateDataKey", "kms:Decrypt"],
                resources=["*"],
                # Only through S3 of this region, so only for objects of a bucket (the bucket's
                # ARN here would make the key and bucket depend on each other).
                conditions={
                    "StringEquals": {"kms:ViaService": f"s3.{stack.region}.amazonaws.com"},
                },
            )
        )

    @property
    def writer_accounts(self) -> tuple[str, ...]:
        return tuple(self._writer_accounts)

    # --- the team extension -------------------------------------------------------------------

    def bind(self, target: IJobTarget) -> Contribution:
        """Every job of ``target`` writes its event logs into the one directory.

        A producer binds once: binding the same team or template twice is an error, not a no-op,
        because it usually means two stacks both think they own the wiring.
        """
        check = Checker(None, None, "", where=f"SparkEventLogs '{self.node.path}'")
        if not isinstance(target, Construct) or not isinstance(
            getattr(target, "namespace", None), str
        ):
            check.add(
                "bind(target)",
                target,
                "pass a SparkTeam or JobTemplate (a construct with a namespace); usually "
                "team.add_extension(logs) calls this for you",
            )
            raise EmrBurstError(check.problems)
        path = target.node.path
        if path in self._producers:
            check.add("bind(target)", path, "this producer writes here already; bind it once")
        container_logs = _container_log_prefix(target, self.bucket)
        if container_logs is not None and container_logs.startswith(self.log_directory):
            check.add(
                "bind(target)",
                container_logs,
                "the target's container logs would land inside the event-log directory the "
                "History Server reads; keep them under another prefix",
            )
        check.raise_if_any()
        self._producers[path] = target.namespace
        self._acknowledge_writer(target)
        return Contribution(spark_conf=self.spark_conf(), policy_statements=self.write_statements())

    @property
    def producers(self) -> Mapping[str, str]:
        """Construct path of every bound producer to its namespace."""
        return dict(self._producers)

    def _acknowledge_writer(self, grantee: object) -> None:
        if isinstance(grantee, Construct):
            _nag.acknowledge_resources(
                grantee,
                "Spark names each event-log file after its application id at run time; writers "
                "may touch only objects inside the one event-log directory.",
                "AwsSolutions-IAM5",
                [self.objects_arn],
            )


def _container_log_prefix(target: Any, bucket: s3.IBucket) -> str | None:
    """The key prefix of ``target``'s container logs when they go to ``bucket`` (else ``None``).

    A team sends EMR's container logs to ``<namespace>/logs/`` of its own bucket; the SHS post
    sent them into the event-log directory itself, which the History Server then reads.
    """
    namespace = getattr(target, "namespace", None)
    if getattr(target, "bucket", None) is not bucket or not isinstance(namespace, str):
        return None
    return f"{namespace}/logs/"
