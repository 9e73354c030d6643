"""Hive Metastore on EMR on EKS: sidecar, cluster-dedicated or external, on encrypted PostgreSQL."""

from emr_burst.metastore.database import MetastoreDatabase
from emr_burst.metastore.hive import HiveMetastore, MetastoreImage, MetastorePattern
from emr_burst.metastore.manifests import MetastoreResources
from emr_burst.metastore.secrets_store import SecretsStoreCsi

__all__ = [
    "HiveMetastore",
    "MetastoreDatabase",
    "MetastoreImage",
    "MetastorePattern",
    "MetastoreResources",
    "SecretsStoreCsi",
]
