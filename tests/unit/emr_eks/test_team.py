"""Spark teams: namespace + virtual cluster, job execution role trust, job template, grants."""

from __future__ import annotations

import json
import re
from typing import Any

import kubernetes_validate
import pytest
from aws_cdk import Aws
from aws_cdk.assertions import Match

from emr_burst.core import versions
from emr_burst.emr_eks.compute import auto_mode_placement, node_group_placement
from emr_burst.emr_eks.namespace import ContainerLimits, NamespaceQuota, namespace_manifest
from emr_burst.emr_eks.platform import EmrEksPlatform
from emr_burst.emr_eks.pod_template import driver_pod_template, executor_pod_template
from emr_burst.emr_eks.team import DynamicAllocation, SparkTeam
from emr_burst.emr_eks.virtual_cluster import EmrVirtualCluster
from tests.harness.checks import manifests_in
from tests.unit.emr_eks.eks_app import (
    ANALYTICS_ROLE,
    MARKETING_ROLE,
    AutoModeApp,
    layer,
    new_stack,
    vpc,
)

#: base36 of the role names, computed with `bc` (obase=36 over the hex bytes), not with our code.
ANALYTICS_BASE36 = "3acf5tnorhzxngbx04ooyki647gg85dlc28y"


def _resources(template: dict[str, Any], type_: str) -> dict[str, Any]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == type_}


def _logical_id(app: AutoModeApp, construct: Any) -> str:
    return str(app.stack.get_logical_id(construct.node.default_child))


def _render(value: Any) -> str:
    """A CloudFormation string with ``Fn::Join`` flattened and other intrinsics named."""
    if isinstance(value, str):
        return value
    if "Fn::Join" in value:
        sep, parts = value["Fn::Join"]
        return sep.join(_render(p) for p in parts)
    if "Ref" in value:
        return "{" + value["Ref"] + "}"
    if "Fn::Select" in value:
        return "{issuer}"
    return json.dumps(value)


def _role(app: AutoModeApp, role_name: str) -> dict[str, Any]:
    return next(
        r
        for r in _resources(app.json, "AWS::IAM::Role").values()
        if r["Properties"].get("RoleName") == role_name
    )


# --- trust -------------------------------------------------------------------------------------


def test_irsa_trust_is_exactly_emrs_service_account_pattern(auto_app: AutoModeApp) -> None:
    role = _role(auto_app, ANALYTICS_ROLE)
    document = json.loads(_render(role["Properties"]["AssumeRolePolicyDocument"]))
    provider = _logical_id(auto_app, auto_app.platform.cluster.open_id_connect_provider)
    assert document == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": "{" + provider + "}"},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringLike": {
                        "{issuer}:sub": "system:serviceaccount:analytics:emr-containers-sa-*-*-"
                        "{AWS::AccountId}-" + ANALYTICS_BASE36
                    },
                    "StringEquals": {"{issuer}:aud": "sts.amazonaws.com"},
                },
            }
        ],
    }


def test_the_condition_key_is_the_issuer_of_the_clusters_oidc_provider(
    auto_app: AutoModeApp,
) -> None:
    role = _role(auto_app, ANALYTICS_ROLE)
    parts = role["Properties"]["AssumeRolePolicyDocument"]["Fn::Join"][1]
    selects = [p for p in parts if isinstance(p, dict) and "Fn::Select" in p]
    provider = _logical_id(auto_app, auto_app.platform.cluster.open_id_connect_provider)
    assert len(selects) == 2
    for select in selects:
        assert select == {"Fn::Select": [1, {"Fn::Split": [":oidc-provider/", {"Ref": provider}]}]}


