"""Every Kubernetes object the reference stacks hand to a cluster passes the Kubernetes schema."""

from __future__ import annotations

from tests.harness.checks import manifest_errors, manifests_in
from tests.harness.reference import BuiltApp

#: Schemas are checked against the Kubernetes minor the platform pins.
KUBERNETES_VERSION = "1.33"


def test_manifests_match_the_kubernetes_schema(reference: BuiltApp, stack_name: str) -> None:
    errors = [
        f"{logical_id}: {problem}"
        for logical_id, obj in manifests_in(reference.template(stack_name))
        for problem in manifest_errors(obj, KUBERNETES_VERSION)
    ]
    assert not errors, f"{stack_name}: invalid Kubernetes objects:\n" + "\n".join(errors)
