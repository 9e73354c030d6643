"""The tutorial presets, their Alluxio options and catalogs: strings for enums, bad input."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from emr_burst.core.errors import EmrBurstError
from emr_burst.emr_ec2.cluster import EmrCluster
from emr_burst.hybrid import presets
from emr_burst.hybrid.alluxio import AlluxioOptions
from emr_burst.hybrid.catalog import EngineCatalog, QueryEngine
from tests.unit.emr_ec2.helpers import problem, stack_and_vpc

SCRIPT = "s3://alluxio-public/emr/2.3.0/alluxio-emr.sh"
METASTORE = "thrift://ip-10-100-1-5.us-west-1.compute.internal:9083"


_stack = stack_and_vpc


def _burst(**overrides: Any) -> EmrCluster:
    stack, vpc = _stack()
    props: dict[str, Any] = {
        "vpc": vpc,
        "metastore_uri": METASTORE,
        "alluxio": AlluxioOptions(bootstrap_script=SCRIPT),
    }
    return presets.burst_compute(stack, "Burst", **(props | overrides))


def test_classmethod_and_module_function_build_the_same_cluster() -> None:
    stack, vpc = _stack()
    via_class = EmrCluster.on_prem_proxy(stack, "A", vpc=vpc)
    via_module = presets.on_prem_proxy(stack, "B", vpc=vpc)
    for prop in ("name", "release_label", "applications", "configurations"):
        assert stack.resolve(getattr(via_class.resource, prop)) == stack.resolve(
            getattr(via_module.resource, prop)
        )


def test_engine_may_be_given_by_name() -> None:
    cluster = _burst(engine="trino")
    assert cluster.applications == ("Hadoop", "Trino")


def test_catalog_engine_given_by_name_is_parsed() -> None:
    assert EngineCatalog("trino", METASTORE).engine is QueryEngine.TRINO  # type: ignore[arg-type]


def test_fails_when_a_prop_is_misspelled() -> None:
    stack, vpc = _stack()
    with pytest.raises(EmrBurstError) as err:
        EmrCluster.on_prem_proxy(stack, "OnPrem", vpc=vpc, relase_label="emr-5.36.0")
    assert "did you mean 'release_label'" in problem(err, "relase_label").fix


def test_fails_when_engine_is_unknown() -> None:
    with pytest.raises(EmrBurstError) as err:
        _burst(engine="spark")
    assert "'Presto', 'Trino'" in problem(err, "engine").fix


def test_fails_when_metastore_uri_is_http() -> None:
    with pytest.raises(EmrBurstError) as err:
        _burst(metastore_uri="http://metastore:9083")
    assert "thrift://" in problem(err, "metastore_uri").fix


def test_fails_when_alluxio_is_a_script_uri() -> None:
    with pytest.raises(EmrBurstError) as err:
        _burst(alluxio=SCRIPT)
    assert "AlluxioOptions" in problem(err, "alluxio").fix


@pytest.mark.parametrize(
    ("options", "prop", "fix"),
    [
        (AlluxioOptions("https://x/alluxio-emr.sh"), "alluxio.bootstrap_script", "S3 object"),
        (AlluxioOptions(SCRIPT, hdfs_version="2.8"), "alluxio.hdfs_version", "'hadoop-2.8'"),
        (
            AlluxioOptions(SCRIPT, active_sync_interval=30),  # type: ignore[arg-type]
            "alluxio.active_sync_interval",
            "aws_cdk.Duration",
        ),
        (AlluxioOptions(SCRIPT, extra_args="-n"), "alluxio.extra_args", "list of strings"),  # type: ignore[arg-type]
        (AlluxioOptions(SCRIPT, root_ufs_uri="/data"), "alluxio.root_ufs_uri", "hdfs://"),
        (
            AlluxioOptions(SCRIPT, properties={"alluxio.user.file.buffer.bytes": 1}),  # type: ignore[dict-item]
            "alluxio.properties",
            "must be strings",
        ),
    ],
)
def test_fails_when_alluxio_options_are_wrong(options: AlluxioOptions, prop: str, fix: str) -> None:
    with pytest.raises(EmrBurstError) as err:
        _burst(alluxio=options)
    assert fix in problem(err, prop).fix


def test_fails_when_catalog_name_has_capitals() -> None:
    with pytest.raises(EmrBurstError) as err:
        _burst(catalog_name="OnPrem")
    assert "lower-case" in problem(err, "catalog_name").fix


def test_fails_when_on_prem_configurations_is_not_a_dict() -> None:
    stack, vpc = _stack()
    with pytest.raises(EmrBurstError) as err:
        presets.on_prem_proxy(stack, "OnPrem", vpc=vpc, configurations="hdfs-site")
    assert "dict of classification" in problem(err, "configurations").fix


@pytest.mark.parametrize(
    "first", ["emr_burst.hybrid", "emr_burst.emr_ec2", "emr_burst.hybrid.presets"]
)
def test_packages_import_in_any_order(first: str) -> None:
    # emr_ec2 re-exports hybrid's Alluxio and catalog names while hybrid's presets build on
    # EmrCluster: neither order may hit a partially initialized module.
    code = f"import {first}; import emr_burst.constructs as c; c.EmrCluster; c.AlluxioOptions"
    subprocess.run([sys.executable, "-c", code], check=True)
