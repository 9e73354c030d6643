"""Kubernetes namespaces on the platform: labels, ResourceQuota and LimitRange, with or without EMR.

A team namespace carries a virtual cluster; a system namespace (a scheduler, a metastore, a History
Server, Lake Formation's secure namespace) is the same construct without one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from aws_cdk import aws_eks_v2 as eks
from constructs import Construct

from emr_burst.core import rules
from emr_burst.core.errors import Checker
from emr_burst.emr_eks.imported import check_platform
from emr_burst.emr_eks.platform import IEmrEksPlatform

MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"
TEAM_LABEL = "emr-burst.io/team"


@dataclass(frozen=True)
class NamespaceQuota:
    """A ResourceQuota for a namespace (Kubernetes quantities such as ``"24"``, ``"96Gi"``).

    :param requests_cpu: Default: - no limit. :param requests_memory: Default: - no limit.
    :param limits_cpu: Default: - no limit. :param limits_memory: Default: - no limit.
    :param pods: Default: - no limit.
    """

    requests_cpu: str | None = None
    requests_memory: str | None = None
    limits_cpu: str | None = None
    limits_memory: str | None = None
    pods: str | None = None

    def hard(self) -> dict[str, str]:
        values = {
            "requests.cpu": self.requests_cpu,
            "requests.memory": self.requests_memory,
            "limits.cpu": self.limits_cpu,
            "limits.memory": self.limits_memory,
            "pods": self.pods,
        }
        return {key: value for key, value in values.items() if value is not None}


@dataclass(frozen=True)
class ContainerLimits:
    """A LimitRange for the containers of a namespace: defaults for pods that set none.

    :param default_request_cpu: Default: - none. :param default_request_memory: Default: - none.
    :param default_cpu: default CPU limit. Default: - none.
    :param default_memory: default memory limit. Default: - none.
    """

    default_request_cpu: str | None = None
    default_request_memory: str | None = None
    default_cpu: str | None = None
    default_memory: str | None = None


def namespace_manifest(
    namespace: str,
    labels: Mapping[str, str],
    quota: NamespaceQuota | None,
    limits: ContainerLimits | None,
    *,
    isolated: bool = False,
) -> list[dict[str, Any]]:
    """The Namespace, plus its ResourceQuota, LimitRange and isolation policy when asked."""
    objects: list[dict[str, Any]] = [
        {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {
                "name": namespace,
                "labels": {MANAGED_BY_LABEL: "emr-burst", TEAM_LABEL: namespace, **labels},
            },
        }
    ]
    if quota is not None:
        objects.append(
            {
                "apiVersion": "v1",
                "kind": "ResourceQuota",
                "metadata": {"name": "emr-burst-quota", "namespace": namespace},
                "spec": {"hard": quota.hard()},
            }
        )
    if limits is not None:
        limit: dict[str, Any] = {"type": "Container"}
        default = _present({"cpu": limits.default_cpu, "memory": limits.default_memory})
        request = _present(
            {"cpu": limits.default_request_cpu, "memory": limits.default_request_memory}
        )
        if default:
            limit["default"] = default
        if request:
            limit["defaultRequest"] = request
        objects.append(
            {
                "apiVersion": "v1",
                "kind": "LimitRange",
                "metadata": {"name": "emr-burst-limits", "namespace": namespace},
                "spec": {"limits": [limit]},
            }
        )
    if isolated:
        objects.append(isolation_policy(namespace))
    return objects


ISOLATION_POLICY = "emr-burst-same-namespace-only"


def isolation_policy(namespace: str) -> dict[str, Any]:
    """Pods of the namespace accept connections only from pods of the same namespace.

    Spark drivers, executors and EMR's job runner of a team talk to each other; nothing of another
    team may reach them. Egress stays open: jobs reach S3, AWS endpoints in the VPC, DNS and
    metastores, and another team's pods refuse them through their own policy.
    """
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": ISOLATION_POLICY, "namespace": namespace},
        "spec": {
            "podSelector": {},
            "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"podSelector": {}}]}],
        },
    }


def _present(values: Mapping[str, str | None]) -> dict[str, str]:
    return {key: value for key, value in values.items() if value is not None}


def check_namespace_props(
    check: Checker,
    *,
    namespace: Any,
    labels: Any,
    quota: Any,
    limits: Any,
) -> None:
    """The rules of a namespace's props, shared by every construct that creates one."""
    check.rule("namespace", namespace, rules.namespace)
    if labels is not None:
        if not isinstance(labels, Mapping):
            check.add("labels", labels, "pass a mapping of label keys to values")
        else:
            for key, value in labels.items():
                check.rule("labels key", key, rules.label_key)
                check.rule(f"labels[{key!r}]", value, rules.label_value)
    for prop, value, kind in (
        ("quota", quota, NamespaceQuota),
        ("limits", limits, ContainerLimits),
    ):
        if value is None:
            continue
        if not isinstance(value, kind):
            check.add(prop, value, f"pass {kind.__name__}(...) or None")
            continue
        for field in fields(value):
            item = getattr(value, field.name)
            if item is not None:
                check.rule(f"{prop}.{field.name}", item, rules.quantity)
    if isinstance(quota, NamespaceQuota):
        if not quota.hard():
            check.add("quota", quota, "set at least one value, or pass quota=None")
        # Each quota kind needs its LimitRange default, or Kubernetes refuses the pods: a
        # requests quota pods whose containers set no request (EMR's logging sidecar sets no CPU
        # request), a limits quota pods without limits (Spark's pods set none).
        for bound, default, why in (
            (
                "requests",
                "default_request",
                "sets no {r} request (EMR's logging sidecar sets none)",
            ),
            ("limits", "default", "declares no {r} limit (Spark's pods declare none)"),
        ):
            for resource in ("cpu", "memory"):
                value = getattr(quota, f"{bound}_{resource}")
                paired = isinstance(limits, ContainerLimits) and (
                    getattr(limits, f"{default}_{resource}") is not None
                )
                if value is not None and not paired:
                    check.add(
                        f"quota.{bound}_{resource}",
                        value,
                        "makes Kubernetes refuse every pod with a container that "
                        + why.format(r=resource)
                        + f"; set limits=ContainerLimits({default}_{resource}=...) as well",
                    )


