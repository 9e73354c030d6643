"""The History Server's deploy-time rules pass on a real stack and catch each breakage."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from tests.deploy_rules import rules
from tests.harness.checks import spark_history_opts
from tests.unit.observability.shs_app import shs_app


@pytest.fixture(scope="module")
def good() -> dict[str, Any]:
    return shs_app().json


def _replace_in_manifests(template: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    text = json.dumps(template)
    changed = json.loads(text)
    for resource in changed["Resources"].values():
        if resource["Type"] == "Custom::AWSCDK-EKS-KubernetesResource":
            manifest = json.dumps(resource["Properties"]["Manifest"])
            resource["Properties"]["Manifest"] = json.loads(manifest.replace(old, new))
    assert changed != template, f"{old!r} not found in any manifest"
    return changed


def _of_type(template: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [r for r in template["Resources"].values() if r["Type"] == kind]


def test_a_good_stack_passes_every_history_server_rule(good: dict[str, Any]) -> None:
    for name in ("shs-reads-where-jobs-write", "shs-read-only-no-compaction", "shs-private-access"):
        assert rules.RULES[name](good) == [], name
    # The rules looked at something: a reader, a writer, a certificate and a VPN exist.
    assert any(spark_history_opts(o) for o in rules._named_objects(good))
    assert _of_type(good, "AWS::EMRContainers::JobTemplate")
    assert _of_type(good, "AWS::EC2::ClientVpnEndpoint")


def test_a_job_writing_elsewhere_is_caught(good: dict[str, Any]) -> None:
    bad = copy.deepcopy(good)
    job = _of_type(bad, "AWS::EMRContainers::JobTemplate")[0]
    for item in job["Properties"]["JobTemplateData"]["ConfigurationOverrides"][
        "ApplicationConfiguration"
    ]:
        if "spark.eventLog.dir" in item.get("Properties", {}):
            item["Properties"]["spark.eventLog.dir"] = "s3://other-bucket/spark-events/cluster-a/"
    (problem,) = rules.history_server_reads_where_jobs_write(bad)
    assert "never sees these jobs" in problem


def test_a_missing_directory_marker_is_caught(good: dict[str, Any]) -> None:
    bad = copy.deepcopy(good)
    bad["Resources"] = {k: r for k, r in bad["Resources"].items() if r["Type"] != "Custom::AWS"}
    (problem,) = rules.history_server_reads_where_jobs_write(bad)
    assert "refuses to start" in problem


def test_cleaner_on_with_a_read_only_role_is_caught(good: dict[str, Any]) -> None:
    bad = _replace_in_manifests(
        good, "spark.history.fs.cleaner.enabled=false", "spark.history.fs.cleaner.enabled=true"
    )
    (problem,) = rules.history_server_read_only_means_no_compaction(bad)
    assert "cannot delete event logs" in problem


@pytest.mark.parametrize("breakage", ["no-wait", "world", "cidr", "no-logs", "http"])
def test_private_access_breakage_is_caught(good: dict[str, Any], breakage: str) -> None:
    bad = copy.deepcopy(good)
    if breakage == "no-wait":
        for cert in _of_type(bad, "AWS::CertificateManager::Certificate"):
            cert.pop("DependsOn", None)
    elif breakage == "world":
        for rule in _of_type(bad, "AWS::EC2::ClientVpnAuthorizationRule"):
            rule["Properties"]["TargetNetworkCidr"] = "0.0.0.0/0"
    elif breakage == "cidr":
        _of_type(bad, "AWS::EC2::ClientVpnEndpoint")[0]["Properties"]["ClientCidrBlock"] = (
            "172.16.0.0/24"
        )
    elif breakage == "no-logs":
        _of_type(bad, "AWS::EC2::ClientVpnEndpoint")[0]["Properties"]["ConnectionLogOptions"] = {
            "Enabled": False
        }
    else:
        bad = _replace_in_manifests(good, '\\\\\\"HTTPS\\\\\\": 443', '\\\\\\"HTTP\\\\\\": 80')
    assert rules.private_access_deploys(bad), breakage
