"""The Secrets Store CSI driver and its AWS provider, installed once per cluster.

Both are Helm charts at the versions pinned in :mod:`emr_burst.core.versions`, applied through
the platform's own kubectl provider (no Lambda of their own). The driver is installed without
``syncSecret``: metastores read the password from the mounted file, so no Kubernetes Secret (and no
RBAC to write one) is needed.
"""

from __future__ import annotations

import weakref

from aws_cdk import aws_eks_v2 as eks
from constructs import Construct

from emr_burst.core import versions
from emr_burst.emr_eks.platform import IEmrEksPlatform

_INSTALLED: weakref.WeakKeyDictionary[object, SecretsStoreCsi] = weakref.WeakKeyDictionary()


class SecretsStoreCsi(Construct):
    """The two charts in ``kube-system``; :meth:`of` returns the one of a platform.

    :param platform: the cluster to install on.
    """

    def __init__(self, scope: Construct, construct_id: str, *, platform: IEmrEksPlatform) -> None:
        super().__init__(scope, construct_id)
        self.driver = eks.HelmChart(
            self,
            "Driver",
            cluster=platform.cluster,
            chart=versions.SECRETS_STORE_CSI_DRIVER_CHART,
            repository=versions.SECRETS_STORE_CSI_DRIVER_REPOSITORY,
            version=versions.SECRETS_STORE_CSI_DRIVER_VERSION,
            release="csi-secrets-store",
            namespace="kube-system",
            values={"syncSecret": {"enabled": False}, "enableSecretRotation": False},
        )
        self.aws_provider = eks.HelmChart(
            self,
            "AwsProvider",
            cluster=platform.cluster,
            chart=versions.SECRETS_STORE_AWS_PROVIDER_CHART,
            repository=versions.SECRETS_STORE_AWS_PROVIDER_REPOSITORY,
            version=versions.SECRETS_STORE_AWS_PROVIDER_VERSION,
            release="secrets-provider-aws",
            namespace="kube-system",
            values={"secrets-store-csi-driver": {"install": False}},
        )
        self.aws_provider.node.add_dependency(self.driver)

    @staticmethod
    def of(scope: Construct, platform: IEmrEksPlatform) -> SecretsStoreCsi:
        """The driver of ``platform``, created under ``scope`` by the first metastore that asks."""
        installed = _INSTALLED.get(platform)
        if installed is None:
            installed = SecretsStoreCsi(scope, "SecretsStoreCsi", platform=platform)
            _INSTALLED[platform] = installed
        return installed
