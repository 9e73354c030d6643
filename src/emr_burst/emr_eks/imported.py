"""Platforms made elsewhere, and the per-platform record of namespaces and virtual clusters."""

from __future__ import annotations

from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_eks_v2 as eks
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from emr_burst.core import rules
from emr_burst.core.errors import Checker
from emr_burst.emr_eks.compute import SparkPlacement


def registry_problem(registry: dict[str, str], namespace: str, what: str) -> str | None:
    owner = registry.get(namespace)
    if owner is None:
        return None
    if what == "namespace":
        return (
            f"namespace {namespace!r} is already created by {owner} on this platform; pass that "
            "construct (or its name) to the second user instead of creating it twice"
        )
    return (
        f"namespace {namespace!r} already has the virtual cluster of {owner}; EMR allows one per "
        "namespace: add job roles and job templates to that team instead"
    )


def register(registry: dict[str, str], namespace: str, owner: Construct, what: str) -> None:
    problem = registry_problem(registry, namespace, what)
    if problem:
        check = Checker(None, None, "", where=owner.node.path)
        check.add("namespace", namespace, problem)
        check.raise_if_any()
    registry[namespace] = owner.node.path


class NamespaceRecord:
    """Which construct creates each namespace, and which owns its virtual cluster (one each)."""

    def _init_record(self) -> None:
        self._namespaces: dict[str, str] = {}
        self._virtual_clusters: dict[str, str] = {}

    def namespace_problem(self, namespace: str) -> str | None:
        """Why ``namespace`` cannot be created here (another construct creates it)."""
        return registry_problem(self._namespaces, namespace, "namespace")

    def register_namespace(self, namespace: str, owner: Construct) -> None:
        """Record that ``owner`` creates ``namespace`` (see :meth:`namespace_problem`)."""
        register(self._namespaces, namespace, owner, "namespace")

    def virtual_cluster_problem(self, namespace: str) -> str | None:
        """Why a virtual cluster cannot go on ``namespace`` (EMR allows one per namespace)."""
        return registry_problem(self._virtual_clusters, namespace, "virtual cluster")

    def register_virtual_cluster(self, namespace: str, owner: Construct) -> None:
        register(self._virtual_clusters, namespace, owner, "virtual cluster")


class ImportedEmrEksPlatform(NamespaceRecord, Construct):
    """A platform built elsewhere: see :meth:`EmrEksPlatform.from_platform_attributes`."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        cluster_name: str,
        kubectl_provider_service_token: str,
        open_id_connect_provider_arn: str,
        placement: SparkPlacement,
        kubectl_role: iam.IRole | None = None,
        vpc: ec2.IVpc | None = None,
        job_bucket: s3.IBucket | None = None,
        data_key: kms.IKey | None = None,
        open_id_connect_issuer: str | None = None,
    ) -> None:
        check = Checker(scope, construct_id, "EmrEksPlatform.from_platform_attributes")
        check.rule("cluster_name", cluster_name, rules.eks_cluster_name)
        for prop, value in (
            ("kubectl_provider_service_token", kubectl_provider_service_token),
            ("open_id_connect_provider_arn", open_id_connect_provider_arn),
        ):
            if not isinstance(value, str) or not value:
                check.add(prop, value, "pass the original platform's value (a string or token)")
        check.rule(
            "placement",
            placement,
            rules.instance_of(SparkPlacement, "a SparkPlacement such as auto_mode_placement()"),
        )
        _check_optional(check, "vpc", vpc, rules.interface("an ec2.IVpc", "vpc_id"))
        _check_optional(
            check, "job_bucket", job_bucket, rules.interface("an s3.IBucket", "bucket_arn")
        )
        _check_optional(check, "data_key", data_key, rules.interface("a kms.IKey", "key_arn"))
        _check_optional(
            check, "kubectl_role", kubectl_role, rules.interface("an iam.IRole", "role_arn")
        )
        check.raise_if_any()
        super().__init__(scope, construct_id)
        self.vpc = vpc
        self.placement = placement
        self.job_bucket = job_bucket
        self.data_key = data_key
        self._init_record()
        self._issuer = open_id_connect_issuer
        self._oidc = iam.OpenIdConnectProvider.from_open_id_connect_provider_arn(
            self, "OidcProvider", open_id_connect_provider_arn
        )
        provider = eks.KubectlProvider.from_kubectl_provider_attributes(
            self, "KubectlProvider", service_token=kubectl_provider_service_token, role=kubectl_role
        )
        self._cluster = eks.Cluster.from_cluster_attributes(
            self,
            "Cluster",
            cluster_name=cluster_name,
            kubectl_provider=provider,
            open_id_connect_provider=self._oidc,
            vpc=vpc,
        )

    @property
    def cluster(self) -> eks.ICluster:
        return self._cluster

    @property
    def cluster_name(self) -> str:
        return self._cluster.cluster_name

    @property
    def open_id_connect_provider(self) -> iam.IOpenIdConnectProvider:
        return self._oidc

    def open_id_connect_issuer_for(self, scope: Construct) -> str:
        """The issuer given, or the one derived from the provider's ARN."""
        return self._issuer or self._oidc.open_id_connect_provider_issuer


def _check_optional(check: Checker, prop: str, value: object, rule: rules.Rule) -> None:
    if value is not None:
        check.rule(prop, value, rule)


def check_platform(check: Checker, platform: object, prop: str = "platform") -> bool:
    """``platform`` implements :class:`IEmrEksPlatform` (built here or imported)."""
    return check.rule(
        prop,
        platform,
        rules.interface(
            "an IEmrEksPlatform such as EmrEksPlatform(...) or "
            "EmrEksPlatform.from_platform_attributes(...)",
            "cluster",
            "placement",
            "open_id_connect_provider",
            "register_namespace",
            "register_virtual_cluster",
        ),
    )