def test_pod_identity_team_gets_one_association_per_emr_service_account(
    auto_app: AutoModeApp,
) -> None:
    associations = _resources(auto_app.json, "AWS::EKS::PodIdentityAssociation")
    names = sorted(_render(a["Properties"]["ServiceAccount"]) for a in associations.values())
    assert names == [
        f"emr-containers-sa-spark-{c}-{{AWS::AccountId}}-{_bc_base36(MARKETING_ROLE)}"
        for c in ("client", "driver", "executor")
    ]
    assert {a["Properties"]["Namespace"] for a in associations.values()} == {"marketing"}
    trust = _role(auto_app, MARKETING_ROLE)["Properties"]["AssumeRolePolicyDocument"]
    assert trust["Statement"][0]["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    assert sorted(trust["Statement"][0]["Action"]) == ["sts:AssumeRole", "sts:TagSession"]


def _bc_base36(name: str) -> str:
    # int.from_bytes + repeated divmod over a reversed digit list: a second, independent path.
    number = int.from_bytes(name.encode("ascii"), "big")
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while number:
        out = digits[number % 36] + out
        number //= 36
    return out


def test_bc_helper_agrees_with_the_recorded_value() -> None:
    assert _bc_base36(ANALYTICS_ROLE) == ANALYTICS_BASE36


# --- namespace and virtual cluster -------------------------------------------------------------


def test_namespace_with_labels_and_quota(auto_app: AutoModeApp) -> None:
    objects = {
        (obj["kind"], obj["metadata"].get("namespace", obj["metadata"]["name"])): obj
        for _, obj in manifests_in(auto_app.json)
    }
    namespace = objects[("Namespace", "analytics")]
    assert namespace["metadata"]["labels"]["emr-burst.io/team"] == "analytics"
    quota = objects[("ResourceQuota", "analytics")]
    assert quota["spec"]["hard"] == {"requests.cpu": "24", "requests.memory": "96Gi"}
    assert ("ResourceQuota", "marketing") not in objects


def test_limit_range_renders_defaults() -> None:
    objects = namespace_manifest(
        "team",
        {},
        NamespaceQuota(limits_cpu="32"),
        ContainerLimits(default_cpu="2", default_request_cpu="1"),
    )
    limit_range = objects[2]
    assert limit_range["kind"] == "LimitRange"
    assert limit_range["spec"]["limits"] == [
        {"type": "Container", "default": {"cpu": "2"}, "defaultRequest": {"cpu": "1"}}
    ]
    for obj in objects:
        kubernetes_validate.validate(obj, versions.DEFAULT_KUBERNETES_VERSION, strict=True)


def test_virtual_cluster_waits_for_its_namespace_and_nothing_else(auto_app: AutoModeApp) -> None:
    vc_id = _logical_id(auto_app, auto_app.analytics.virtual_cluster)
    vc = auto_app.json["Resources"][vc_id]
    namespace_id = _logical_id(auto_app, auto_app.analytics.virtual_cluster.namespace_manifest)
    cluster_id = _logical_id(auto_app, auto_app.platform.eks_cluster)
    # The cluster is a dependency through the Ref below; node pools and the kubectl provider
    # are not needed to create a virtual cluster, and waiting for them slows every deploy.
    assert vc["DependsOn"] == [namespace_id]
    assert vc["Properties"]["ContainerProvider"] == {
        "Id": {"Ref": cluster_id},
        "Type": "EKS",
        "Info": {"EksInfo": {"Namespace": "analytics"}},
    }


# --- permissions -------------------------------------------------------------------------------


def _policy_statements(app: AutoModeApp, role_name: str) -> list[dict[str, Any]]:
    role_id = next(
        k
        for k, r in _resources(app.json, "AWS::IAM::Role").items()
        if r["Properties"].get("RoleName") == role_name
    )
    policies = [
        p
        for p in _resources(app.json, "AWS::IAM::ManagedPolicy").values()
        if {"Ref": role_id} in p["Properties"].get("Roles", [])
    ]
    assert len(policies) == 1, "all job permissions live in one customer-managed policy"
    assert not [
        p
        for p in _resources(app.json, "AWS::IAM::Policy").values()
        if {"Ref": role_id} in p["Properties"]["Roles"]
    ], "no inline policy on the job role"
    return list(policies[0]["Properties"]["PolicyDocument"]["Statement"])


def test_job_role_reaches_only_its_own_prefixes(auto_app: AutoModeApp) -> None:
    statements = {s["Sid"]: s for s in _policy_statements(auto_app, ANALYTICS_ROLE) if "Sid" in s}
    resources = {
        sid: [
            _render(r)
            for r in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]])
        ]
        for sid, s in statements.items()
    }
    bucket = _logical_id(auto_app, auto_app.platform.job_bucket)
    assert statements["ListTeamPrefix"]["Condition"] == {
        "StringLike": {"s3:prefix": ["analytics/*", "analytics/"]}
    }
    assert all(
        re.search(r"/analytics/(scripts|data)/\*$", r) for r in resources["ReadScriptsAndData"]
    )
    assert all(re.search(r"/analytics/(data|logs)/\*$", r) for r in resources["WriteDataAndLogs"])
    assert statements["ReadScriptsAndData"]["Action"] == "s3:GetObject"
    assert bucket in json.dumps(statements["WriteDataAndLogs"])
    assert statements["UseBucketKey"]["Condition"] == {
        "StringEquals": {
            "kms:ViaService": {"Fn::Join": ["", ["s3.", {"Ref": "AWS::Region"}, ".amazonaws.com"]]}
        }
    }
    # The pod templates: exactly two objects of the CDK assets bucket, not the whole bucket.
    reads = resources["ReadPodTemplatesJobTemplate"]
    assert len(reads) == 2
    assert all(r.endswith(".yaml") for r in reads)


