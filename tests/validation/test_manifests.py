"""Every Kubernetes object the reference stacks hand to a cluster passes the Kubernetes schema."""

from __future__ import annotations

from pathlib import Path

from emr_burst.core import versions
from tests.harness.checks import (
    config_document_errors,
    file_asset_objects,
    helm_charts_in,
    helm_value_errors,
    manifest_errors,
    manifests_in,
)
from tests.harness.reference import BuiltApp

#: Schemas are checked against the Kubernetes minor the platform pins.
KUBERNETES_VERSION = versions.DEFAULT_KUBERNETES_VERSION


def test_manifests_match_the_kubernetes_schema(reference: BuiltApp, stack_name: str) -> None:
    errors = [
        f"{logical_id}: {problem}"
        for logical_id, obj in manifests_in(reference.template(stack_name))
        for problem in manifest_errors(obj, KUBERNETES_VERSION)
    ]
    assert not errors, f"{stack_name}: invalid Kubernetes objects:\n" + "\n".join(errors)


def test_file_asset_objects_match_the_kubernetes_schema(
    reference: BuiltApp, stack_name: str
) -> None:
    errors = [
        f"{asset}: {problem}"
        for asset, obj in file_asset_objects(Path(reference.assembly.directory), stack_name)
        for problem in manifest_errors(obj, KUBERNETES_VERSION)
    ]
    assert not errors, f"{stack_name}: invalid Kubernetes objects in assets:\n" + "\n".join(errors)


def test_the_platform_pod_templates_are_among_the_validated_objects(reference: BuiltApp) -> None:
    # Guards the test above against silently validating nothing (e.g. a renamed asset suffix).
    # Teams share the two templates: assets are content-addressed.
    pods = {
        obj["metadata"]["name"]
        for stack in reference.stacks
        for _, obj in file_asset_objects(Path(reference.assembly.directory), stack.stack_name)
        if obj["kind"] == "Pod"
    }
    assert pods == {"spark-kubernetes-driver", "spark-kubernetes-executor"}


def test_helm_values_and_scheduler_configuration_match_their_schemas(
    reference: BuiltApp, stack_name: str
) -> None:
    template = reference.template(stack_name)
    errors = [
        f"{logical_id}: {problem}"
        for logical_id, chart in helm_charts_in(template)
        for problem in helm_value_errors(chart) or []
    ]
    errors += [
        f"{logical_id}: {problem}"
        for logical_id, obj in manifests_in(template)
        for problem in config_document_errors(obj) or []
    ]
    assert not errors, f"{stack_name}: invalid chart values or configuration:\n" + "\n".join(errors)


def test_the_yunikorn_chart_and_queues_are_among_the_validated_documents(
    reference: BuiltApp,
) -> None:
    # Guards the test above against validating nothing (a renamed chart, version or ConfigMap).
    charts = [
        helm_value_errors(chart)
        for stack in reference.stacks
        for _, chart in helm_charts_in(reference.template(stack.stack_name))
    ]
    configs = [
        config_document_errors(obj)
        for stack in reference.stacks
        for _, obj in manifests_in(reference.template(stack.stack_name))
    ]
    assert [] in charts
    assert [] in configs
