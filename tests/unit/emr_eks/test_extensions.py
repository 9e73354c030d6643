"""The team API from outside the package: imports, extensions, pod templates, classifications,
job drivers, trust statements, several roles and templates per namespace, system namespaces.

Most tests run against a platform imported with ``from_platform_attributes`` in a stack of its
own, which is both what a capability stack does and fast (no EKS cluster to synthesize).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Match, Template

from emr_burst.constructs import (
    Classification,
    ContainerLimits,
    Contribution,
    EmrVirtualCluster,
    IEmrEksPlatform,
    IJobTarget,
    JobDriver,
    JobExecutionRole,
    JobTemplate,
    KubernetesNamespace,
    NamespaceQuota,
    PodChange,
    SparkTeam,
)
from emr_burst.core.errors import EmrBurstError
from tests.harness.reference import new_app
from tests.unit.emr_eks.eks_app import imported_platform


@dataclass
class Imported:
    app: cdk.App
    stack: cdk.Stack
    platform: IEmrEksPlatform


def imported(name: str = "Teams") -> Imported:
    """A team stack of its own, using a platform it did not build."""
    app = new_app()
    stack = cdk.Stack(app, name)
    platform = imported_platform(stack)
    return Imported(app, stack, platform)


def team(env: Imported, namespace: str = "analytics", **props: Any) -> SparkTeam:
    return SparkTeam(
        env.stack,
        namespace.capitalize(),
        platform=env.platform,
        namespace=namespace,
        role_name=f"emr-burst-{namespace}-job",
        **props,
    )


def resources(template: Template, type_: str) -> dict[str, Any]:
    return dict(template.find_resources(type_))


def job_templates(template: Template) -> dict[str, Any]:
    return resources(template, "AWS::EMRContainers::JobTemplate")


def configuration(job_template: Mapping[str, Any]) -> dict[str, Any]:
    data = job_template["Properties"]["JobTemplateData"]
    return {
        c["Classification"]: c for c in data["ConfigurationOverrides"]["ApplicationConfiguration"]
    }


def pod_file(env: Imported, job_template: Mapping[str, Any], role: str) -> dict[str, Any]:
    """The pod template a job template names, read from the synthesized cloud assembly."""
    url = configuration(job_template)["spark-defaults"]["Properties"][
        f"spark.kubernetes.{role}.podTemplateFile"
    ]
    text = json.dumps(url)
    asset_hash = re.search(r"/([0-9a-f]{64})\.yaml", text)
    assert asset_hash, text
    path = Path(env.app.outdir) / f"asset.{asset_hash[1]}.yaml"
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


class Everything:
    """An extension that contributes one of each kind."""

    name = "everything"

    def bind(self, target: IJobTarget) -> Contribution:
        assert target.namespace
        return Contribution(
            spark_conf={"spark.eventLog.enabled": "true"},
            classifications=[
                Classification("emr-job-submitter", {"jobsubmitter.node.selector.role": "x"}),
                Classification(
                    "spark-env",
                    configurations=[Classification("export", {"PYSPARK_PYTHON": "python3"})],
                ),
            ],
            driver=PodChange(
                annotations={"yunikorn.apache.org/queue": "root.analytics"},
                scheduler_name="yunikorn",
                containers=[{"name": "metastore", "image": "apache/hive:4.0.1"}],
                volumes=[{"name": "scratch", "emptyDir": {}}],
                volume_mounts=[{"name": "scratch", "mountPath": "/scratch"}],
            ),
            executor=PodChange(labels={"team": "analytics"}),
            policy_statements=[iam.PolicyStatement(actions=["glue:GetDatabase"], resources=["*"])],
            trust_statements=[
                iam.PolicyStatement(
                    actions=["sts:AssumeRole", "sts:TagSession"],
                    principals=[iam.ArnPrincipal("arn:aws:iam::123456789012:role/query-engine")],
                )
            ],
            manifests=[
                {
                    "apiVersion": "v1",
                    "kind": "ConfigMap",
                    "metadata": {"name": "settings"},
                    "data": {"a": "b"},
                }
            ],
        )


def test_an_extension_reaches_every_part_of_a_teams_jobs() -> None:
    env = imported()
    analytics = team(env)
    analytics.add_extension(Everything())
    template = Template.from_stack(env.stack)

    (job,) = job_templates(template).values()
    conf = configuration(job)
    assert conf["spark-defaults"]["Properties"]["spark.eventLog.enabled"] == "true"
    assert conf["emr-job-submitter"]["Properties"] == {"jobsubmitter.node.selector.role": "x"}
    assert conf["spark-env"]["Configurations"] == [
        {"Classification": "export", "Properties": {"PYSPARK_PYTHON": "python3"}}
    ]
    driver = pod_file(env, job, "driver")
    assert driver["metadata"]["annotations"] == {"yunikorn.apache.org/queue": "root.analytics"}
    assert driver["spec"]["schedulerName"] == "yunikorn"
    assert [c["name"] for c in driver["spec"]["containers"]] == [
        "spark-kubernetes-driver",
        "metastore",
    ]
    assert driver["spec"]["containers"][0]["volumeMounts"] == [
        {"name": "scratch", "mountPath": "/scratch"}
    ]
    # The platform's placement is always the first layer.
    assert driver["spec"]["nodeSelector"] == {"emr-burst.io/spark-role": "driver"}
    executor = pod_file(env, job, "executor")
    assert executor["metadata"]["labels"] == {"team": "analytics"}

    policy = next(iter(resources(template, "AWS::IAM::ManagedPolicy").values()))
    actions = [s["Action"] for s in policy["Properties"]["PolicyDocument"]["Statement"]]
    assert "glue:GetDatabase" in actions
    role = next(iter(resources(template, "AWS::IAM::Role").values()))
    trust = json.dumps(role["Properties"]["AssumeRolePolicyDocument"])
    assert "sts:AssumeRoleWithWebIdentity" in trust
    assert "query-engine" in trust
    assert "sts:TagSession" in trust
    manifests = resources(template, "Custom::AWSCDK-EKS-KubernetesResource")
    bodies = [json.dumps(m["Properties"]["Manifest"]) for m in manifests.values()]
    assert any("ConfigMap" in b and '\\"namespace\\":\\"analytics\\"' in b for b in bodies)


def test_an_extension_on_one_template_stays_on_that_template() -> None:
    env = imported()
    analytics = team(env)
    reports = analytics.add_job_template("Reports", job_driver=JobDriver.spark_sql())
    reports.add_extension(Everything())
    template = Template.from_stack(env.stack)
    by_path = {v["Metadata"]["aws:cdk:path"]: v for v in job_templates(template).values()}
    default = by_path["Teams/Analytics/JobTemplate/Resource"]
    sql = by_path["Teams/Analytics/Reports/Resource"]
    assert "emr-job-submitter" not in configuration(default)
    assert "emr-job-submitter" in configuration(sql)
    assert sql["Properties"]["JobTemplateData"]["JobDriver"] == {
        "SparkSqlJobDriver": {"EntryPoint": "${EntryPoint}"}
    }
    # The team's own settings still reach the template.
    assert "spark.dynamicAllocation.enabled" in configuration(sql)["spark-defaults"]["Properties"]


def test_two_capabilities_that_disagree_fail_naming_both() -> None:
    env = imported()
    analytics = team(env)

    class Queue:
        def __init__(self, name: str) -> None:
            self.name = name

        def bind(self, target: IJobTarget) -> Contribution:
            return Contribution(
                driver=PodChange(annotations={"yunikorn.apache.org/queue": self.name})
            )

    analytics.add_extension(Queue("root.a"))
    with pytest.raises(EmrBurstError) as err:
        analytics.add_extension(Queue("root.b"))
    assert "Queue 'root.a' already set it to 'root.a'" in str(err.value)
    with pytest.raises(EmrBurstError, match="already set it to 'true'; pass overwrite=True"):
        analytics.add_spark_conf({"spark.dynamicAllocation.enabled": "false"})
    analytics.add_spark_conf({"spark.dynamicAllocation.enabled": "false"}, overwrite=True)


def test_a_template_conflicting_with_its_team_fails_where_the_change_is_made() -> None:
    env = imported()
    analytics = team(env)
    analytics.job_template.add_classification(Classification("emr-job-submitter", {"k": "one"}))
    with pytest.raises(EmrBurstError, match=r"emr-job-submitter\['k'\]"):
        analytics.add_classification(Classification("emr-job-submitter", {"k": "two"}))
    # The failed change was undone: the team can still synthesize.
    assert all("k" not in c.properties for c, _ in analytics.settings.classifications)
    Template.from_stack(env.stack)


def test_several_roles_and_templates_share_one_namespace_and_virtual_cluster() -> None:
    env = imported()
    analytics = team(env)
    second = JobExecutionRole(
        env.stack,
        "Team2Role",
        platform=env.platform,
        namespace="analytics",
        role_name="emr-burst-analytics-team2",
    )
    JobTemplate(env.stack, "Team2", team=analytics, role=second)
    template = Template.from_stack(env.stack)
    template.resource_count_is("AWS::EMRContainers::VirtualCluster", 1)
    template.resource_count_is("AWS::EMRContainers::JobTemplate", 2)
    roles = {
        json.dumps(t["Properties"]["JobTemplateData"]["ExecutionRoleArn"])
        for t in job_templates(template).values()
    }
    assert len(roles) == 2
    # The second role may write the team's logs and read its own pod templates.
    role_id = env.stack.get_logical_id(second.role.node.default_child)  # type: ignore[arg-type]
    policy = next(
        p
        for p in resources(template, "AWS::IAM::ManagedPolicy").values()
        if p["Properties"]["Roles"] == [{"Ref": role_id}]
    )
    sids = [s.get("Sid") for s in policy["Properties"]["PolicyDocument"]["Statement"]]
    assert "ReadPodTemplatesTeam2" in sids
    assert "logs:PutLogEvents" in json.dumps(policy)


def test_a_second_role_can_run_the_teams_jobs_on_an_sse_kms_bucket() -> None:
    env = imported()
    bucket = s3.Bucket(env.stack, "KmsJobs", encryption=s3.BucketEncryption.KMS, enforce_ssl=True)
    analytics = team(env, bucket=bucket)
    second = JobExecutionRole(
        env.stack,
        "Team2Role",
        platform=env.platform,
        namespace="analytics",
        role_name="emr-burst-analytics-team2",
    )
    analytics.add_job_template("Team2", role=second)
    template = Template.from_stack(env.stack)
    role_id = env.stack.get_logical_id(second.role.node.default_child)  # type: ignore[arg-type]
    statements = [
        statement
        for p in resources(template, "AWS::IAM::ManagedPolicy").values()
        if p["Properties"]["Roles"] == [{"Ref": role_id}]
        for statement in p["Properties"]["PolicyDocument"]["Statement"]
    ]
    text = json.dumps(statements)
    # Entry points are the team's scripts; logs go through S3 with the bucket's key.
    assert "/analytics/scripts/*" in text
    key = next(s for s in statements if "kms:GenerateDataKey" in json.dumps(s["Action"]))
    assert "kms:ViaService" in key["Condition"]["StringEquals"]
    assert "Fn::GetAtt" in json.dumps(key["Resource"])
    # Data stays the role's own: nothing under data/.
    assert "analytics/data/" not in text


def test_fails_when_a_role_of_another_namespace_runs_a_template() -> None:
    env = imported()
    analytics = team(env)
    other = JobExecutionRole(
        env.stack, "Other", platform=env.platform, namespace="marketing", role_name="other-job"
    )
    with pytest.raises(EmrBurstError, match="the role trusts namespace 'marketing'"):
        JobTemplate(env.stack, "Wrong", team=analytics, role=other)


def test_fails_when_two_roles_have_one_name() -> None:
    env = imported()
    team(env)
    with pytest.raises(EmrBurstError, match="already creates a role of that name"):
        JobExecutionRole(
            env.stack,
            "Twin",
            platform=env.platform,
            namespace="analytics",
            role_name="emr-burst-analytics-job",
        )


def test_trust_statements_added_either_way_join_the_literal_trust_document() -> None:
    env = imported()
    analytics = team(env)
    role = analytics.execution_role
    role.add_trust_statement(
        iam.PolicyStatement(
            actions=["sts:AssumeRole"], principals=[iam.ArnPrincipal("arn:aws:iam::1:role/a")]
        )
    )
    assert role.role.assume_role_policy is not None
    role.role.assume_role_policy.add_statements(
        iam.PolicyStatement(
            actions=["sts:TagSession"], principals=[iam.ArnPrincipal("arn:aws:iam::1:role/b")]
        )
    )
    template = Template.from_stack(env.stack)
    (cfn_role,) = resources(template, "AWS::IAM::Role").values()
    document = json.dumps(cfn_role["Properties"]["AssumeRolePolicyDocument"])
    assert document.count('\\"Effect\\":\\"Allow\\"') == 3
    assert "role/a" in document
    assert "role/b" in document
    assert "emr-containers-sa-*-*-" in document
    with pytest.raises(EmrBurstError, match=r"pass an iam\.PolicyStatement"):
        role.add_trust_statement({"Effect": "Allow"})  # type: ignore[arg-type]


def test_system_namespace_without_a_virtual_cluster() -> None:
    env = imported()
    system = KubernetesNamespace(
        env.stack, "Scheduler", platform=env.platform, namespace="yunikorn"
    )
    system.add_manifest(
        "Config", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "queues"}}
    )
    with pytest.raises(EmrBurstError, match="already created by Teams/Scheduler"):
        KubernetesNamespace(env.stack, "Again", platform=env.platform, namespace="yunikorn")
    template = Template.from_stack(env.stack)
    template.resource_count_is("AWS::EMRContainers::VirtualCluster", 0)
    template.resource_count_is("Custom::AWSCDK-EKS-KubernetesResource", 2)


def test_a_virtual_cluster_on_an_existing_namespace_with_a_security_configuration() -> None:
    env = imported()
    user = KubernetesNamespace(env.stack, "User", platform=env.platform, namespace="lf-fgac-user")
    vc = EmrVirtualCluster(
        env.stack,
        "Fgac",
        platform=env.platform,
        namespace=user,
        security_configuration_id="abcdefghijklmnopqrstuvwxyz",
    )
    assert vc.namespace == "lf-fgac-user"
    template = Template.from_stack(env.stack)
    template.has_resource_properties(
        "AWS::EMRContainers::VirtualCluster",
        {
            "SecurityConfigurationId": "abcdefghijklmnopqrstuvwxyz",
            "ContainerProvider": Match.object_like(
                {"Info": {"EksInfo": {"Namespace": "lf-fgac-user"}}}
            ),
        },
    )
    with pytest.raises(EmrBurstError, match="EMR allows one per namespace"):
        EmrVirtualCluster(env.stack, "Second", platform=env.platform, namespace=user)


def test_an_imported_virtual_cluster_has_its_arn() -> None:
    env = imported()
    vc = EmrVirtualCluster.from_virtual_cluster_attributes(
        env.stack, "Vc", virtual_cluster_id="abc123", namespace="analytics"
    )
    assert env.stack.resolve(vc.virtual_cluster_arn) == {
        "Fn::Join": [
            "",
            [
                "arn:",
                {"Ref": "AWS::Partition"},
                ":emr-containers:",
                {"Ref": "AWS::Region"},
                ":",
                {"Ref": "AWS::AccountId"},
                ":/virtualclusters/abc123",
            ],
        ]
    }


def test_job_template_names_fit_and_change_with_the_content() -> None:
    env = imported("A-Very-Long-Stack-Name-That-Goes-On-And-On-For-Quite-A-While")
    analytics = team(env)
    first = env.stack.resolve(Template.from_stack(env.stack).to_json())
    (name_before,) = [
        t["Properties"]["Name"] for t in job_templates(Template.from_json(first)).values()
    ]
    assert len(name_before) <= 64
    assert re.fullmatch(r"[.\-_/#A-Za-z0-9]+-[0-9a-f]{8}", name_before)

    env2 = imported("A-Very-Long-Stack-Name-That-Goes-On-And-On-For-Quite-A-While")
    changed = team(env2)
    changed.add_spark_conf({"spark.sql.shuffle.partitions": "400"})
    (name_after,) = [
        t["Properties"]["Name"] for t in job_templates(Template.from_stack(env2.stack)).values()
    ]
    assert name_after != name_before
    assert name_after[:-9] == name_before[:-9]
    del analytics


def test_pod_templates_are_written_only_into_the_cloud_assembly() -> None:
    before = {p for p in os.listdir(tempfile.gettempdir()) if "pod-template" in p}
    env = imported()
    team(env).add_extension(Everything())
    Template.from_stack(env.stack)
    after = {p for p in os.listdir(tempfile.gettempdir()) if "pod-template" in p}
    assert after == before
    leftovers = [p for p in os.listdir(env.app.outdir) if p.startswith(".pod-template-")]
    assert leftovers == []
    staged = [p for p in os.listdir(env.app.outdir) if p.endswith(".yaml")]
    assert len(staged) == 2


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda: Classification("spark-default", {"a": "b"}), "did you mean 'spark-defaults'?"),
        (
            lambda: Classification("emr-job-submitter", {f"k{i}": "v" for i in range(101)}),
            "EMR accepts at most 100 per classification",
        ),
        (lambda: Classification("spark-env", {"k": "x" * 1025}), "values have 1-1024 characters"),
        (lambda: Classification("spark-env", {"k": 4}), "values are strings"),  # type: ignore[dict-item]
        (lambda: Classification("spark-defaults", {"k": "v"}), "use add_spark_conf"),
    ],
)
def test_fails_when_a_classification_breaks_emr_limits(make: Any, fragment: str) -> None:
    env = imported()
    analytics = team(env)
    with pytest.raises(EmrBurstError, match=re.escape(fragment)):
        analytics.add_classification(make())


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (PodChange(labels={"bad key!": "x"}), "labels key"),
        (PodChange(scheduler_name="Yuni Korn"), "scheduler_name"),
        (PodChange(containers=[{"image": "x"}]), "give it a 'name'"),
        (PodChange(containers=[{"name": "spark-kubernetes-driver"}]), "Spark's own container"),
        (PodChange(volume_mounts=[{"name": "nope", "mountPath": "/x"}]), "no change defines"),
        (PodChange(tolerations="NoSchedule"), "pass a list"),  # type: ignore[arg-type]
    ],
)
def test_fails_when_a_pod_change_is_bad(change: PodChange, fragment: str) -> None:
    env = imported()
    with pytest.raises(EmrBurstError, match=re.escape(fragment)):
        team(env).driver_pod_template.add(change)


@pytest.mark.parametrize(
    ("driver", "fragment"),
    [
        (JobDriver.spark_submit(entry_point=""), "job_driver.entry_point"),
        (JobDriver.spark_submit(arguments=["${1bad}"]), "template parameters are letters"),
        (JobDriver.spark_sql(spark_sql_parameters=""), "job_driver.parameters"),
        ("spark-submit", "pass JobDriver.spark_submit"),
    ],
)
def test_fails_when_a_job_driver_is_bad(driver: Any, fragment: str) -> None:
    env = imported()
    analytics = team(env)
    with pytest.raises(EmrBurstError, match=re.escape(fragment)):
        analytics.add_job_template("Bad", job_driver=driver)


@pytest.mark.parametrize(
    ("props", "prop"),
    [
        ({"platform": "my-cluster"}, "platform"),
        ({"namespace": 7}, "namespace"),
        ({"identity": "kerberos"}, "identity"),
        ({"argument_parameters": "Input"}, "argument_parameters"),
        ({"quota": {"requests_cpu": "1"}}, "quota"),
        ({"labels": ["a"]}, "labels"),
        ({"log_retention": 30}, "log_retention"),
        ({"bucket": "my-bucket"}, "bucket"),
    ],
)
def test_fails_with_the_prop_named_when_a_team_prop_has_the_wrong_type(
    props: dict[str, Any], prop: str
) -> None:
    env = imported()
    args: dict[str, Any] = {
        "platform": env.platform,
        "namespace": "analytics",
        "role_name": "emr-burst-analytics-job",
    } | props
    with pytest.raises(EmrBurstError) as err:
        SparkTeam(env.stack, "Bad", **args)
    assert prop in {p.prop.split(".")[0].split("[")[0] for p in err.value.problems}
    assert env.stack.node.try_find_child("Bad") is None


def test_identity_accepts_the_enum_or_its_string() -> None:
    env = imported()
    first = team(env, "one", identity="pod-identity")
    assert first.execution_role.identity == "pod-identity"
    Template.from_stack(env.stack).resource_count_is("AWS::EKS::PodIdentityAssociation", 3)


def test_fails_when_a_requests_quota_has_no_default_requests() -> None:
    env = imported()
    with pytest.raises(EmrBurstError) as err:
        team(env, quota=NamespaceQuota(requests_cpu="24", requests_memory="96Gi"))
    props = {p.prop for p in err.value.problems}
    assert props == {"quota.requests_cpu", "quota.requests_memory"}
    assert "EMR's logging sidecar sets none" in str(err.value)


def test_the_logging_sidecar_gets_a_cpu_request_for_the_namespace_quota() -> None:
    env = imported()
    team(
        env,
        quota=NamespaceQuota(requests_cpu="24"),
        limits=ContainerLimits(default_request_cpu="100m"),
        logging_cpu_request="250m",
    )
    (job,) = job_templates(Template.from_stack(env.stack)).values()
    assert configuration(job)["emr-containers-defaults"]["Properties"] == {
        "logging.request.cores": "250m"
    }


def test_submitters_may_start_template_runs_of_every_team_template() -> None:
    env = imported()
    analytics = team(env)
    submitter = iam.Role(env.stack, "Submitter", assumed_by=iam.AccountRootPrincipal())
    analytics.grant_start_job_run(submitter)
    later = analytics.add_job_template("Later")  # added after the grant: granted too
    template = Template.from_stack(env.stack)
    statements = [
        s
        for p in resources(template, "AWS::IAM::Policy").values()
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if s["Action"] == "emr-containers:StartJobRun"
    ]
    conditions = [json.dumps(s["Condition"]) for s in statements]
    assert any("emr-containers:ExecutionRoleArn" in c for c in conditions)
    template_arns = [c for c in conditions if "emr-containers:JobTemplateArn" in c]
    assert len(template_arns) == 2
    later_id = env.stack.get_logical_id(later.resource)  # type: ignore[arg-type]
    assert any(later_id in c for c in template_arns)


def _ingress_allowed(policies: list[dict[str, Any]], source_ns: str, target_ns: str) -> bool:
    """Kubernetes semantics for policies whose selectors are all ``{}``: a pod selected by an
    ingress policy admits only what some rule's ``from`` admits; ``podSelector`` alone means the
    policy's own namespace, ``namespaceSelector`` matches on the namespace name label."""
    selecting = [
        p
        for p in policies
        if p["metadata"]["namespace"] == target_ns and "Ingress" in p["spec"]["policyTypes"]
    ]
    if not selecting:
        return True
    for policy in selecting:
        for rule in policy["spec"].get("ingress", []):
            for peer in rule.get("from", [{}]):
                if "namespaceSelector" in peer:
                    labels = peer["namespaceSelector"].get("matchLabels", {})
                    if labels in ({}, {"kubernetes.io/metadata.name": source_ns}):
                        return True
                elif source_ns == target_ns:
                    return True
    return False


def test_team_namespaces_admit_only_their_own_pods() -> None:
    env = imported()
    team(env, "analytics")
    team(env, "marketing")
    template = Template.from_stack(env.stack)
    policies = [
        obj
        for m in resources(template, "Custom::AWSCDK-EKS-KubernetesResource").values()
        for obj in json.loads(m["Properties"]["Manifest"])
        if obj["kind"] == "NetworkPolicy"
    ]
    assert len(policies) == 2
    assert _ingress_allowed(policies, "analytics", "analytics")
    assert not _ingress_allowed(policies, "marketing", "analytics")
    assert not _ingress_allowed(policies, "analytics", "marketing")
    # A system namespace is not isolated unless asked: Spark may reach a metastore there.
    KubernetesNamespace(env.stack, "Hms", platform=env.platform, namespace="hive-metastore")
    assert _ingress_allowed(policies, "analytics", "hive-metastore")