def test_grants_by_other_constructs_land_in_the_managed_policy(auto_app: AutoModeApp) -> None:
    statements = _policy_statements(auto_app, ANALYTICS_ROLE)
    event_logs = _logical_id(auto_app, auto_app.stack.node.find_child("EventLogs"))
    assert any(
        event_logs in json.dumps(s["Resource"]) and "s3:GetObject*" in s["Action"]
        for s in statements
    )


def test_job_role_glue_access_is_limited_to_the_configured_databases(auto_app: AutoModeApp) -> None:
    glue = next(
        s for s in _policy_statements(auto_app, ANALYTICS_ROLE) if s.get("Sid") == "GlueCatalog"
    )
    resources = sorted(_render(r) for r in glue["Resource"])
    assert [r.split(":")[-1] for r in resources] == [
        "catalog",
        "database/default",
        "database/sales",
        "table/sales/*",
    ]
    assert "glue:CreateTable" not in glue["Action"]
    marketing = [s.get("Sid") for s in _policy_statements(auto_app, MARKETING_ROLE)]
    assert "GlueCatalog" not in marketing


def test_log_group_is_kms_encrypted_and_retained(auto_app: AutoModeApp) -> None:
    group_id = _logical_id(auto_app, auto_app.analytics.log_group)
    group = auto_app.json["Resources"][group_id]
    assert group["DeletionPolicy"] == "Retain"
    assert group["Properties"]["KmsKeyId"] == {
        "Fn::GetAtt": [_logical_id(auto_app, auto_app.platform.data_key), "Arn"]
    }
    assert group["Properties"]["RetentionInDays"] == 365


def test_grant_start_job_run_is_scoped_to_the_vc_and_the_teams_role(auto_app: AutoModeApp) -> None:
    vc_id = _logical_id(auto_app, auto_app.analytics.virtual_cluster)
    role_id = _logical_id(auto_app, auto_app.analytics.execution_role.role)
    auto_app.template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "Roles": [{"Ref": _logical_id(auto_app, auto_app.submitter)}],
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        {
                            "Action": "emr-containers:StartJobRun",
                            "Effect": "Allow",
                            "Resource": {"Fn::GetAtt": [vc_id, "Arn"]},
                            "Condition": {
                                "StringEquals": {
                                    "emr-containers:ExecutionRoleArn": {
                                        "Fn::GetAtt": [role_id, "Arn"]
                                    }
                                }
                            },
                        }
                    ]
                )
            },
        },
    )


# --- job template ------------------------------------------------------------------------------


def _job_template(app: AutoModeApp, team: SparkTeam) -> dict[str, Any]:
    logical_id = app.stack.get_logical_id(team.job_template.resource)  # type: ignore[arg-type]
    data: dict[str, Any] = app.json["Resources"][logical_id]["Properties"]
    return data


def test_job_template_pins_release_and_dynamic_allocation(auto_app: AutoModeApp) -> None:
    data = _job_template(auto_app, auto_app.analytics)["JobTemplateData"]
    assert data["ReleaseLabel"] == "emr-7.9.0-latest"
    conf = data["ConfigurationOverrides"]["ApplicationConfiguration"][0]
    assert conf["Classification"] == "spark-defaults"
    props = conf["Properties"]
    assert {k: v for k, v in props.items() if k.startswith("spark.dynamicAllocation")} == {
        "spark.dynamicAllocation.enabled": "true",
        "spark.dynamicAllocation.shuffleTracking.enabled": "true",
        "spark.dynamicAllocation.minExecutors": "5",
        "spark.dynamicAllocation.maxExecutors": "17",
        "spark.dynamicAllocation.initialExecutors": "5",
        "spark.dynamicAllocation.executorIdleTimeout": "60s",
        "spark.dynamicAllocation.schedulerBacklogTimeout": "5s",
        "spark.dynamicAllocation.sustainedSchedulerBacklogTimeout": "5s",
    }
    assert props["spark.kubernetes.driver.podTemplateFile"]["Fn::Sub"].startswith("s3://")
    assert props["spark.kubernetes.executor.podTemplateFile"]["Fn::Sub"].endswith(".yaml")


def test_job_template_monitoring_and_parameters(auto_app: AutoModeApp) -> None:
    data = _job_template(auto_app, auto_app.analytics)["JobTemplateData"]
    monitoring = data["ConfigurationOverrides"]["MonitoringConfiguration"]
    assert monitoring["PersistentAppUI"] == "ENABLED"
    assert monitoring["CloudWatchMonitoringConfiguration"] == {
        "LogGroupName": {"Ref": _logical_id(auto_app, auto_app.analytics.log_group)},
        "LogStreamNamePrefix": "analytics",
    }
    assert _render(monitoring["S3MonitoringConfiguration"]["LogUri"]).endswith("/analytics/logs/")
    assert data["JobDriver"]["SparkSubmitJobDriver"] == {
        "EntryPoint": "${EntryPoint}",
        "EntryPointArguments": ["${InputPath}", "${OutputPath}"],
    }
    assert set(data["ParameterConfiguration"]) == {"EntryPoint", "InputPath", "OutputPath"}


