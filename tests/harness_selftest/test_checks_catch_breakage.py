"""Each harness check, pointed at something deliberately broken, fails and says what and where.

Without these, a check that silently passes everything (a wrong resource type, a pack that is never
run, a masked field that hides real changes) would look exactly like a clean reference app.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_s3 as s3

from emr_burst.core import nag as _nag
from emr_burst.emr_eks.compute import (
    AutoModeCompute,
    node_class_manifest,
    node_pool_manifest,
)
from emr_burst.scheduling.yunikorn import chart_values
from tests.harness import snapshot_diff
from tests.harness.checks import (
    cfn_lint_errors,
    config_document_errors,
    file_asset_objects,
    helm_value_errors,
    manifest_errors,
    manifests_in,
    nag_findings,
    stateful_inventory,
    stateful_problems,
)
from tests.harness.masking import ASSET_MASK, mask_template
from tests.harness.reference import BuiltApp


def _bucket_app(acknowledge: bool = False) -> cdk.App:
    app = cdk.App()
    stack = cdk.Stack(app, "Broken")
    bucket = s3.CfnBucket(stack, "PlainBucket")
    if acknowledge:
        _nag.acknowledge(
            bucket,
            "This bucket only exists to prove that an acknowledgment reaches cdk-nag 3.",
            "AwsSolutions-S1",
        )
    return app


def test_nag_reports_an_unacknowledged_finding_with_its_construct_path() -> None:
    findings = nag_findings(_bucket_app(), "AwsSolutions")
    assert any(f.startswith("AwsSolutions-S1 at Broken/PlainBucket") for f in findings), findings
    hipaa = nag_findings(_bucket_app(), "HIPAA Security")
    assert any("HIPAA.Security-S3BucketLoggingEnabled at Broken/PlainBucket" in f for f in hipaa)
    nist = nag_findings(_bucket_app(), "NIST 800-53 rev 5")
    assert any("NIST.800.53.R5-S3BucketLoggingEnabled at Broken/PlainBucket" in f for f in nist)


def test_nag_acknowledgment_through_the_helper_removes_exactly_that_finding() -> None:
    before = {f.split(" at ")[0] for f in nag_findings(_bucket_app(), "AwsSolutions")}
    after = {
        f.split(" at ")[0] for f in nag_findings(_bucket_app(acknowledge=True), "AwsSolutions")
    }
    assert before - after == {"AwsSolutions-S1"}


def test_cfn_lint_reports_an_invalid_property_with_its_path() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "Broken")
    cdk.CfnResource(stack, "Bucket", type="AWS::S3::Bucket", properties={"BucketNam": "typo"})
    template = app.synth().get_stack_by_name("Broken").template
    errors = cfn_lint_errors(template)
    assert any("Resources/Bucket/Properties" in e and "BucketNam" in e for e in errors), errors


def test_cfn_lint_passes_a_valid_template() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "Fine")
    cdk.CfnResource(stack, "Topic", type="AWS::SNS::Topic")
    assert cfn_lint_errors(app.synth().get_stack_by_name("Fine").template) == []


def _bucket_stack_template(construct_id: str, removal: cdk.RemovalPolicy) -> dict[str, Any]:
    app = cdk.App()
    stack = cdk.Stack(app, "S")
    s3.Bucket(stack, construct_id, removal_policy=removal)
    template: dict[str, Any] = app.synth().get_stack_by_name("S").template
    return template


def test_stateful_guard_catches_a_renamed_bucket() -> None:
    committed = stateful_inventory({"S": _bucket_stack_template("Data", cdk.RemovalPolicy.RETAIN)})
    renamed = _bucket_stack_template("DataV2", cdk.RemovalPolicy.RETAIN)
    problems = stateful_problems(committed, stateful_inventory({"S": renamed}))
    (old_id,) = committed["S"]
    lost = f"S/{old_id} (AWS::S3::Bucket) disappeared or was renamed"
    assert f"{lost}: its data would be deleted or orphaned" in problems
    assert any(
        p.startswith("S/DataV2") and p.endswith("is new and not in the list") for p in problems
    )


def test_stateful_guard_catches_a_bucket_that_became_deletable() -> None:
    committed = stateful_inventory({"S": _bucket_stack_template("Data", cdk.RemovalPolicy.RETAIN)})
    current = stateful_inventory({"S": _bucket_stack_template("Data", cdk.RemovalPolicy.DESTROY)})
    (logical_id,) = committed["S"]
    problems = stateful_problems(committed, current)
    assert f"S/{logical_id} (AWS::S3::Bucket) DeletionPolicy changed Retain -> Delete" in problems
    assert f"S/{logical_id} (AWS::S3::Bucket) is deletable with the stack" in problems


def test_stateful_guard_accepts_an_unchanged_inventory() -> None:
    inventory = stateful_inventory({"S": _bucket_stack_template("Data", cdk.RemovalPolicy.RETAIN)})
    assert stateful_problems(inventory, inventory) == []


def test_manifest_validation_reports_the_bad_field() -> None:
    bad = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {"replicas": "three", "selector": {}, "template": {}},
    }
    errors = manifest_errors(bad, "1.33")
    assert errors
    assert errors[0].startswith("Deployment/web at spec/replicas"), errors


def test_manifest_validation_rejects_unknown_kinds() -> None:
    errors = manifest_errors({"apiVersion": "example.com/v1", "kind": "Nope"}, "1.33")
    assert errors
    assert "no schema" in errors[0]


def test_manifests_are_read_from_templates_with_tokens_flattened() -> None:
    namespace = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}}
    config_map = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"k":"'
    template = {
        "Resources": {
            "Plain": {
                "Type": "Custom::AWSCDK-EKS-KubernetesResource",
                "Properties": {"Manifest": json.dumps([namespace])},
            },
            "WithToken": {
                "Type": "Custom::AWSCDK-EKS-KubernetesResource",
                "Properties": {
                    "Manifest": {"Fn::Join": ["", [config_map, {"Ref": "Bucket"}, '"}}']]}
                },
            },
        }
    }
    found = dict(manifests_in(template))
    assert found["Plain[0]"] == namespace
    assert found["WithToken[0]"]["data"] == {"k": "cdk-token"}
    assert all(manifest_errors(obj, "1.33") == [] for obj in found.values())


def test_kubernetes_objects_in_file_assets_are_found_and_checked(tmp_path: Path) -> None:
    from aws_cdk import aws_s3_assets as s3_assets  # noqa: PLC0415

    bad_pod = tmp_path / "pod.yaml"
    bad_pod.write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: 3}\n")
    script = tmp_path / "run.yaml"
    script.write_text("steps: [build]\n")  # YAML, but not a Kubernetes object
    app = cdk.App(outdir=str(tmp_path / "out"))
    stack = cdk.Stack(app, "Assets")
    s3_assets.Asset(stack, "Pod", path=str(bad_pod))
    s3_assets.Asset(stack, "Other", path=str(script))
    assembly = Path(app.synth().directory)
    found = list(file_asset_objects(assembly, "Assets"))
    assert [obj["kind"] for _, obj in found] == ["Pod"]
    errors = manifest_errors(found[0][1], "1.33")
    assert errors
    assert errors[0].startswith("Pod/p at spec/containers"), errors


def test_masking_hides_asset_hashes_and_versioned_mappings_only() -> None:
    digest = "a" * 64
    template: dict[str, Any] = {
        "Mappings": {"LatestNodeRuntimeMap": {"us-east-1": {"value": "nodejs22.x"}}},
        "Resources": {"Fn": {"Properties": {"Code": {"S3Key": f"{digest}.zip"}, "Timeout": 30}}},
    }
    masked = mask_template(template)
    assert masked["Resources"]["Fn"]["Properties"] == {
        "Code": {"S3Key": f"{ASSET_MASK}.zip"},
        "Timeout": 30,
    }
    assert (
        masked["Mappings"]["LatestNodeRuntimeMap"] != template["Mappings"]["LatestNodeRuntimeMap"]
    )
    assert template["Resources"]["Fn"]["Properties"]["Code"]["S3Key"] == f"{digest}.zip"


@pytest.fixture(scope="module")
def assembly_copy(reference: BuiltApp, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("diff") / "cdk.out"
    shutil.copytree(reference.assembly.directory, target)
    return target


def test_diff_passes_when_the_assembly_matches_the_snapshots(assembly_copy: Path) -> None:
    assert snapshot_diff.main(["--assembly", str(assembly_copy)]) == 0


def test_diff_fails_when_a_stack_differs_from_its_snapshot(
    reference: BuiltApp, assembly_copy: Path, tmp_path: Path
) -> None:
    snapshots = tmp_path / "snapshots"
    shutil.copytree(snapshot_diff.SNAPSHOT_DIR, snapshots)
    stack_name = reference.stacks[0].stack_name
    snapshot = snapshot_diff.snapshot_path(stack_name, snapshots)
    template = json.loads(snapshot.read_text())
    template["Resources"]["AddedBySelfTest"] = {"Type": "AWS::SNS::Topic"}
    snapshot.write_text(json.dumps(template))
    assert (
        snapshot_diff.main(["--assembly", str(assembly_copy), "--snapshots", str(snapshots)]) == 1
    )


def _node_pool() -> dict[str, Any]:
    return node_pool_manifest(
        name="spark-executor",
        spark_role="executor",
        capacity_types=["spot"],
        compute=AutoModeCompute(),
        cpu_limit=64,
    )


def test_crd_schemas_accept_the_node_pool_the_platform_renders() -> None:
    assert manifest_errors(_node_pool(), "1.33") == []


def test_crd_validation_reports_a_wrong_type_in_a_node_pool() -> None:
    bad = _node_pool()
    bad["spec"]["template"]["spec"]["requirements"][0]["values"] = "spot"
    errors = manifest_errors(bad, "1.33")
    assert any(
        "NodePool/spark-executor at spec/template/spec/requirements/0/values" in e for e in errors
    ), errors


def test_crd_validation_reports_an_unknown_spec_field_and_a_bad_enum() -> None:
    bad = _node_pool()
    bad["spec"]["limts"] = {"cpu": "10"}
    bad["spec"]["disruption"]["consolidationPolicy"] = "Sometimes"
    errors = manifest_errors(bad, "1.33")
    assert any("'limts' was unexpected" in e for e in errors), errors
    assert any("spec/disruption/consolidationPolicy" in e for e in errors), errors


def test_crd_validation_reports_a_node_class_without_a_role() -> None:
    node_class = node_class_manifest(
        role_name="node-role",
        subnet_ids=["subnet-1"],
        security_group_ids=["sg-1"],
        ephemeral_storage_gib=100,
    )
    assert manifest_errors(node_class, "1.33") == []
    del node_class["spec"]["role"]
    node_class["spec"]["ephemeralStorage"]["size"] = 100
    errors = manifest_errors(node_class, "1.33")
    assert any("'role' is a required property" in e for e in errors), errors
    assert any("spec/ephemeralStorage/size" in e for e in errors), errors


def test_helm_values_outside_the_charts_schema_are_caught() -> None:
    def chart(values: dict[str, Any]) -> dict[str, Any]:
        return {"Chart": "yunikorn", "Version": "1.9.0", "Values": json.dumps(values)}

    assert helm_value_errors(chart(chart_values())) == []
    bad = chart_values()
    bad["admissionController"]["hostNetwrk"] = False
    bad["image"]["tag"] = "latest"
    errors = helm_value_errors(chart(bad))
    assert errors is not None
    assert len(errors) == 2, errors
    assert any("hostNetwrk" in e for e in errors)
    assert any("image/tag" in e for e in errors)
    assert helm_value_errors({"Chart": "other", "Version": "1", "Values": "{}"}) is None


def test_a_queues_yaml_yunikorn_would_reject_is_caught() -> None:
    def config(queues_yaml: str) -> dict[str, Any]:
        return {
            "kind": "ConfigMap",
            "metadata": {"name": "yunikorn-configs"},
            "data": {"queues.yaml": queues_yaml},
        }

    good = "partitions:\n- name: default\n  queues:\n  - name: root\n    queues:\n    - name: a\n"
    assert config_document_errors(config(good)) == []
    root_limited = good.replace(
        "    queues:\n", "    resources: {max: {vcore: '1'}}\n    queues:\n"
    )
    assert config_document_errors(config(root_limited))
    bad_policy = good + "      properties: {application.sort.policy: random}\n"
    (error,) = config_document_errors(config(bad_policy)) or ["none"]
    assert "random" in error
    unknown = good + "      guarantee: {vcore: '1'}\n"
    assert config_document_errors(config(unknown))
