"""Alluxio on the burst cluster: a release with what we use, and the options its bootstrap needs."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk.assertions import Template

from emr_burst.config.hybrid import HybridConfig
from emr_burst.core import versions
from emr_burst.core.errors import EmrBurstError
from emr_burst.hybrid import presets
from emr_burst.hybrid.alluxio import AlluxioOptions
from emr_burst.hybrid.catalog import QueryEngine
from tests.unit.emr_ec2.helpers import problem, stack_and_vpc

METASTORE = "thrift://10.100.1.5:9083"
SITE_FILES = ("s3://conf-bucket/onprem/core-site.xml", "s3://conf-bucket/onprem/hdfs-site.xml")


def _burst_props(engine: QueryEngine, **alluxio: Any) -> dict[str, Any]:
    stack, vpc = stack_and_vpc()
    options = AlluxioOptions(bootstrap_script=versions.ALLUXIO_BOOTSTRAP_SCRIPT, **alluxio)
    presets.burst_compute(
        stack, "Burst", vpc=vpc, metastore_uri=METASTORE, alluxio=options, engine=engine
    )
    clusters = Template.from_stack(stack).find_resources("AWS::EMR::Cluster")
    props: dict[str, Any] = next(iter(clusters.values()))["Properties"]
    return props


@pytest.fixture(scope="module")
def trino() -> dict[str, Any]:
    return _burst_props(QueryEngine.TRINO, site_files=SITE_FILES)


def _install_args(props: dict[str, Any]) -> list[str]:
    args: list[str] = props["BootstrapActions"][0]["ScriptBootstrapAction"]["Args"]
    return args


def test_pinned_release_has_the_shim_filesystem() -> None:
    assert versions.alluxio_version_tuple(versions.ALLUXIO_VERSION) >= versions.ALLUXIO_SHIM_SINCE
    assert f"/emr/{versions.ALLUXIO_VERSION}/alluxio-emr.sh" in versions.ALLUXIO_BOOTSTRAP_SCRIPT
    assert versions.ALLUXIO_VERSION in versions.ALLUXIO_TARBALL


def test_config_default_is_the_pinned_bootstrap() -> None:
    assert HybridConfig().alluxio_bootstrap_script == versions.ALLUXIO_BOOTSTRAP_SCRIPT


def test_bootstrap_gets_the_options_of_alluxios_hybrid_examples(trino: dict[str, Any]) -> None:
    args = _install_args(trino)
    assert args[0] == "hdfs://10.100.1.5:8020/"
    assert f"-d{versions.ALLUXIO_TARBALL}" in args  # tarball of the pinned release
    assert "-vhadoop-2.8" in args  # HDFS version, required for an hdfs:// root
    assert "-l/" in args  # Active Sync of the root mount (the on-prem HDFS)
    assert "-n80" in args  # NVMe of the r5d workers as Alluxio's tier 0
    assert [a for a in args if a.startswith("-f")] == [f"-f{f}" for f in SITE_FILES]
    assert len(set(args)) == len(args)  # CloudFormation wants distinct arguments


def test_nodes_may_read_the_shipped_site_files(trino: dict[str, Any]) -> None:
    del trino
    stack, vpc = stack_and_vpc()
    options = AlluxioOptions(
        bootstrap_script=versions.ALLUXIO_BOOTSTRAP_SCRIPT, site_files=SITE_FILES
    )
    presets.burst_compute(stack, "Burst", vpc=vpc, metastore_uri=METASTORE, alluxio=options)
    policies = json.dumps(Template.from_stack(stack).find_resources("AWS::IAM::ManagedPolicy"))
    assert ":s3:::conf-bucket/onprem/core-site.xml" in policies
    assert ":s3:::conf-bucket/onprem/hdfs-site.xml" in policies


def test_trino_gets_the_alluxio_client_in_its_hive_plugin(trino: dict[str, Any]) -> None:
    catalog = trino["BootstrapActions"][1]["ScriptBootstrapAction"]["Args"]
    assert "jar:/opt/alluxio/client/alluxio-client.jar" in catalog


def test_fails_when_the_script_predates_the_shim_filesystem() -> None:
    stack, vpc = stack_and_vpc()
    with pytest.raises(EmrBurstError) as err:
        presets.burst_compute(
            stack,
            "Burst",
            vpc=vpc,
            metastore_uri=METASTORE,
            alluxio=AlluxioOptions(bootstrap_script="s3://alluxio-public/emr/2.0.1/alluxio-emr.sh"),
        )
    fix = problem(err, "alluxio.bootstrap_script").fix
    assert "ShimFileSystem" in fix
    assert versions.ALLUXIO_BOOTSTRAP_SCRIPT in fix


@pytest.mark.parametrize(
    ("alluxio", "prop"),
    [
        ({"nvme_percent": 0}, "alluxio.nvme_percent"),
        ({"site_files": ("https://x/core-site.xml",)}, "alluxio.site_files[0]"),
        ({"active_sync_paths": ("tmp",)}, "alluxio.active_sync_paths[0]"),
        ({"tarball": "ftp://x/alluxio.tar.gz"}, "alluxio.tarball"),
    ],
)
def test_fails_when_bootstrap_options_are_wrong(alluxio: dict[str, Any], prop: str) -> None:
    with pytest.raises(EmrBurstError) as err:
        _burst_props(QueryEngine.PRESTO, **alluxio)
    problem(err, prop)