def test_add_spark_conf_reaches_the_template_and_refuses_silent_overrides(
    auto_app: AutoModeApp,
) -> None:
    props = _job_template(auto_app, auto_app.analytics)["JobTemplateData"][
        "ConfigurationOverrides"
    ]["ApplicationConfiguration"][0]["Properties"]
    assert props["spark.kubernetes.driver.annotation.yunikorn.apache.org/queue"] == "root.analytics"
    with pytest.raises(ValueError, match="already set it to 'true'; pass overwrite=True"):
        auto_app.analytics.add_spark_conf({"spark.dynamicAllocation.enabled": "false"})


def test_pod_templates_place_drivers_on_demand_and_executors_on_spot() -> None:
    placement = auto_mode_placement()
    driver = driver_pod_template(placement)
    executor = executor_pod_template(placement)
    assert driver["spec"]["nodeSelector"] == {"emr-burst.io/spark-role": "driver"}
    assert executor["spec"]["nodeSelector"] == {"emr-burst.io/spark-role": "executor"}
    assert driver["spec"]["tolerations"][0]["value"] == "driver"
    assert executor["spec"]["containers"] == [{"name": "spark-kubernetes-executor"}]
    for pod in (driver, executor, driver_pod_template(node_group_placement("on-demand"))):
        kubernetes_validate.validate(pod, versions.DEFAULT_KUBERNETES_VERSION, strict=True)


# --- bad input ---------------------------------------------------------------------------------


def test_fails_when_two_teams_use_one_namespace(auto_app: AutoModeApp) -> None:
    with pytest.raises(
        ValueError,
        match="already has the virtual cluster of Auto/Analytics/VirtualCluster",
    ):
        SparkTeam(
            auto_app.stack,
            "Again",
            platform=auto_app.platform,
            namespace="analytics",
            role_name="other",
        )
    with pytest.raises(ValueError, match="already"):
        EmrVirtualCluster(
            auto_app.stack, "AgainVc", platform=auto_app.platform, namespace="marketing"
        )


@pytest.mark.parametrize(
    ("props", "fragment"),
    [
        ({"namespace": "default"}, "namespace = 'default': 'default' and 'kube-*' belong"),
        ({"namespace": "kube-system"}, "belong to Kubernetes itself"),
        ({"namespace": "Team_A"}, "namespace = 'Team_A': use at most 63 lowercase"),
        ({"role_name": "r" * 65}, "IAM allows at most 64 characters, this has 65"),
        ({"role_name": "bad name"}, "role_name = 'bad name': use letters, digits"),
        ({"release_label": "emr-6.15.0-latest"}, "pin an EMR on EKS 7.x release label"),
        (
            {"identity": "pod-identity", "release_label": "emr-7.2.0-latest"},
            "needs emr-7.3.0 or later",
        ),
        (
            {"dynamic_allocation": DynamicAllocation(min_executors=10, max_executors=2)},
            "need min_executors <= initial_executors <= max_executors",
        ),
        ({"argument_parameters": ("EntryPoint",)}, "the entry point has that name already"),
        ({"quota": NamespaceQuota(limits_cpu="10")}, "set limits=ContainerLimits(default_cpu=...)"),
        ({"quota": NamespaceQuota(requests_cpu="ten")}, "use a Kubernetes quantity"),
    ],
)
def test_fails_when_team_input_is_bad(
    auto_app: AutoModeApp, props: dict[str, Any], fragment: str
) -> None:
    args: dict[str, Any] = {"namespace": "fresh", "role_name": "fresh-job"} | props
    with pytest.raises(ValueError, match=re.escape(fragment)):
        SparkTeam(auto_app.stack, "Bad", platform=auto_app.platform, **args)
    assert auto_app.stack.node.try_find_child("Bad") is None


def test_fails_when_the_role_name_is_a_token() -> None:
    stack = new_stack("TokenRole")
    platform = EmrEksPlatform(stack, "Platform", vpc=vpc(stack), kubectl_layer=layer(stack))
    with pytest.raises(ValueError, match=r"role_name = .*: this role name is a CDK token"):
        SparkTeam(
            stack, "Team2", platform=platform, namespace="team2", role_name=f"{Aws.REGION}-job"
        )
