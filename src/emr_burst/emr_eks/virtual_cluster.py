"""EMR virtual clusters: one per namespace, optionally with an EMR on EKS security configuration."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol, runtime_checkable

import aws_cdk as cdk
from aws_cdk import aws_emrcontainers as emrc
from constructs import Construct

from emr_burst.core import rules
from emr_burst.core.errors import Checker
from emr_burst.emr_eks.imported import check_platform
from emr_burst.emr_eks.namespace import (
    ContainerLimits,
    KubernetesNamespace,
    NamespaceQuota,
    check_namespace_props,
)
from emr_burst.emr_eks.platform import IEmrEksPlatform


@runtime_checkable
class IEmrVirtualCluster(Protocol):
    """An EMR virtual cluster that jobs and job templates can target."""

    @property
    def virtual_cluster_id(self) -> str: ...

    @property
    def virtual_cluster_arn(self) -> str: ...

    @property
    def namespace(self) -> str: ...


class EmrVirtualCluster(Construct):
    """An EMR virtual cluster on a namespace of the platform.

    ``CreateVirtualCluster`` gives EMR's service-linked role an access entry scoped to the
    namespace, so nothing here touches ``aws-auth`` or creates a service-linked role. EMR allows one
    virtual cluster per namespace; the platform refuses a second at synth time.

    Example::

        vc = EmrVirtualCluster(self, "Analytics", platform=platform, namespace="analytics",
            quota=NamespaceQuota(requests_cpu="24", requests_memory="96Gi"))

    :param platform: the EKS platform (built here or imported).
    :param namespace: a namespace name (created here) or a :class:`KubernetesNamespace`.
    :param virtual_cluster_name: Default: - the namespace.
    :param labels: / :param quota: / :param limits: of a namespace created here. Default: - none.
    :param security_configuration_id: an EMR on EKS security configuration (for example Lake
        Formation fine-grained access control). Default: - none.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        platform: IEmrEksPlatform,
        namespace: str | KubernetesNamespace,
        virtual_cluster_name: str | None = None,
        labels: Mapping[str, str] | None = None,
        quota: NamespaceQuota | None = None,
        limits: ContainerLimits | None = None,
        security_configuration_id: str | None = None,
    ) -> None:
        check = Checker(scope, construct_id, "EmrVirtualCluster")
        platform_ok = check_platform(check, platform)
        if isinstance(namespace, KubernetesNamespace):
            name = namespace.namespace
            if labels is not None or quota is not None or limits is not None:
                check.add(
                    "labels/quota/limits",
                    (labels, quota, limits),
                    "set them on the KubernetesNamespace you pass, not here",
                )
        else:
            name = namespace
            check_namespace_props(
                check, namespace=namespace, labels=labels, quota=quota, limits=limits
            )
            if platform_ok and isinstance(namespace, str):
                problem = platform.namespace_problem(namespace)
                if problem:
                    check.add("namespace", namespace, problem)
        if platform_ok and isinstance(name, str):
            problem = platform.virtual_cluster_problem(name)
            if problem:
                check.add("namespace", name, problem)
        vc_name = virtual_cluster_name if virtual_cluster_name is not None else name
        check.rule("virtual_cluster_name", vc_name, rules.virtual_cluster_name)
        if security_configuration_id is not None and (
            not isinstance(security_configuration_id, str) or not security_configuration_id
        ):
            check.add(
                "security_configuration_id",
                security_configuration_id,
                "pass the id of an EMR on EKS security configuration (e.g. its attr_id)",
            )
        check.raise_if_any()
        super().__init__(scope, construct_id)
        self.platform = platform
        self.namespace_construct = (
            namespace
            if isinstance(namespace, KubernetesNamespace)
            else KubernetesNamespace(
                self,
                "Namespace",
                platform=platform,
                namespace=namespace,
                labels=labels,
                quota=quota,
                limits=limits,
                isolated=True,
            )
        )
        platform.register_virtual_cluster(name, self)
        self._namespace = name
        self.namespace_manifest = self.namespace_construct.manifest
        self.resource = emrc.CfnVirtualCluster(
            self,
            "Resource",
            name=vc_name,
            container_provider=emrc.CfnVirtualCluster.ContainerProviderProperty(
                id=platform.cluster_name,
                type="EKS",
                info=emrc.CfnVirtualCluster.ContainerInfoProperty(
                    eks_info=emrc.CfnVirtualCluster.EksInfoProperty(namespace=name)
                ),
            ),
            security_configuration_id=security_configuration_id,
        )
        # The cluster is referenced (its name), the namespace is needed: nothing else. Waiting for
        # node pools or the kubectl provider would only lengthen every deploy.
        self.resource.node.add_dependency(self.namespace_manifest)

    @staticmethod
    def from_virtual_cluster_attributes(
        scope: Construct, construct_id: str, *, virtual_cluster_id: str, namespace: str
    ) -> IEmrVirtualCluster:
        """A virtual cluster made elsewhere (another stack, app or the console).

        :param virtual_cluster_id: its id.
        :param namespace: the namespace it runs jobs in.
        """
        check = Checker(scope, construct_id, "EmrVirtualCluster.from_virtual_cluster_attributes")
        if not isinstance(virtual_cluster_id, str) or not virtual_cluster_id:
            check.add("virtual_cluster_id", virtual_cluster_id, "pass the virtual cluster's id")
        check.rule("namespace", namespace, rules.namespace)
        check.raise_if_any()
        return _ImportedVirtualCluster(
            scope, construct_id, virtual_cluster_id=virtual_cluster_id, namespace=namespace
        )

    @property
    def namespace(self) -> str:
        return self._namespace

    @property
    def virtual_cluster_arn(self) -> str:
        return self.resource.attr_arn

    @property
    def virtual_cluster_id(self) -> str:
        return self.resource.attr_id


class _ImportedVirtualCluster(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, virtual_cluster_id: str, namespace: str
    ) -> None:
        super().__init__(scope, construct_id)
        self._id = virtual_cluster_id
        self._namespace = namespace

    @property
    def namespace(self) -> str:
        return self._namespace

    @property
    def virtual_cluster_id(self) -> str:
        return self._id

    @property
    def virtual_cluster_arn(self) -> str:
        return cdk.Stack.of(self).format_arn(
            service="emr-containers",
            resource="/virtualclusters",
            resource_name=self._id,
            arn_format=cdk.ArnFormat.SLASH_RESOURCE_NAME,
        )
