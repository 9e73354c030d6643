"""The bench's critical path: the longest dependency chain, weighted by creation times."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any


def _load() -> Any:
    # bench/ is a folder of scripts (run as `python bench/synth_report.py`), not a package.
    path = Path(__file__).resolve().parents[2] / "bench" / "critical_path.py"
    spec = importlib.util.spec_from_file_location("critical_path", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_bench = _load()
CREATION_SECONDS = _bench.CREATION_SECONDS
DEFAULT_SECONDS = _bench.DEFAULT_SECONDS
critical_path = _bench.critical_path
dependencies = _bench.dependencies


def test_references_and_depends_on_make_the_chain() -> None:
    template = {
        "Resources": {
            "Role": {"Type": "AWS::IAM::Role", "Properties": {}},
            "Cluster": {
                "Type": "AWS::EKS::Cluster",
                "Properties": {"RoleArn": {"Fn::GetAtt": ["Role", "Arn"]}},
            },
            "Namespace": {
                "Type": "Custom::AWSCDK-EKS-KubernetesResource",
                "Properties": {"ClusterName": {"Ref": "Cluster"}},
            },
            "Vc": {
                "Type": "AWS::EMRContainers::VirtualCluster",
                "DependsOn": "Namespace",
                "Properties": {"Name": {"Fn::Sub": "${Cluster}-vc"}},
            },
            "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {}},
        }
    }
    assert dependencies(template)["Vc"] == {"Namespace", "Cluster"}
    seconds, chain = critical_path(template)
    assert [logical_id for logical_id, _ in chain] == ["Role", "Cluster", "Namespace", "Vc"]
    assert seconds == sum(CREATION_SECONDS.get(kind, DEFAULT_SECONDS) for _, kind in chain)


def test_an_empty_template_has_no_path() -> None:
    assert critical_path({"Resources": {}}) == (0, [])
