"""Standalone Hive Metastore on EMR on EKS in the three patterns of the design-patterns post.

``HiveMetastore`` is a team extension: ``team.add_extension(metastore)`` gives the team's jobs the
Spark properties of the pattern (and, for the sidecar, the metastore container in the driver pod
and the grants it needs on the job role).
"""

from __future__ import annotations

import enum
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_eks_v2 as eks
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from emr_burst.core import buckets as _buckets
from emr_burst.core import nag as _nag
from emr_burst.core import rules
from emr_burst.core.errors import Checker
from emr_burst.core.iam import ManagedPolicyRole
from emr_burst.core.lazy import lazy_any
from emr_burst.core.removal import data_removal_policy
from emr_burst.emr_eks.compute import AutoModeCompute
from emr_burst.emr_eks.extension import Contribution, IJobTarget
from emr_burst.emr_eks.imported import check_platform
from emr_burst.emr_eks.job_role import Identity, JobExecutionRole
from emr_burst.emr_eks.namespace import KubernetesNamespace
from emr_burst.emr_eks.platform import IEmrEksPlatform
from emr_burst.emr_eks.pod_template import PodChange
from emr_burst.metastore import manifests as m
from emr_burst.metastore.database import MetastoreDatabase
from emr_burst.metastore.secrets_store import SecretsStoreCsi

#: One URI key for every pattern: the ``spark.hadoop.`` form of the design-patterns post (Spark
#: copies it into the Hadoop configuration its Hive client reads); the Spark SQL post's
#: ``spark.hive.metastore.uris`` is not set as well, so the two can never disagree.
URI_KEY = "spark.hadoop.hive.metastore.uris"
#: s3a's credentials providers (AWS SDK v2 classes, as Hadoop 3.4 loads them) per job identity.
_SDK_V2 = "software.amazon.awssdk.auth.credentials"
S3A_CREDENTIALS = {
    Identity.IRSA: f"{_SDK_V2}.WebIdentityTokenFileCredentialsProvider",
    Identity.POD_IDENTITY: f"{_SDK_V2}.ContainerCredentialsProvider",
}
MAX_REPLICAS = 20
DEFAULT_REPLICAS = 2


class MetastorePattern(enum.Enum):
    """Where the metastore runs (the post's three patterns)."""

    #: In each Spark driver pod: one job's catalog view, no shared service to run.
    SIDECAR = "sidecar"
    #: A Deployment in namespace ``hive-metastore`` of the processing cluster.
    CLUSTER_DEDICATED = "cluster-dedicated"
    #: A Deployment on a cluster of its own, behind an internal NLB, for several clusters.
    EXTERNAL = "external"


@dataclass(frozen=True)
class MetastoreImage:
    """The metastore image: an ECR repository URI and the tag of one build.

    Build it from the Dockerfile in docs/hive-metastore.md (Hive's standalone metastore, the
    PostgreSQL JDBC driver, a start script that waits for the schema, or with ``init-schema``
    initialises it; the dedicated and external patterns run that once as a Job).

    :param repository: ``<account>.dkr.ecr.<region>.amazonaws.com/<name>``, literal.
    :param tag: the tag of one build; ``latest`` is refused.
    """

    repository: str
    tag: str

    @property
    def uri(self) -> str:
        return f"{self.repository}:{self.tag}"

    def check(self, check: Checker, prop: str) -> None:
        check.rule(f"{prop}.repository", self.repository, rules.image_repository)
        check.rule(f"{prop}.tag", self.tag, rules.image_tag)


