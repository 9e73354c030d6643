"""Each deploy-time rule, pointed at a template broken in exactly its way, reports it."""

from __future__ import annotations

import copy
import json
from typing import Any

from tests.deploy_rules import rules

ROLE = {
    "Type": "AWS::IAM::Role",
    "Properties": {
        "ManagedPolicyArns": ["arn:aws:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2"]
    },
}


def _cluster(**props: Any) -> dict[str, Any]:
    base = {
        "ServiceRole": {"Ref": "ServiceRole"},
        "Applications": [{"Name": "Hadoop"}],
        "Instances": {"CoreInstanceGroup": {"Market": "ON_DEMAND"}},
        "Tags": [{"Key": "for-use-with-amazon-emr-managed-policies", "Value": "true"}],
    }
    return {"Type": "AWS::EMR::Cluster", "Properties": base | props}


def _template(**resources: Any) -> dict[str, Any]:
    return {"Resources": resources}


def test_managed_policy_tag_rule() -> None:
    good = _template(ServiceRole=ROLE, Cluster=_cluster())
    assert rules.emr_clusters_carry_the_managed_policy_tag(good) == []
    bad = _template(ServiceRole=ROLE, Cluster=_cluster(Tags=[]))
    (problem,) = rules.emr_clusters_carry_the_managed_policy_tag(bad)
    assert "for-use-with-amazon-emr-managed-policies=true" in problem


def test_name_length_rule() -> None:
    ok = _template(T={"Type": "AWS::EMRContainers::JobTemplate", "Properties": {"Name": "a" * 64}})
    assert rules.literal_names_fit(ok) == []
    long = copy.deepcopy(ok)
    long["Resources"]["T"]["Properties"]["Name"] = "a" * 65
    (problem,) = rules.literal_names_fit(long)
    assert "65 characters" in problem


def _manifest(*objects: dict[str, Any]) -> dict[str, Any]:
    return {
        "Type": "Custom::AWSCDK-EKS-KubernetesResource",
        "Properties": {"Manifest": json.dumps(list(objects))},
    }


QUOTA: dict[str, Any] = {
    "kind": "ResourceQuota",
    "metadata": {"name": "q", "namespace": "a"},
    "spec": {"hard": {"requests.cpu": "24"}},
}
LIMITS: dict[str, Any] = {
    "kind": "LimitRange",
    "metadata": {"name": "l", "namespace": "a"},
    "spec": {"limits": [{"type": "Container", "defaultRequest": {"cpu": "100m"}}]},
}


def test_quota_pairing_rule() -> None:
    assert rules.requests_quotas_have_default_requests(_template(M=_manifest(QUOTA, LIMITS))) == []
    (problem,) = rules.requests_quotas_have_default_requests(_template(M=_manifest(QUOTA)))
    assert "requests.cpu" in problem
    other_ns = copy.deepcopy(LIMITS)
    other_ns["metadata"]["namespace"] = "b"
    assert rules.requests_quotas_have_default_requests(_template(M=_manifest(QUOTA, other_ns)))


def test_one_virtual_cluster_per_namespace_rule() -> None:
    vc = {
        "Type": "AWS::EMRContainers::VirtualCluster",
        "Properties": {"ContainerProvider": {"Id": "c", "Info": {"EksInfo": {"Namespace": "a"}}}},
    }
    assert rules.one_virtual_cluster_per_namespace(_template(A=vc)) == []
    (problem,) = rules.one_virtual_cluster_per_namespace(_template(A=vc, B=copy.deepcopy(vc)))
    assert "EMR refuses the second" in problem


def test_hdfs_on_spot_rule() -> None:
    assert rules.hdfs_core_nodes_are_on_demand(_template(C=_cluster())) == []
    spot = _cluster(Instances={"CoreInstanceGroup": {"Market": "SPOT"}})
    (problem,) = rules.hdfs_core_nodes_are_on_demand(_template(C=spot))
    assert "spot" in problem


def test_service_principal_source_rule() -> None:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": "cloudwatch.amazonaws.com"},
    }
    policy: dict[str, Any] = {
        "Type": "AWS::SNS::TopicPolicy",
        "Properties": {"PolicyDocument": {"Statement": [statement]}},
    }
    (problem,) = rules.service_principals_are_bound_to_their_source(_template(P=policy))
    assert "cloudwatch.amazonaws.com" in problem
    bound = copy.deepcopy(policy)
    bound["Properties"]["PolicyDocument"]["Statement"][0]["Condition"] = {
        "StringEquals": {"aws:SourceAccount": "111111111111"}
    }
    assert rules.service_principals_are_bound_to_their_source(_template(P=bound)) == []


def test_hdfs_on_spot_is_allowed_only_when_the_cluster_says_it_was_accepted() -> None:
    spot = _cluster(Instances={"CoreInstanceGroup": {"Market": "SPOT"}})
    spot["Properties"]["Tags"].append({"Key": rules.HDFS_ON_SPOT_TAG, "Value": "accepted"})
    assert rules.hdfs_core_nodes_are_on_demand(_template(C=spot)) == []


