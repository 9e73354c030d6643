"""The metastore's backend: RDS for PostgreSQL in isolated subnets behind RDS Proxy.

Hive Metastore keeps a pool of JDBC connections with a user name and a password; it cannot refresh
the 15-minute tokens of IAM database authentication, so the password lives in Secrets Manager
(generated, KMS-encrypted, rotation optional) and RDS Proxy, which needs that secret anyway, pools
the connections. Clients reach only the proxy, and only from security groups given to
:meth:`MetastoreDatabase.allow_from`.
"""

from __future__ import annotations

import re
from typing import Any

import aws_cdk as cdk
import jsii
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_rds as rds
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from emr_burst.core import kms as _kms
from emr_burst.core import nag as _nag
from emr_burst.core import rules, versions
from emr_burst.core.errors import Checker
from emr_burst.core.iam import ManagedPolicyRole
from emr_burst.core.removal import data_removal_policy

#: What the design-patterns post uses: PostgreSQL's port, database and user of the metastore.
PORT = 5432
DATABASE_NAME = "hivemetastore"
USERNAME = "hive_metastore_user"
#: Keys of the JSON secret RDS generates (``rds.Credentials.from_generated_secret``).
PASSWORD_KEY = "password"
DEFAULT_INSTANCE_TYPE = "m7g.large"
DEFAULT_BACKUP_DAYS = 7
#: ``<family>.<size>``: a family with a generation digit (``m7g``, ``r6i``, ``x2iedn``) and a
#: size (``micro`` to ``48xlarge``, ``metal``); CDK adds the ``db.`` prefix.
_INSTANCE_TYPE_RE = re.compile(
    r"[a-z][a-z-]*\d[a-z0-9-]*\.(nano|micro|small|medium|large|xlarge|\d+xlarge|metal(-\d+xl)?)"
)


