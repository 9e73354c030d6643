"""The stable import surface: every name users imported before the redesign still imports, and
``emr_burst.constructs`` re-exports every public name of every capability package."""

from __future__ import annotations

import importlib

import pytest

from emr_burst import constructs, metastore, observability

#: ``emr_burst.constructs.__all__`` of release 0.1.0, before the package-per-capability layout.
FIRST_RELEASE = [
    "AlluxioOptions",
    "AutoModeCompute",
    "BootstrapAction",
    "BurstPort",
    "CapacityMode",
    "ContainerLimits",
    "DynamicAllocation",
    "EmrCluster",
    "EmrEksPlatform",
    "EmrEvent",
    "EmrOperations",
    "EmrSecurityConfiguration",
    "EmrStep",
    "EmrVirtualCluster",
    "EngineCatalog",
    "GlueAccess",
    "HybridPeerAccess",
    "HybridPeering",
    "HybridPeeringAccepter",
    "InterfaceEndpoint",
    "JobExecutionRole",
    "KerberosOptions",
    "LakeFormationAuthorization",
    "Market",
    "NamespaceQuota",
    "Network",
    "NodeGroup",
    "NodeGroupCompute",
    "PeerSide",
    "QueryEngine",
    "RangerAuthorization",
    "ScalingLimits",
    "SparkPlacement",
    "SparkTeam",
    "SpotAllocationStrategy",
    "TlsCertificates",
    "WorkloadType",
]

PACKAGES = (
    "core",
    "network",
    "emr_ec2",
    "hybrid",
    "emr_eks",
    "scheduling",
    "governance",
    "metastore",
    "observability",
)


@pytest.mark.parametrize("name", FIRST_RELEASE)
def test_every_first_release_name_still_imports(name: str) -> None:
    assert getattr(constructs, name) is not None
    assert name in constructs.__all__


@pytest.mark.parametrize("package", PACKAGES)
def test_constructs_reexports_every_public_name_of_each_package(package: str) -> None:
    module = importlib.import_module(f"emr_burst.{package}")
    for name in getattr(module, "__all__", ()):
        assert getattr(constructs, name) is getattr(module, name), name
        assert name in constructs.__all__, name


#: The Spark History Server capability (issue 12).
OBSERVABILITY = [
    "AlbProvider",
    "ClientVpn",
    "PrivateAccess",
    "SparkEventLogs",
    "SparkHistoryServer",
]


@pytest.mark.parametrize("name", OBSERVABILITY)
def test_observability_names_are_public(name: str) -> None:
    assert name in observability.__all__
    assert getattr(constructs, name) is getattr(observability, name)


#: The Hive Metastore capability (issue 11), importable from the stable surface.
METASTORE = [
    "HiveMetastore",
    "MetastoreDatabase",
    "MetastoreImage",
    "MetastorePattern",
    "MetastoreResources",
    "SecretsStoreCsi",
]


@pytest.mark.parametrize("name", METASTORE)
def test_metastore_names_import_from_constructs(name: str) -> None:
    assert getattr(constructs, name) is getattr(metastore, name)
    assert name in constructs.__all__