class KubernetesNamespace(Construct):
    """A namespace on the platform, with optional labels, ResourceQuota and LimitRange.

    Use it alone for namespaces that run no EMR jobs (a scheduler, a metastore, a History Server,
    Lake Formation's secure namespace), or hand it to :class:`EmrVirtualCluster`. The platform
    refuses a second construct creating the same namespace.

    Example::

        ns = KubernetesNamespace(self, "Metastore", platform=platform, namespace="hive-metastore")

    :param platform: the platform (built here or imported).
    :param namespace: DNS-1123 label, not ``default`` or ``kube-*``.
    :param labels: extra labels. Default: - the managed-by and team labels only.
    :param quota: ResourceQuota. Default: - none.
    :param limits: LimitRange. Default: - none.
    :param isolated: admit connections to its pods only from pods of this namespace (a
        NetworkPolicy; the platform turns on enforcement). Default: - False; team namespaces
        that ``EmrVirtualCluster`` creates are isolated.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        platform: IEmrEksPlatform,
        namespace: str,
        labels: Mapping[str, str] | None = None,
        quota: NamespaceQuota | None = None,
        limits: ContainerLimits | None = None,
        isolated: bool = False,
    ) -> None:
        check = Checker(scope, construct_id, "KubernetesNamespace")
        if check_platform(check, platform):
            problem = platform.namespace_problem(namespace) if isinstance(namespace, str) else None
            if problem:
                check.add("namespace", namespace, problem)
        check_namespace_props(check, namespace=namespace, labels=labels, quota=quota, limits=limits)
        check.raise_if_any()
        super().__init__(scope, construct_id)
        platform.register_namespace(namespace, self)
        self.platform = platform
        self.namespace = namespace
        self.name = namespace
        self.quota = quota
        self.limits = limits
        # "Default" keeps the manifest's logical ID that of the namespace construct itself, so
        # moving a namespace into this construct never replaces (and so empties) it.
        self.manifest = eks.KubernetesManifest(
            self,
            "Default",
            cluster=platform.cluster,
            manifest=namespace_manifest(
                namespace, dict(labels or {}), quota, limits, isolated=isolated
            ),
        )

    def add_manifest(
        self, construct_id: str, *objects: Mapping[str, Any]
    ) -> eks.KubernetesManifest:
        """Apply Kubernetes objects to this namespace, after it exists.

        Objects without ``metadata.namespace`` are put in this namespace.
        """
        manifest = [_in_namespace(dict(obj), self.namespace) for obj in objects]
        resource = eks.KubernetesManifest(
            self, construct_id, cluster=self.platform.cluster, manifest=manifest
        )
        resource.node.add_dependency(self.manifest)
        return resource


#: Cluster-scoped kinds never get a namespace.
_CLUSTER_SCOPED = frozenset(
    {"Namespace", "ClusterRole", "ClusterRoleBinding", "StorageClass", "PriorityClass"}
)


def _in_namespace(obj: dict[str, Any], namespace: str) -> dict[str, Any]:
    if obj.get("kind") in _CLUSTER_SCOPED:
        return obj
    metadata = dict(obj.get("metadata") or {})
    metadata.setdefault("namespace", namespace)
    return {**obj, "metadata": metadata}
