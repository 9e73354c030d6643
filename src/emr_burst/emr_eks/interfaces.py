"""The interface every consumer of an EMR on EKS platform takes (built here or imported)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from aws_cdk import aws_eks_v2 as eks
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct, Node

from emr_burst.emr_eks.compute import SparkPlacement


@runtime_checkable
class IEmrEksPlatform(Protocol):
    """What teams, virtual clusters and capabilities need of an EMR on EKS platform.

    Implemented by :class:`EmrEksPlatform` and by the platform that
    :meth:`EmrEksPlatform.from_platform_attributes` imports into another stack or app.
    """

    @property
    def node(self) -> Node: ...

    @property
    def cluster(self) -> eks.ICluster: ...

    @property
    def cluster_name(self) -> str: ...

    @property
    def open_id_connect_provider(self) -> iam.IOpenIdConnectProvider: ...

    @property
    def placement(self) -> SparkPlacement: ...

    def open_id_connect_issuer_for(self, scope: Construct) -> str:
        """The OIDC issuer (``oidc.eks.<region>.amazonaws.com/id/<id>``) as ``scope`` sees it."""
        ...

    @property
    def job_bucket(self) -> s3.IBucket | None: ...

    @property
    def data_key(self) -> kms.IKey | None: ...

    def namespace_problem(self, namespace: str) -> str | None: ...

    def register_namespace(self, namespace: str, owner: Construct) -> None: ...

    def virtual_cluster_problem(self, namespace: str) -> str | None: ...

    def register_virtual_cluster(self, namespace: str, owner: Construct) -> None: ...
