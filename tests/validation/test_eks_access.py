"""No reference stack edits aws-auth or declares EMR's service-linked role (access entries only)."""

from __future__ import annotations

import json

from tests.harness.reference import BuiltApp


def test_no_aws_auth_configmap_and_no_service_linked_role(
    reference: BuiltApp, stack_name: str
) -> None:
    template = reference.template(stack_name)
    text = json.dumps(template)
    assert "aws-auth" not in text, f"{stack_name} touches the aws-auth ConfigMap"
    assert "mapRoles" not in text
    types = {resource["Type"] for resource in template["Resources"].values()}
    assert "AWS::IAM::ServiceLinkedRole" not in types


def test_every_eks_cluster_uses_access_entries_only(reference: BuiltApp, stack_name: str) -> None:
    for resource in reference.template(stack_name)["Resources"].values():
        if resource["Type"] == "AWS::EKS::Cluster":
            assert resource["Properties"]["AccessConfig"]["AuthenticationMode"] == "API"
            assert resource["Properties"]["ResourcesVpcConfig"]["EndpointPublicAccess"] is False
