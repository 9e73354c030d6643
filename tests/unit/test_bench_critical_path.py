"""The bench's critical path: the longest dependency chain, weighted by creation times."""

from __future__ import annotations

from bench.critical_path import CREATION_SECONDS, DEFAULT_SECONDS, critical_path, dependencies


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
