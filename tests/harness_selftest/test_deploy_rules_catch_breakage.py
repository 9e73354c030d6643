"""Each deploy-time rule, pointed at a template broken in exactly its way, reports it."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from tests.conftest import _reference_app
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


# --- Lake Formation: the rules run on the reference templates, then on a copy broken one way ---


def _reference_template(name: str) -> dict[str, Any]:
    return copy.deepcopy(_reference_app().template(name))


def _of_type(template: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [r for r in template["Resources"].values() if r["Type"] == kind]


def test_fgac_rule_catches_a_shared_namespace_an_old_release_and_an_untagged_trust() -> None:
    good = _reference_template("EmrBurstLakeFormationConsumer")
    assert rules.lake_formation_fgac_is_consistent(good) == []
    assert _of_type(good, "AWS::EMRContainers::JobTemplate"), "nothing to check"

    shared = copy.deepcopy(good)
    (sc,) = _of_type(shared, "AWS::EMRContainers::SecurityConfiguration")
    lake = sc["Properties"]["SecurityConfigurationData"]["AuthorizationConfiguration"]
    lake["LakeFormationConfiguration"]["SecureNamespaceInfo"]["Namespace"] = "lf-fgac-user"
    assert any("secure namespace" in p for p in rules.lake_formation_fgac_is_consistent(shared))

    old = copy.deepcopy(good)
    _of_type(old, "AWS::EMRContainers::JobTemplate")[0]["Properties"]["JobTemplateData"][
        "ReleaseLabel"
    ] = "emr-7.6.0-latest"
    (problem,) = rules.lake_formation_fgac_is_consistent(old)
    assert "emr-7.6.0-latest" in problem

    untagged = copy.deepcopy(good)
    for role in _of_type(untagged, "AWS::IAM::Role"):
        trust = json.dumps(role["Properties"]["AssumeRolePolicyDocument"])
        role["Properties"]["AssumeRolePolicyDocument"] = json.loads(
            trust.replace("EMR on EKS Engine", "Another Engine")
        )
    problems = rules.lake_formation_fgac_is_consistent(untagged)
    assert len(problems) == 2, problems
    assert all("sts:TagSession" in p for p in problems)


def test_settings_rule_catches_a_grant_before_the_settings_and_default_table_grants() -> None:
    good = _reference_template("EmrBurstLakeFormationProducer")
    assert rules.lake_formation_settings_come_first(good) == []

    early = copy.deepcopy(good)
    grant = _of_type(early, "AWS::LakeFormation::PrincipalPermissions")[0]
    grant["DependsOn"] = []
    (problem,) = rules.lake_formation_settings_come_first(early)
    assert "does not wait for the data lake settings" in problem

    defaults = copy.deepcopy(good)
    (database,) = _of_type(defaults, "AWS::Glue::Database")
    del database["Properties"]["DatabaseInput"]["CreateTableDefaultPermissions"]
    (problem,) = rules.lake_formation_settings_come_first(defaults)
    assert "IAMAllowedPrincipals" in problem


@pytest.mark.parametrize(
    "stack", ["EmrBurstLakeFormationProducer", "EmrBurstLakeFormationConsumer"]
)
def test_grants_chained_rule_catches_grants_created_in_parallel(stack: str) -> None:
    good = _reference_template(stack)
    assert rules.lake_formation_grants_are_chained(good) == []
    grants = [
        lid
        for lid, r in good["Resources"].items()
        if r["Type"] == "AWS::LakeFormation::PrincipalPermissions"
    ]
    assert len(grants) >= 3, "nothing to chain"

    # The last grant no longer waits for the grant before it: two grants wait for none.
    parallel = copy.deepcopy(good)
    last = parallel["Resources"][grants[-1]]
    last["DependsOn"] = [d for d in last["DependsOn"] if d not in grants]
    (problem,) = rules.lake_formation_grants_are_chained(parallel)
    assert "wait for no other grant" in problem

    # The last grant waits for the first instead: two grants follow the first in parallel.
    forked = copy.deepcopy(good)
    last = forked["Resources"][grants[-1]]
    last["DependsOn"] = [d for d in last["DependsOn"] if d not in grants] + [grants[0]]
    problems = rules.lake_formation_grants_are_chained(forked)
    assert any("may run in parallel" in p for p in problems), problems


def test_iceberg_rule_catches_type_and_catalog_impl_together() -> None:
    good = _reference_template("EmrBurstLakeFormationConsumer")
    assert rules.iceberg_catalogs_name_one_implementation(good) == []
    both = copy.deepcopy(good)
    job = _of_type(both, "AWS::EMRContainers::JobTemplate")[0]
    overrides = job["Properties"]["JobTemplateData"]["ConfigurationOverrides"]
    spark = next(
        c for c in overrides["ApplicationConfiguration"] if c["Classification"] == "spark-defaults"
    )
    assert "spark.sql.catalog.dev.catalog-impl" in spark["Properties"]
    spark["Properties"]["spark.sql.catalog.dev.type"] = "glue"
    (problem,) = rules.iceberg_catalogs_name_one_implementation(both)
    assert "spark.sql.catalog.dev" in problem


QUEUES_YAML = (
    "partitions:\n  - name: default\n    queues:\n      - name: root\n        queues:\n"
    "          - name: a\n          - name: org\n            queues:\n              - name: b\n"
)


def _yunikorn(process: str = "^emr$") -> dict[str, Any]:
    return _manifest(
        {
            "kind": "ConfigMap",
            "metadata": {"name": "yunikorn-configs", "namespace": "yunikorn"},
            "data": {
                "queues.yaml": QUEUES_YAML,
                "admissionController.filtering.processNamespaces": process,
            },
        }
    )


def _queued_template(queue: str) -> dict[str, Any]:
    submitter = {
        "Classification": "emr-job-submitter",
        "Properties": {"jobsubmitter.label.yunikorn.apache.org/queue": queue},
    }
    data = {"ConfigurationOverrides": {"ApplicationConfiguration": [submitter]}}
    return {"Type": "AWS::EMRContainers::JobTemplate", "Properties": {"JobTemplateData": data}}


VC = {
    "Type": "AWS::EMRContainers::VirtualCluster",
    "Properties": {"ContainerProvider": {"Info": {"EksInfo": {"Namespace": "emr"}}}},
}


def test_yunikorn_wiring_rule() -> None:
    good = _template(Config=_yunikorn(), Vc=VC, T=_queued_template("root.org.b"))
    assert rules.yunikorn_is_wired_to_the_jobs(good) == []
    (missing,) = rules.yunikorn_is_wired_to_the_jobs(
        _template(Config=_yunikorn(), Vc=VC, T=_queued_template("root.org"))
    )
    assert "'root.org', which is not a leaf" in missing
    (everything,) = rules.yunikorn_is_wired_to_the_jobs(_template(Config=_yunikorn(""), Vc=VC))
    assert "takes every pod of the cluster" in everything
    (unclaimed,) = rules.yunikorn_is_wired_to_the_jobs(
        _template(Config=_yunikorn("^spark$"), Vc=VC, T=_queued_template("a"))
    )
    assert "'emr' runs jobs that name YuniKorn queues" in unclaimed
    (alone,) = rules.yunikorn_is_wired_to_the_jobs(_template(T=_queued_template("a")))
    assert "deploys no YuniKorn configuration" in alone


def test_yunikorn_kubernetes_rule() -> None:
    def stack(chart: str, cluster: str) -> dict[str, Any]:
        return _template(
            Chart={
                "Type": "Custom::AWSCDK-EKS-HelmChart",
                "Properties": {"Chart": "yunikorn", "Version": chart},
            },
            Cluster={"Type": "AWS::EKS::Cluster", "Properties": {"Version": cluster}},
        )

    assert rules.yunikorn_supports_the_cluster(stack("1.9.0", "1.35")) == []
    (too_new,) = rules.yunikorn_supports_the_cluster(stack("1.9.0", "1.36"))
    assert "supports Kubernetes 1.24-1.35, the cluster runs 1.36" in too_new
    (old,) = rules.yunikorn_supports_the_cluster(stack("1.8.0", "1.35"))
    assert "1.24-1.34" in old
    (unknown,) = rules.yunikorn_supports_the_cluster(stack("2.0.0", "1.35"))
    assert "not a known release" in unknown


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