class HiveMetastore(Construct):
    """A standalone Hive Metastore on an encrypted PostgreSQL database, with its warehouse.

    ``SIDECAR`` adds nothing to the cluster but the Secrets Store CSI driver: each team that
    binds it gets the metastore as a container of its Spark drivers, running as the team's job
    role (it shares the driver's service account), which is granted the database secret and the
    warehouse (the schema must exist first: see docs/hive-metastore.md).
    ``CLUSTER_DEDICATED`` and ``EXTERNAL`` initialise the schema with a Job, then run a
    Deployment (``replicas`` pods, probes on 9083, non-root, read-only root filesystem) in
    ``namespace`` under a role of its own (EKS
    Pod Identity: the secret and the warehouse), with Service ``hive-metastore-svc``, a
    PodDisruptionBudget and a NetworkPolicy admitting only the Spark drivers of the bound teams'
    namespaces (``EXTERNAL``: only ``client_cidrs``, through an internal NLB).

    Example::

        db = MetastoreDatabase(self, "Db", vpc=vpc)
        hms = HiveMetastore(self, "Metastore", pattern=MetastorePattern.CLUSTER_DEDICATED,
            platform=platform, database=db,
            image=MetastoreImage(repository=repo_uri, tag="3.1.3-pg42.7.4"))
        analytics.add_extension(hms)

    :param pattern: a :class:`MetastorePattern` or its value.
    :param platform: the cluster the metastore (or, for ``SIDECAR``, its client teams) runs on.
    :param database: the backend; the metastore's pods are admitted to its proxy.
    :param image: the metastore image.
    :param warehouse_bucket: Default: - a new KMS-encrypted, TLS-only, versioned bucket with
        server access logs.
    :param warehouse_location: ``s3://`` (EMRFS, preferred for StartJobRun) or ``s3a://`` URI
        in ``warehouse_bucket``. Default: - ``s3://<bucket>/warehouse/``.
    :param replicas: pods of the Deployment (not ``SIDECAR``, which refuses it). Default: - 2.
    :param namespace: of the Deployment. Default: - ``hive-metastore``.
    :param client_cidrs: ``EXTERNAL`` only (required there): the networks of the processing
        clusters' pods, the only sources the NLB and the pods admit.
    :param resources: of each metastore container. Default: - ``MetastoreResources()``.
    :param removal_policy: of the bucket and key created here. Default: - RETAIN.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        pattern: MetastorePattern | str,
        platform: IEmrEksPlatform,
        database: MetastoreDatabase,
        image: MetastoreImage,
        warehouse_bucket: s3.IBucket | None = None,
        warehouse_location: str | None = None,
        replicas: int | None = None,
        namespace: str = m.DEFAULT_NAMESPACE,
        client_cidrs: Sequence[str] = (),
        resources: m.MetastoreResources | None = None,
        removal_policy: cdk.RemovalPolicy | None = None,
    ) -> None:
        resources = resources or m.MetastoreResources()
        parsed = _validate(
            Checker(scope, construct_id, "HiveMetastore"),
            pattern=pattern,
            platform=platform,
            database=database,
            image=image,
            warehouse_bucket=warehouse_bucket,
            warehouse_location=warehouse_location,
            replicas=replicas,
            namespace=namespace,
            client_cidrs=client_cidrs,
            resources=resources,
            removal_policy=removal_policy,
        )
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        self.pattern = parsed
        self.platform = platform
        self.database = database
        self.image = image
        self.resources = resources
        self.client_cidrs = tuple(client_cidrs)
        self._clients: list[str] = []
        if warehouse_bucket is None:
            warehouse_bucket = _buckets.logged_kms_bucket(
                self,
                "Warehouse",
                description=f"Encrypts the Hive warehouse of {self.node.path}",
                removal_policy=data_removal_policy(self, removal_policy),
            )
        self.warehouse_bucket = warehouse_bucket
        self.warehouse_location = (
            warehouse_location or f"s3://{warehouse_bucket.bucket_name}/warehouse/"
        )
        self.warehouse_prefix = _prefix_of(self.warehouse_location)
        self.csi = SecretsStoreCsi.of(self, platform)
        self.settings = m.metastore_settings(
            jdbc_url=database.jdbc_url,
            username=database.username,
            warehouse=self.warehouse_location,
            region=stack.region,
        )
        self.namespace: str | None = None
        self.role: ManagedPolicyRole | None = None
        self.service_host: str | None = None
        if parsed is MetastorePattern.SIDECAR:
            self._uri = f"thrift://localhost:{m.THRIFT_PORT}"
            # Each client team's pods (on the platform's nodes) reach the proxy.
            database.allow_from(_node_group(platform), "Hive Metastore sidecars of Spark drivers")
        else:
            self.namespace = namespace
            self._deploy(namespace, DEFAULT_REPLICAS if replicas is None else replicas)
            database.allow_from(_node_group(platform), f"Hive Metastore pods of {self.node.path}")

    # --- what jobs use ----------------------------------------------------------------------------

    @property
    def uri(self) -> str:
        """The Thrift URI Spark uses (an NLB host read at deploy time for ``EXTERNAL``)."""
        return self._uri

    def spark_conf(self, identity: Identity | str = Identity.IRSA) -> dict[str, str]:
        """The Spark properties of a job of this metastore: catalog, URI, warehouse and, for an
        ``s3a://`` warehouse, the s3a credentials provider of the job's ``identity``."""
        parsed = rules.choice(Identity, identity)
        if isinstance(parsed, str):
            check = Checker(None, None, "", where=f"HiveMetastore '{self.node.path}'")
            check.add("spark_conf(identity)", identity, parsed)
            check.raise_if_any()
        assert isinstance(parsed, Identity)
        conf = {
            "spark.sql.catalogImplementation": "hive",
            URI_KEY: self.uri,
            "spark.sql.warehouse.dir": self.warehouse_location,
        }
        if self.warehouse_location.startswith("s3a://"):
            conf["spark.hadoop.fs.s3a.aws.credentials.provider"] = S3A_CREDENTIALS[parsed]
        if self.pattern is MetastorePattern.SIDECAR:
            # The driver may open its Hive client before the sidecar listens: retry for a minute.
            conf["spark.hadoop.hive.metastore.connect.retries"] = "12"
            conf["spark.hadoop.hive.metastore.client.connect.retry.delay"] = "5s"
        return conf

    def bind(self, target: IJobTarget) -> Contribution:
        """What a team (or job template) gets: the Spark properties, warehouse access for its
        job roles and, for ``SIDECAR``, the driver's metastore container and its grants."""
        role = _job_role(target)
        check = Checker(None, None, "", where=f"HiveMetastore '{self.node.path}'")
        self._check_target(check, target, role)
        check.raise_if_any()
        assert role is not None
        statements = list(warehouse_statements(self.warehouse_bucket, self.warehouse_prefix))
        # On the team (or template): the statements reach every job role below it.
        self._acknowledge_warehouse(
            target if isinstance(target, Construct) else role.role, "Spark jobs"
        )
        if target.namespace not in self._clients:
            self._clients.append(target.namespace)
        conf = self.spark_conf(role.identity_mode)
        if self.pattern is not MetastorePattern.SIDECAR:
            return Contribution(spark_conf=conf, policy_statements=statements)
        self._sidecar_objects(target, role)
        return Contribution(
            spark_conf=conf,
            driver=PodChange(
                containers=[m.sidecar_container(self.image.uri, self.resources)],
                volumes=m.volumes(),
            ),
            policy_statements=[*statements, *self.database.read_secret_statements()],
        )

    # --- internals ------------------------------------------------------------------------------

    def _check_target(self, check: Checker, target: Any, role: JobExecutionRole | None) -> None:
        if role is None:
            check.add("bind(target)", target, "bind a SparkTeam or a JobTemplate")
            return
        if self.pattern is not MetastorePattern.EXTERNAL and target.platform is not self.platform:
            check.add(
                "bind(target)",
                target.namespace,
                f"a {self.pattern.value} metastore runs on its own platform's nodes (its CSI "
                "driver, Service and the database's security group are set up there); bind a "
                "team of that platform, or use MetastorePattern.EXTERNAL for other clusters",
            )
        if self.pattern is MetastorePattern.EXTERNAL:
            cidr = _literal_vpc_cidr(getattr(target.platform, "vpc", None))
            if cidr is not None and not _covered(cidr, self.client_cidrs):
                check.add(
                    "bind(target)",
                    target.namespace,
                    f"the team's platform VPC {cidr} is outside client_cidrs "
                    f"{list(self.client_cidrs)}: the NLB and the metastore's NetworkPolicy "
                    f"would drop its drivers; add {cidr} to client_cidrs",
                )
        if self.pattern is MetastorePattern.SIDECAR:
            owner = target if isinstance(target, Construct) else role
            if cdk.Stack.of(owner) is not cdk.Stack.of(self):
                check.add(
                    "bind(target)",
                    target.namespace,
                    f"the team is in stack {cdk.Stack.of(owner).stack_name!r} and this sidecar "
                    f"metastore in {cdk.Stack.of(self).stack_name!r}: its objects in the team's "
                    "namespace and the team's grants on the warehouse would make the two stacks "
                    "depend on each other; create the team in the metastore's stack (as the "
                    "reference stacks do) or the metastore in the team's",
                )
            ours, theirs = cdk.Stack.of(self.database), cdk.Stack.of(role)
            for what in ("account", "region"):
                mine, other = getattr(ours, what), getattr(theirs, what)
                if not rules.unresolved(mine) and not rules.unresolved(other) and mine != other:
                    check.add(
                        "bind(target)",
                        target.namespace,
                        f"the team's job role ({what} {other}) cannot read the database secret "
                        f"of {what} {mine}: the sidecar reads it as the job role; put the team "
                        "and the database in one account and region",
                    )

    def _deploy(self, namespace: str, replicas: int) -> None:
        stack = cdk.Stack.of(self)
        ns = KubernetesNamespace(self, "Namespace", platform=self.platform, namespace=namespace)
        # Only EKS Pod Identity of this account, for this cluster, namespace and service account
        # (the session tags Pod Identity sets, which the EKS user guide documents for trust
        # policies).
        trust = iam.ServicePrincipal(
            "pods.eks.amazonaws.com",
            conditions={
                "StringEquals": {
                    "aws:SourceAccount": stack.account,
                    "aws:RequestTag/eks-cluster-name": self.platform.cluster_name,
                    "aws:RequestTag/kubernetes-namespace": namespace,
                    "aws:RequestTag/kubernetes-service-account": m.SERVICE_ACCOUNT,
                }
            },
        )
        self.role = ManagedPolicyRole(
            self,
            "Role",
            assumed_by=iam.SessionTagsPrincipal(trust),
            description=f"Hive Metastore pods of {self.node.path}: database secret and warehouse",
        )
        for statement in (
            *warehouse_statements(self.warehouse_bucket, self.warehouse_prefix),
            *self.database.read_secret_statements(),
        ):
            self.role.add_to_principal_policy(statement)
        self._acknowledge_warehouse(self.role, "The metastore")
        self.pod_identity = eks.CfnPodIdentityAssociation(
            self,
            "PodIdentity",
            cluster_name=self.platform.cluster_name,
            namespace=namespace,
            service_account=m.SERVICE_ACCOUNT,
            role_arn=self.role.role_arn,
        )
        self.pod_identity.node.add_dependency(ns.manifest)
        external = self.pattern is MetastorePattern.EXTERNAL
        config = ns.add_manifest(
            "Config",
            m.service_account(namespace),
            m.config_map(namespace, self.settings),
            m.secret_provider_class(
                namespace,
                secret_arn=self.database.secret.secret_arn,
                region=stack.region,
                use_pod_identity=True,
            ),
        )
        config.node.add_dependency(self.csi.aws_provider)
        # The schema is initialised once, by this Job, before the Deployment exists; the pods
        # wait for it rather than race to create it.
        self.schema_job = ns.add_manifest(
            "Schema", m.schema_job(namespace, image=self.image.uri, resources=self.resources)
        )
        self.schema_job.node.add_dependency(config)
        self.schema_job.node.add_dependency(self.pod_identity)
        self.workload = ns.add_manifest(
            "Workload",
            m.deployment(
                namespace, image=self.image.uri, replicas=replicas, resources=self.resources
            ),
            m.service(
                namespace,
                source_ranges=self.client_cidrs if external else (),
                subnet_ids=_private_subnets(self.platform) if external else (),
                load_balancer_class=m.AUTO_MODE_NLB_CLASS if external else None,
            ),
            m.pod_disruption_budget(namespace),
        )
        self.workload.node.add_dependency(config)
        self.workload.node.add_dependency(self.schema_job)
        self.workload.node.add_dependency(self.pod_identity)
        # Through an NLB with IP targets the pods see the load balancer's addresses in the
        # metastore cluster's VPC (client IP preservation is off for TCP to IP targets).
        vpc = getattr(self.platform, "vpc", None)
        sources = (
            (*self.client_cidrs, vpc.vpc_cidr_block) if external and vpc else self.client_cidrs
        )
        policy = m.network_policy(namespace)
        policy["spec"] = lazy_any(
            lambda: m.network_policy(
                namespace,
                client_namespaces=() if external else self._clients,
                client_cidrs=sources,
            )["spec"]
        )
        ns.add_manifest("ClientPolicy", policy)
        if external:
            self.service_host = eks.KubernetesObjectValue(
                self,
                "LoadBalancerHost",
                cluster=self.platform.cluster,
                object_type="service",
                object_name=m.SERVICE_NAME,
                object_namespace=namespace,
                json_path=".status.loadBalancer.ingress[0].hostname",
                timeout=cdk.Duration.minutes(10),
            ).value
            self._uri = f"thrift://{self.service_host}:{m.THRIFT_PORT}"
            self.node.find_child("LoadBalancerHost").node.add_dependency(self.workload)
        else:
            self._uri = m.in_cluster_uri(namespace)

    def _sidecar_objects(self, target: IJobTarget, role: JobExecutionRole) -> None:
        """The ConfigMap and SecretProviderClass the sidecar reads, in the team's namespace."""
        stack = cdk.Stack.of(self)
        namespace = target.namespace
        manifest = eks.KubernetesManifest(
            self,
            f"Sidecar{_pascal(namespace)}",
            cluster=self.platform.cluster,
            manifest=[
                m.config_map(namespace, self.settings),
                m.secret_provider_class(
                    namespace,
                    secret_arn=self.database.secret.secret_arn,
                    region=stack.region,
                    use_pod_identity=role.identity_mode is Identity.POD_IDENTITY,
                ),
            ],
        )
        manifest.node.add_dependency(self.csi.aws_provider)
        owner = _namespace_construct(target)
        if owner is not None:
            manifest.node.add_dependency(owner.manifest)

    def _acknowledge_warehouse(self, scope: Construct, who: str) -> None:
        _nag.acknowledge_resources(
            scope,
            f"{who} create and remove table files under the warehouse prefix only; Hive names "
            "those objects at run time.",
            "AwsSolutions-IAM5",
            [self.warehouse_bucket.arn_for_objects(f"{self.warehouse_prefix}*")],
        )