def test_only_the_documented_unbindable_principal_passes_without_a_source() -> None:
    def key(service: str) -> dict[str, Any]:
        statement = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "kms:Decrypt"}
        return {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": {"Statement": [statement]}}}

    assert (
        rules.service_principals_are_bound_to_their_source(_template(K=key("events.amazonaws.com")))
        == []
    )
    assert rules.service_principals_are_bound_to_their_source(
        _template(K=key("cloudwatch.amazonaws.com"))
    )


def test_team_isolation_rule() -> None:
    vc = {
        "Type": "AWS::EMRContainers::VirtualCluster",
        "Properties": {"ContainerProvider": {"Id": "c", "Info": {"EksInfo": {"Namespace": "a"}}}},
    }
    policy = {
        "kind": "NetworkPolicy",
        "metadata": {"name": "p", "namespace": "a"},
        "spec": {"podSelector": {}, "ingress": [{"from": [{"podSelector": {}}]}]},
    }
    controller = {
        "kind": "ConfigMap",
        "metadata": {"name": "amazon-vpc-cni", "namespace": "kube-system"},
        "data": {"enable-network-policy-controller": "true"},
    }
    cluster = {"Type": "AWS::EKS::Cluster", "Properties": {}}
    good = _template(C=cluster, V=vc, M=_manifest(policy, controller))
    assert rules.team_namespaces_are_isolated(good) == []
    (unisolated,) = rules.team_namespaces_are_isolated(
        _template(C=cluster, V=vc, M=_manifest(controller))
    )
    assert "no NetworkPolicy" in unisolated
    (unenforced,) = rules.team_namespaces_are_isolated(
        _template(C=cluster, V=vc, M=_manifest(policy))
    )
    assert "does not enforce NetworkPolicies" in unenforced


def test_manifests_joined_with_tokens_are_read() -> None:
    joined = {
        "Type": "Custom::AWSCDK-EKS-KubernetesResource",
        "Properties": {
            "Manifest": {
                "Fn::Join": [
                    "",
                    ['[{"kind":"ConfigMap","metadata":{"name":"', {"Ref": "X"}, '"}}]'],
                ]
            }
        },
    }
    assert [o["kind"] for o in rules.kubernetes_objects(_template(M=joined))] == ["ConfigMap"]


# --- Hive Metastore (issue 11) ------------------------------------------------------------------

SPC: dict[str, Any] = {
    "apiVersion": "secrets-store.csi.x-k8s.io/v1",
    "kind": "SecretProviderClass",
    "metadata": {"name": "hive-metastore-db", "namespace": "hms"},
    "spec": {"provider": "aws", "parameters": {"objects": "[]"}},
}
CHART = {
    "Type": "Custom::AWSCDK-EKS-HelmChart",
    "Properties": {"Chart": "secrets-store-csi-driver-provider-aws"},
}


def test_literal_password_rule() -> None:
    container = {
        "name": "hms",
        "image": "x:1",
        "env": [{"name": "DB_PASSWORD_FILE", "value": "/mnt/p"}],
    }
    pod: dict[str, Any] = {
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {"containers": [container]},
    }
    assert rules.no_literal_passwords_in_manifests(_template(M=_manifest(pod))) == []
    leaked = copy.deepcopy(pod)
    leaked["spec"]["containers"][0]["env"].append(
        {"name": "HIVE_METASTORE_DB_PASSWORD", "value": "s3cret"}
    )
    config = {"kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"DB_PASSWORD": "s3cret"}}
    problems = rules.no_literal_passwords_in_manifests(_template(M=_manifest(leaked, config)))
    assert len(problems) == 2
    assert "HIVE_METASTORE_DB_PASSWORD to a literal" in problems[0]
    assert "ConfigMap key DB_PASSWORD" in problems[1]


def test_secret_provider_class_ordering_rule() -> None:
    ordered = _manifest(SPC) | {"DependsOn": ["Chart"]}
    assert rules.secret_provider_classes_wait_for_their_crd(_template(Chart=CHART, M=ordered)) == []
    (problem,) = rules.secret_provider_classes_wait_for_their_crd(
        _template(Chart=CHART, M=_manifest(SPC))
    )
    assert problem.startswith("M: applies a SecretProviderClass")


def test_metastore_tls_rule() -> None:
    proxy = {"Type": "AWS::RDS::DBProxy", "Properties": {"RequireTLS": True}}

    def config(url: str) -> dict[str, Any]:
        return _manifest(
            {
                "kind": "ConfigMap",
                "metadata": {"name": "hms", "namespace": "a"},
                "data": {"HIVE_METASTORE_DB_URL": url},
            }
        )

    good = "jdbc:postgresql://proxy:5432/hivemetastore?sslmode=require"
    assert rules.metastore_connects_with_tls(_template(P=proxy, M=config(good))) == []
    (problem,) = rules.metastore_connects_with_tls(
        _template(P=proxy, M=config("jdbc:postgresql://proxy:5432/hivemetastore"))
    )
    assert "add ?sslmode=require" in problem
    (problem,) = rules.metastore_connects_with_tls(_template(M=config("jdbc:mysql://db:3306/hms")))
    assert "not a PostgreSQL URL" in problem
