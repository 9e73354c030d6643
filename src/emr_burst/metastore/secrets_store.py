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
        self.driver, self.aws_provider = (
            eks.HelmChart(
                self,
                construct,
                cluster=platform.cluster,
                chart=chart,
                repository=repository,
                version=version,
                release=release,
                namespace="kube-system",
                values=values,
            )
            for construct, chart, repository, version, release, values in (
                (
                    "Driver",
                    versions.SECRETS_STORE_CSI_DRIVER_CHART,
                    versions.SECRETS_STORE_CSI_DRIVER_REPOSITORY,
                    versions.SECRETS_STORE_CSI_DRIVER_VERSION,
                    "csi-secrets-store",
                    {"syncSecret": {"enabled": False}, "enableSecretRotation": False},
                ),
                (
                    "AwsProvider",
                    versions.SECRETS_STORE_AWS_PROVIDER_CHART,
                    versions.SECRETS_STORE_AWS_PROVIDER_REPOSITORY,
                    versions.SECRETS_STORE_AWS_PROVIDER_VERSION,
                    "secrets-provider-aws",
                    {
                        "secrets-store-csi-driver": {"install": False},
                        # A fixed account name (the chart derives one from the release name).
                        "rbac": {"serviceAccountName": "csi-secrets-store-provider-aws"},
                    },
                ),
            )
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