def warehouse_statements(bucket: s3.IBucket, prefix: str) -> list[iam.PolicyStatement]:
    """Read and write the warehouse prefix (and list it), with the bucket's key through S3."""
    statements = [
        iam.PolicyStatement(
            actions=["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
            resources=[bucket.arn_for_objects(f"{prefix}*")],
        ),
        # S3A's getFileStatus and mkdirs HEAD the prefix's own key (no trailing slash) first; a
        # 403 there (rather than a 404) fails CREATE DATABASE/TABLE.
        iam.PolicyStatement(
            actions=["s3:GetObject"], resources=[bucket.arn_for_objects(prefix.rstrip("/"))]
        ),
        iam.PolicyStatement(
            actions=["s3:ListBucket"],
            resources=[bucket.bucket_arn],
            conditions={"StringLike": {"s3:prefix": [prefix, f"{prefix}*"]}},
        ),
        iam.PolicyStatement(actions=["s3:GetBucketLocation"], resources=[bucket.bucket_arn]),
    ]
    key: kms.IKey | None = bucket.encryption_key
    if key is not None:
        stack = cdk.Stack.of(bucket)
        statements.append(
            iam.PolicyStatement(
                actions=["kms:Decrypt", "kms:GenerateDataKey"],
                resources=[key.key_arn],
                conditions={
                    "StringEquals": {"kms:ViaService": f"s3.{stack.region}.{stack.url_suffix}"}
                },
            )
        )
    return statements


def _node_group(platform: IEmrEksPlatform) -> ec2.ISecurityGroup:
    """The cluster security group, which EKS gives the nodes (and so the pods) of the platform;
    the control plane's own group needs no database access."""
    group = platform.cluster.cluster_security_group
    assert group is not None  # checked in _validate
    return group


def _cluster_security_group(platform: IEmrEksPlatform) -> ec2.ISecurityGroup | None:
    """The cluster security group, or None when an imported cluster has none (CDK raises)."""
    try:
        return getattr(platform.cluster, "cluster_security_group", None)
    except RuntimeError:  # jsii: ClusterSecurityGroupDefinedImported
        return None


def _private_subnets(platform: IEmrEksPlatform) -> list[str]:
    """The private subnets of the platform's VPC (where an internal NLB goes), when known."""
    vpc = getattr(platform, "vpc", None)
    if vpc is None:
        return []
    return list(vpc.select_subnets(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS).subnet_ids)


def _literal_vpc_cidr(vpc: ec2.IVpc | None) -> str | None:
    """The VPC's CIDR when known at synth: an imported VPC's attribute, or the CIDR block of a VPC
    built here (whose ``vpc_cidr_block`` is a deploy-time attribute)."""
    if vpc is None:
        return None
    cidr = vpc.vpc_cidr_block
    if isinstance(cidr, str) and not rules.unresolved(cidr):
        return cidr
    resource = vpc.node.default_child
    block = getattr(resource, "cidr_block", None) if isinstance(resource, ec2.CfnVPC) else None
    return block if isinstance(block, str) and not rules.unresolved(block) else None


def _covered(cidr: str, client_cidrs: Sequence[str]) -> bool:
    """``cidr`` lies inside one of ``client_cidrs`` (all literal and valid: checked before)."""
    network = ipaddress.ip_network(cidr, strict=False)
    for client in client_cidrs:
        other = ipaddress.ip_network(client, strict=False)
        if network.version == other.version and network.subnet_of(other):  # type: ignore[arg-type]
            return True
    return False


def _job_role(target: Any) -> JobExecutionRole | None:
    role = getattr(target, "execution_role", None) or getattr(target, "role", None)
    return role if isinstance(role, JobExecutionRole) else None


def _namespace_construct(target: Any) -> KubernetesNamespace | None:
    owner = getattr(target, "namespace_construct", None)
    if owner is None and getattr(target, "team", None) is not None:
        owner = getattr(target.team, "namespace_construct", None)
    return owner if isinstance(owner, KubernetesNamespace) else None


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


def _prefix_of(location: str) -> str:
    """The key prefix of a warehouse URI, ending in '/' (``""`` for the bucket's root)."""
    if rules.unresolved(location):
        return "warehouse/"
    rest = location.split("://", 1)[1]
    _, _, key = rest.partition("/")
    return key if not key or key.endswith("/") else f"{key}/"


def _validate(check: Checker, **props: Any) -> MetastorePattern:
    parsed = rules.choice(MetastorePattern, props["pattern"])
    if isinstance(parsed, str):
        check.add("pattern", props["pattern"], parsed)
    if check_platform(check, props["platform"]) and not _cluster_security_group(props["platform"]):
        check.add(
            "platform",
            props["platform"].node.path,
            "the database must admit the platform's pods, but this platform's cluster has no "
            "known cluster security group (an imported cluster without one): import it with "
            "its cluster security group",
        )
    if not isinstance(props["database"], MetastoreDatabase):
        check.add("database", props["database"], "pass a MetastoreDatabase(...)")
    image = props["image"]
    if isinstance(image, MetastoreImage):
        image.check(check, "image")
    else:
        check.add("image", image, "pass MetastoreImage(repository=..., tag=...)")
    bucket = props["warehouse_bucket"]
    if bucket is not None:
        check.rule("warehouse_bucket", bucket, rules.interface("an s3.IBucket", "bucket_arn"))
    location = props["warehouse_location"]
    if location is not None and check.rule(
        "warehouse_location", location, rules.warehouse_location
    ):
        if not rules.unresolved(location) and not _prefix_of(location).strip("/"):
            check.add(
                "warehouse_location",
                location,
                "a warehouse at the bucket's root would grant the metastore and every bound job "
                "the whole bucket; use a prefix such as 's3://<bucket>/warehouse/'",
            )
        if bucket is None:
            check.add(
                "warehouse_location",
                location,
                "a location needs its bucket: pass warehouse_bucket too (or neither, for a new "
                "bucket)",
            )
        elif not rules.unresolved(location) and not rules.unresolved(bucket.bucket_name):
            named = location.split("://", 1)[1].split("/", 1)[0]
            if named != bucket.bucket_name:
                check.add(
                    "warehouse_location",
                    location,
                    f"is not in warehouse_bucket {bucket.bucket_name!r}; use a location in it",
                )
    replicas = props["replicas"]
    replicas_ok = replicas is None or check.rule(
        "replicas", replicas, rules.integer(1, MAX_REPLICAS, unit="pods")
    )
    if replicas_ok and parsed is MetastorePattern.SIDECAR and props["replicas"] is not None:
        check.add(
            "replicas",
            props["replicas"],
            "a sidecar runs once per driver pod; replicas apply to the cluster-dedicated "
            "and external patterns",
        )
    if (
        check.rule("namespace", props["namespace"], rules.namespace)
        and parsed is not MetastorePattern.SIDECAR
        and isinstance(props["platform"], IEmrEksPlatform)
        and (problem := props["platform"].namespace_problem(props["namespace"]))
    ):
        check.add("namespace", props["namespace"], problem)
    cidrs = props["client_cidrs"]
    if check.rule("client_cidrs", cidrs, rules.string_list("10.0.0.0/16")):
        check.each("client_cidrs", cidrs, rules.cidr)
        if parsed is MetastorePattern.EXTERNAL and not cidrs:
            check.add(
                "client_cidrs",
                list(cidrs),
                "an external metastore is reached through an internal NLB that admits only "
                "these networks: list the processing clusters' pod networks (VPC CIDRs)",
            )
        for cidr in cidrs:
            if isinstance(cidr, str) and cidr.strip() == "0.0.0.0/0":
                check.add(
                    "client_cidrs",
                    cidr,
                    "would open the metastore (which has no authentication of its own) to every "
                    "address; list the processing clusters' VPC CIDRs only",
                )
        if parsed is not MetastorePattern.EXTERNAL and cidrs:
            check.add(
                "client_cidrs",
                list(cidrs),
                "only the external pattern is reached over the network; bind client teams "
                "with add_extension instead",
            )
    platform = props["platform"]
    if parsed is MetastorePattern.EXTERNAL and isinstance(platform, IEmrEksPlatform):
        if not isinstance(getattr(platform, "compute", None), AutoModeCompute):
            check.add(
                "platform",
                platform.node.path,
                "an external metastore is reached through an NLB, which only EKS Auto Mode's "
                "built-in load balancing creates here (no AWS Load Balancer Controller is "
                "installed for it): build the metastore's platform with compute=AutoModeCompute()",
            )
        if getattr(platform, "vpc", None) is None:
            check.add(
                "platform",
                platform.node.path,
                "an external metastore needs its platform's VPC (the NLB's subnets and the "
                "addresses its NetworkPolicy admits): build the platform here or import it with "
                "vpc=...",
            )
    removal = props["removal_policy"]
    if removal is not None and not isinstance(removal, cdk.RemovalPolicy):
        check.add("removal_policy", removal, "pass a cdk.RemovalPolicy member or None")
    resources = props["resources"]
    if isinstance(resources, m.MetastoreResources):
        cpu_ok = [
            check.rule(f"resources.{name}", getattr(resources, name), rules.cpu_quantity)
            for name in ("cpu_request", "cpu_limit")
        ]
        check.rule("resources.memory", resources.memory, rules.memory_quantity)
        if all(cpu_ok) and rules.cpu_amount(resources.cpu_request) > rules.cpu_amount(
            resources.cpu_limit
        ):
            check.add(
                "resources.cpu_request",
                resources.cpu_request,
                f"is above cpu_limit {resources.cpu_limit!r} (Kubernetes refuses such a pod); "
                "request at most the limit",
            )
    else:
        check.add("resources", resources, "pass MetastoreResources(...) or None")
    check.raise_if_any()
    assert isinstance(parsed, MetastorePattern)
    return parsed