@jsii.implements(ec2.IConnectable)
class MetastoreDatabase(Construct):
    """An encrypted PostgreSQL database for Hive Metastore, reached through RDS Proxy.

    The instance runs in the VPC's isolated subnets, Multi-AZ, with KMS storage encryption,
    deletion protection, automated backups, PostgreSQL logs in CloudWatch, and a final snapshot
    when it is removed. Its generated credentials (user ``hive_metastore_user``) live in a
    KMS-encrypted secret; the proxy requires TLS and authenticates with that secret (not IAM:
    the metastore's connection pool cannot refresh IAM tokens). The database's security group
    admits only the proxy; the proxy's admits only the groups :meth:`allow_from` names.

    Example::

        db = MetastoreDatabase(self, "MetastoreDb", vpc=network.vpc)
        db.allow_from(platform.cluster.cluster_security_group, "Hive Metastore pods")

    :param vpc: a VPC with isolated subnets in at least two AZs (``Network(...).vpc``).
    :param encryption_key: key of the storage, the secret and the logs.
        Default: - a new key with rotation.
    :param instance_type: Default: - ``m7g.large``.
    :param multi_az: Default: - True.
    :param backup_retention: Default: - 7 days.
    :param rotation: rotate the password on this schedule (single-user rotation; the rotation
        function runs in the isolated subnets and needs a Secrets Manager endpoint there).
        Default: - no rotation.
    :param removal_policy: ``SNAPSHOT`` by default (a final snapshot, as the data is the whole
        catalog); ``DESTROY`` needs the app's ``emr-burst:removeDataOnDestroy`` flag.
        Default: - SNAPSHOT.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        vpc: ec2.IVpc,
        encryption_key: kms.IKey | None = None,
        instance_type: str = DEFAULT_INSTANCE_TYPE,
        multi_az: bool = True,
        backup_retention: cdk.Duration | None = None,
        rotation: cdk.Duration | None = None,
        removal_policy: cdk.RemovalPolicy | None = None,
    ) -> None:
        backup_retention = backup_retention or cdk.Duration.days(DEFAULT_BACKUP_DAYS)
        _validate(
            Checker(scope, construct_id, "MetastoreDatabase"),
            vpc=vpc,
            encryption_key=encryption_key,
            instance_type=instance_type,
            multi_az=multi_az,
            backup_retention=backup_retention,
            rotation=rotation,
            removal_policy=removal_policy,
        )
        super().__init__(scope, construct_id)
        removal = (
            cdk.RemovalPolicy.SNAPSHOT
            if removal_policy in (None, cdk.RemovalPolicy.SNAPSHOT)
            else data_removal_policy(self, removal_policy)
        )
        key_removal = (
            cdk.RemovalPolicy.RETAIN if removal is not cdk.RemovalPolicy.DESTROY else removal
        )
        self.port = PORT
        self.database_name = DATABASE_NAME
        self.username = USERNAME
        self.vpc = vpc
        self.encryption_key: kms.IKey = encryption_key or _kms.new_key(
            self,
            "Key",
            description=f"Encrypts the metastore database, secret and logs of {self.node.path}",
            removal_policy=key_removal,
        )
        isolated = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        self.database_security_group, self.proxy_security_group = (
            ec2.SecurityGroup(
                self, construct, vpc=vpc, description=description, allow_all_outbound=False
            )
            for construct, description in (
                (
                    "DatabaseSecurityGroup",
                    "Hive Metastore database: PostgreSQL from its proxy only",
                ),
                (
                    "ProxySecurityGroup",
                    "Hive Metastore RDS Proxy: PostgreSQL from its clients only",
                ),
            )
        )
        self.instance = rds.DatabaseInstance(
            self,
            "Instance",
            engine=rds.DatabaseInstanceEngine.postgres(
                version=rds.PostgresEngineVersion.of(
                    versions.METASTORE_POSTGRES_MAJOR, versions.METASTORE_POSTGRES_MAJOR
                )
            ),
            instance_type=ec2.InstanceType(instance_type),
            vpc=vpc,
            vpc_subnets=isolated,
            security_groups=[self.database_security_group],
            port=PORT,
            database_name=DATABASE_NAME,
            credentials=rds.Credentials.from_generated_secret(
                USERNAME, encryption_key=self.encryption_key
            ),
            storage_encrypted=True,
            storage_encryption_key=self.encryption_key,
            multi_az=multi_az,
            # DESTROY (emr-burst:removeDataOnDestroy) must be able to delete it.
            deletion_protection=removal is not cdk.RemovalPolicy.DESTROY,
            backup_retention=backup_retention,
            delete_automated_backups=False,
            auto_minor_version_upgrade=True,
            publicly_accessible=False,
            iam_authentication=False,
            cloudwatch_logs_exports=["postgresql", "upgrade"],
            cloudwatch_logs_retention=None,
            enable_performance_insights=True,
            performance_insight_encryption_key=self.encryption_key,
            monitoring_interval=cdk.Duration.seconds(60),
            parameter_group=rds.ParameterGroup(
                self,
                "Parameters",
                engine=rds.DatabaseInstanceEngine.postgres(
                    version=rds.PostgresEngineVersion.of(
                        versions.METASTORE_POSTGRES_MAJOR, versions.METASTORE_POSTGRES_MAJOR
                    )
                ),
                description="Hive Metastore database: TLS only",
                parameters={"rds.force_ssl": "1"},
            ),
            removal_policy=removal,
        )
        secret = self.instance.secret
        assert secret is not None
        self.secret: secretsmanager.ISecret = secret
        # The generated secret is deleted with the stack by default; the credentials of a
        # snapshotted database are kept with it (and with its key).
        generated = self.instance.node.find_child("Secret")
        assert isinstance(generated, secretsmanager.Secret)
        generated.apply_removal_policy(key_removal)
        if rotation is not None:
            self.instance.add_rotation_single_user(automatically_after=rotation)
            cdk.Annotations.of(self).add_warning_v2(
                "emr-burst:metastore-rotation-restart",
                "The metastore reads the database password once, at start, and the Secrets Store "
                "CSI driver does not re-mount rotated secrets: after each rotation, restart the "
                "metastore pods (kubectl -n <namespace> rollout restart "
                "deployment/hive-metastore); sidecars pick up the new password with the next "
                "job. See docs/hive-metastore.md.",
            )
        self.proxy_role = ManagedPolicyRole(
            self,
            "ProxyRole",
            assumed_by=iam.ServicePrincipal("rds.amazonaws.com"),
            description=f"RDS Proxy of {self.node.path}: reads the metastore's database secret",
        )
        self.proxy = rds.DatabaseProxy(
            self,
            "Proxy",
            proxy_target=rds.ProxyTarget.from_instance(self.instance),
            vpc=vpc,
            vpc_subnets=isolated,
            security_groups=[self.proxy_security_group],
            secrets=[self.secret],
            role=self.proxy_role,
            require_tls=True,
            iam_auth=False,
            debug_logging=False,
        )
        # AWS::RDS::DBProxyTargetGroup has no Tags property (CloudFormation's schema, cfn-lint
        # F3002); tags applied to the whole stack would otherwise land on it and fail the deploy.
        target_group = self.proxy.node.find_child("ProxyTargetGroup")
        assert isinstance(target_group, cdk.CfnResource)
        target_group.add_property_deletion_override("Tags")
        # DatabaseProxy itself admits the proxy's group to the instance's; the proxy's own
        # outbound is closed but for that one path.
        self.proxy_security_group.add_egress_rule(
            self.database_security_group, ec2.Port.tcp(PORT), "RDS Proxy to PostgreSQL"
        )
        self._connections = ec2.Connections(
            security_groups=[self.proxy_security_group], default_port=ec2.Port.tcp(PORT)
        )
        self._acknowledge(rotation is not None)

    @property
    def connections(self) -> ec2.Connections:
        """The proxy's security group: what the metastore's clients connect to."""
        return self._connections

    @property
    def endpoint(self) -> str:
        """The proxy's endpoint (host name)."""
        return self.proxy.endpoint

    @property
    def jdbc_url(self) -> str:
        """``jdbc:postgresql://<proxy>:5432/hivemetastore`` with TLS required."""
        return f"jdbc:postgresql://{self.endpoint}:{PORT}/{DATABASE_NAME}?sslmode=require"

    def allow_from(self, group: ec2.ISecurityGroup, description: str) -> None:
        """Let members of ``group`` (a cluster's nodes, say) reach the proxy on port 5432."""
        check = Checker(None, None, "", where=f"MetastoreDatabase '{self.node.path}'")
        check.rule(
            "allow_from(group)",
            group,
            rules.interface("an ec2.ISecurityGroup", "security_group_id"),
        )
        if not isinstance(description, str) or not description.strip():
            check.add(
                "allow_from(description)",
                description,
                "describe the clients in words, such as 'Hive Metastore pods'",
            )
        check.raise_if_any()
        self.proxy_security_group.add_ingress_rule(group, ec2.Port.tcp(PORT), description)

    def read_secret_statements(self) -> list[iam.PolicyStatement]:
        """What a principal needs to read the database secret: the secret, and its key only
        through Secrets Manager."""
        stack = cdk.Stack.of(self)
        return [
            iam.PolicyStatement(
                actions=["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                resources=[self.secret.secret_arn],
            ),
            iam.PolicyStatement(
                actions=["kms:Decrypt"],
                resources=[self.encryption_key.key_arn],
                conditions={
                    "StringEquals": {
                        "kms:ViaService": f"secretsmanager.{stack.region}.{stack.url_suffix}"
                    }
                },
            ),
        ]

    def _acknowledge(self, rotated: bool) -> None:
        _nag.acknowledge(
            self.instance,
            "Hive Metastore's JDBC pool keeps connections open for hours and cannot refresh the "
            "15-minute IAM authentication tokens; the password lives in a KMS-encrypted secret "
            "that only RDS Proxy and the metastore's roles may read.",
            "AwsSolutions-RDS6",
        )
        _nag.acknowledge(
            self.instance,
            "PostgreSQL's default port 5432 is what the metastore's clients expect; only the RDS "
            "Proxy security group can reach the database, and the proxy only from named groups.",
            "AwsSolutions-RDS11",
        )
        _nag.acknowledge(
            self.instance,
            "Enhanced monitoring needs the AWS-managed AmazonRDSEnhancedMonitoringRole policy on "
            "its monitoring role; AWS maintains it with the RDS monitoring agent.",
            "AwsSolutions-IAM4",
            applies_to=[
                "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                "AmazonRDSEnhancedMonitoringRole"
            ],
        )
        _nag.acknowledge(
            self.instance,
            "RDS automated backups with point-in-time recovery are on (7 days unless configured) "
            "and removal leaves a final snapshot; AWS Backup plans are an account-wide choice "
            "that selects resources by tag outside this construct.",
            *_nag.across_packs("RDSInBackupPlan"),
        )
        _nag.acknowledge(
            self.database_security_group,
            "The only ingress rule admits the RDS Proxy's security group on the instance's own "
            "port, which CloudFormation reads from the instance (a GetAtt nag cannot evaluate); "
            "no CIDR range can reach the database at all.",
            *_nag.across_packs("EC2RestrictedCommonPorts"),
            *_nag.across_packs("EC2RestrictedSSH"),
        )
        if not rotated:
            _nag.acknowledge(
                self.instance,
                "Rotation is optional (rotation=Duration.days(n)): a single-user rotation resets "
                "the password every open metastore connection uses, so operators schedule it.",
                "AwsSolutions-SMG4",
                *_nag.across_packs("SecretsManagerRotationEnabled"),
            )


def _validate(check: Checker, **props: Any) -> None:
    if check.rule("vpc", props["vpc"], rules.interface("an ec2.IVpc", "vpc_id")):
        try:
            subnets = (
                props["vpc"].select_subnets(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED).subnets
            )
        except Exception as err:  # jsii raises a plain Error when the subnet group is missing
            subnets = []
            check.add("vpc", props["vpc"].node.path, f"the VPC has no isolated subnets ({err})")
        else:
            if len(subnets) < 2:
                check.add(
                    "vpc",
                    props["vpc"].node.path,
                    "the database needs isolated subnets in at least two AZs (Network(...).vpc has "
                    "them)",
                )
    key = props["encryption_key"]
    if key is not None:
        check.rule("encryption_key", key, rules.interface("a kms.IKey", "key_arn"))
    instance_type = props["instance_type"]
    if not isinstance(instance_type, str) or not _INSTANCE_TYPE_RE.fullmatch(instance_type):
        check.add(
            "instance_type",
            instance_type,
            "use an RDS instance class without its 'db.' prefix, such as 'm7g.large' or "
            "'r6g.2xlarge'",
        )
    if not isinstance(props["multi_az"], bool):
        check.add("multi_az", props["multi_az"], "pass True or False")
    # RDS keeps 1 to 35 whole days of automated backups.
    check.rule(
        "backup_retention",
        props["backup_retention"],
        rules.duration(cdk.Duration.days(1), cdk.Duration.days(35), step=cdk.Duration.days(1)),
    )
    if props["rotation"] is not None:
        # Secrets Manager rotates as often as every four hours and at most 1000 days apart; the
        # schedule is a rate() in whole hours or days.
        check.rule(
            "rotation",
            props["rotation"],
            rules.duration(
                cdk.Duration.hours(4), cdk.Duration.days(1000), step=cdk.Duration.hours(1)
            ),
        )
    removal = props["removal_policy"]
    if removal is not None and not isinstance(removal, cdk.RemovalPolicy):
        check.add("removal_policy", removal, "pass a cdk.RemovalPolicy member or None")
    check.raise_if_any()
