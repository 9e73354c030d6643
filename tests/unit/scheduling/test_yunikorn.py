"""YuniKorn on a platform: versions, capacity, the chart, the ConfigMap and the queue extension.

Most tests use a platform imported into a stack of its own (no EKS cluster to synthesize); the
capacity and version rules build a real platform without synthesizing it.
"""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
import yaml
from aws_cdk.assertions import Template

from emr_burst.core import versions
from emr_burst.core.errors import EmrBurstError
from emr_burst.emr_eks import (
    AutoModeCompute,
    Classification,
    ContainerLimits,
    EmrEksPlatform,
    IEmrEksPlatform,
    JobTemplate,
    NamespaceQuota,
    NodeGroupCompute,
    PodChange,
    PodRole,
    SparkTeam,
)
from emr_burst.scheduling import GangScheduling, GangStyle, Queue, QueueResources, YuniKorn
from emr_burst.scheduling.yunikorn import chart_values
from tests.harness.reference import new_app
from tests.unit.emr_eks.eks_app import IMPORTED_SERVICE_TOKEN, imported_platform, layer, vpc

R = QueueResources
SIZES = {
    "spark.driver.cores": "1",
    "spark.driver.memory": "2g",
    "spark.executor.cores": "2",
    "spark.executor.memory": "4g",
}
QUEUE = "yunikorn.apache.org/queue"


def tree() -> list[Queue]:
    return [
        Queue("analytics", guaranteed=R(10, "38Gi"), max=R(24, "96Gi"), priority=100),
        Queue("org", max=R(12, "48Gi"), children=[Queue("small", max=R(4, "8Gi"))]),
        Queue("default", max=R(24, "96Gi")),
    ]


class Env:
    def __init__(self, **props: Any) -> None:
        self.app = new_app()
        self.stack = cdk.Stack(self.app, "Sched")
        self.platform: IEmrEksPlatform = imported_platform(self.stack)
        props.setdefault("capacity", R(32, "128Gi"))
        self.yunikorn = YuniKorn(
            self.stack, "YuniKorn", platform=self.platform, queues=tree(), **props
        )

    def team(self, namespace: str = "emr", **props: Any) -> SparkTeam:
        return SparkTeam(
            self.stack,
            namespace.capitalize(),
            platform=self.platform,
            namespace=namespace,
            role_name=f"{namespace}-job",
            **props,
        )

    def synth(self) -> dict[str, Any]:
        return dict(Template.from_stack(self.stack).to_json())


def real_platform(compute: Any = None, version: str | None = None) -> tuple[cdk.Stack, Any]:
    stack = cdk.Stack(new_app(), "Real")
    platform = EmrEksPlatform(
        stack,
        "Platform",
        vpc=vpc(stack),
        kubectl_layer=layer(stack),
        compute=compute or NodeGroupCompute(),
        kubernetes_version=version or versions.DEFAULT_KUBERNETES_VERSION,
    )
    return stack, platform


def config_map(template: dict[str, Any]) -> dict[str, Any]:
    for resource in template["Resources"].values():
        if resource["Type"] == "Custom::AWSCDK-EKS-KubernetesResource":
            manifest = resource["Properties"]["Manifest"]
            if isinstance(manifest, str) and "yunikorn-configs" in manifest:
                (obj,) = json.loads(manifest)
                return dict(obj)
    raise AssertionError("no yunikorn-configs ConfigMap")


# --- versions and capacity ---------------------------------------------------------------------


def test_a_kubernetes_version_the_release_does_not_support_is_refused() -> None:
    stack, platform = real_platform(version="1.36")
    with pytest.raises(EmrBurstError) as err:
        YuniKorn(stack, "YuniKorn", platform=platform, queues=[Queue("default")])
    assert "platform.kubernetes_version = '1.36'" in str(err.value)
    assert f"YuniKorn {versions.YUNIKORN_VERSION} supports Kubernetes 1.24 to 1.35" in str(
        err.value
    )


def test_every_other_platform_version_is_supported() -> None:
    supported = [v for v in versions.KUBERNETES_VERSIONS if versions.yunikorn_supports(v)]
    assert supported == ["1.34", "1.35"]
    assert versions.yunikorn_supports(versions.DEFAULT_KUBERNETES_VERSION)


def test_capacity_is_derived_from_a_fixed_node_group() -> None:
    stack, platform = real_platform()
    yunikorn = YuniKorn(stack, "Ok", platform=platform, queues=tree())
    assert yunikorn.capacity == R(32, "128Gi")
    with pytest.raises(EmrBurstError) as err:
        YuniKorn(
            stack,
            "TooMuch",
            platform=platform,
            queues=[
                Queue("a", guaranteed=R(30, "100Gi")),
                Queue("default", guaranteed=R(4, "8Gi")),
            ],
        )
    assert "node group's capacity (4 x m5.2xlarge) of 32 vCPU / 128 GiB in vcore" in str(err.value)


@pytest.mark.parametrize(
    ("compute", "fix"),
    [
        (AutoModeCompute(), "Auto Mode scales its nodes"),
        (NodeGroupCompute(min_size=2, desired_size=2, max_size=6), "node count is not fixed"),
        (NodeGroupCompute(instance_types=("x2iedn.2xlarge",)), "is not known here"),
    ],
)
def test_capacity_must_be_declared_where_it_cannot_be_derived(compute: Any, fix: str) -> None:
    stack, platform = real_platform(compute)
    with pytest.raises(EmrBurstError, match=fix):
        YuniKorn(stack, "YuniKorn", platform=platform, queues=tree())
    declared = YuniKorn(stack, "Declared", platform=platform, queues=tree(), capacity=R(40, "9Ti"))
    assert declared.capacity == R(40, "9Ti")


def test_bad_props_are_reported_together() -> None:
    env = Env()
    with pytest.raises(EmrBurstError) as err:
        YuniKorn(
            env.stack,
            "Bad",
            platform=env.platform,
            queues=[Queue("a", guaranteed=R(2, "1Gi"), max=R(1, "1Gi"))],
            namespace="kube-yunikorn",
            namespaces=["Bad_Name"],
            capacity=R(1, "64"),
        )
    text = str(err.value)
    for prop in ("namespace = 'kube-yunikorn'", "namespaces[0]", "capacity.memory", "root.a"):
        assert prop in text


# --- what is installed ---------------------------------------------------------------------------


def test_the_chart_is_pinned_and_installed_through_the_platforms_kubectl_provider() -> None:
    env = Env()
    template = env.synth()
    (chart,) = [r for r in template["Resources"].values() if r["Type"].endswith("HelmChart")]
    props = chart["Properties"]
    assert props["Chart"] == "yunikorn"
    assert props["Version"] == versions.YUNIKORN_VERSION
    assert props["Repository"] == "https://apache.github.io/yunikorn-release"
    assert props["Namespace"] == "yunikorn"
    assert props["ServiceToken"] == IMPORTED_SERVICE_TOKEN
    values = json.loads(props["Values"])
    assert values["image"] == {
        "repository": "apache/yunikorn",
        "tag": f"scheduler-{versions.YUNIKORN_VERSION}",
        "pullPolicy": "IfNotPresent",
    }
    assert values["yunikornDefaults"] == {}
    assert values["admissionController"]["hostNetwork"] is False
    lambdas = [r for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::Function"]
    assert lambdas == []


def test_chart_values_pin_images_keep_the_ui_inside_and_leave_the_queues_to_the_configmap() -> None:
    values = chart_values()
    tag = versions.YUNIKORN_VERSION
    assert values["image"]["tag"] == f"scheduler-{tag}"
    assert values["web"]["image"]["tag"] == f"web-{tag}"
    assert values["admissionController"]["image"]["tag"] == f"admission-{tag}"
    assert values["service"] == {"type": "ClusterIP", "port": 9080, "portWeb": 9889}
    assert values["ingress"] == {"enabled": False}
    assert values["admissionController"]["hostNetwork"] is False
    assert values["yunikornDefaults"] == {}
    for key in ("resources",):
        assert values[key]["requests"]
        assert values["web"][key]["requests"]
        assert values["admissionController"][key]["requests"]
    for key in ("podSecurityContext", "admissionPodSecurityContext"):
        assert values[key]["runAsNonRoot"] is True


def test_the_configmap_is_applied_in_yunikorns_namespace_before_the_chart() -> None:
    env = Env()
    env.yunikorn.add_namespace("spark-operator")
    template = env.synth()
    obj = config_map(template)
    assert obj["metadata"]["namespace"] == "yunikorn"
    data = obj["data"]
    assert data["admissionController.filtering.processNamespaces"] == "^spark\\-operator$"
    assert data["admissionController.filtering.generateUniqueAppId"] == "true"
    assert data["service.placeholderImage"] == versions.YUNIKORN_PLACEHOLDER_IMAGE
    parsed = yaml.safe_load(data["queues.yaml"])
    root = parsed["partitions"][0]["queues"][0]
    assert [q["name"] for q in root["queues"]] == ["analytics", "org", "default"]
    chart_id = next(k for k, r in template["Resources"].items() if r["Type"].endswith("HelmChart"))
    config_id = next(
        k
        for k, r in template["Resources"].items()
        if "yunikorn-configs" in json.dumps(r.get("Properties", {}).get("Manifest", ""))
    )
    assert config_id in template["Resources"][chart_id]["DependsOn"]


def test_without_a_bound_namespace_the_admission_controller_processes_none() -> None:
    obj = config_map(Env().synth())
    # An empty filter would hand every pod of the cluster to YuniKorn.
    assert obj["data"]["admissionController.filtering.processNamespaces"] == "^$"


# --- the queue extension -------------------------------------------------------------------------


def test_a_team_bound_to_a_queue_carries_it_on_every_pod_and_the_job_runner() -> None:
    env = Env()
    team = env.team()
    team.add_extension(env.yunikorn.queue("analytics"))
    extra = team.add_job_template("Extra")
    for template in (team.job_template, extra):
        for role in PodRole:
            pod = template.effective_pod(role)
            assert pod["metadata"]["labels"][QUEUE] == "root.analytics"
            assert pod["spec"]["schedulerName"] == "yunikorn"
        assert template.effective_properties("emr-job-submitter") == {
            f"jobsubmitter.label.{QUEUE}": "root.analytics"
        }
    assert env.yunikorn.processed_namespaces == ("emr",)
    env.synth()


def test_a_queue_that_does_not_exist_or_is_a_parent_is_refused() -> None:
    env = Env()
    with pytest.raises(EmrBurstError) as err:
        env.yunikorn.queue("analytic")
    assert "there is no queue root.analytic; the leaf queues are root.analytics" in str(err.value)
    with pytest.raises(EmrBurstError, match=r"root\.org is a parent queue"):
        env.yunikorn.queue("root.org")
    assert env.yunikorn.queue("org.small").queue == "root.org.small"


def test_a_template_mapped_to_two_queues_is_refused() -> None:
    env = Env()
    team = env.team()
    team.add_extension(env.yunikorn.queue("analytics"))
    with pytest.raises(EmrBurstError) as err:
        team.job_template.add_extension(env.yunikorn.queue("default"))
    text = str(err.value)
    assert "'root.default'" in text
    assert "YuniKornQueue 'root.analytics' already set it" in text


def test_a_team_on_another_platform_is_refused() -> None:
    env = Env()
    other = Env()
    team = other.team()
    with pytest.raises(EmrBurstError, match="another platform"):
        team.add_extension(env.yunikorn.queue("analytics"))


def test_a_dynamic_allocation_minimum_above_the_queue_max_is_refused() -> None:
    env = Env()
    team = env.team()
    team.add_spark_conf({**SIZES, "spark.executor.cores": "4"})
    with pytest.raises(EmrBurstError) as err:
        team.add_extension(env.yunikorn.queue("org.small"))
    text = str(err.value)
    assert "spark.dynamicAllocation.minExecutors = 5" in text
    assert "root.org.small may use at most 4 vCPU / 8 GiB" in text


def gang_template(env: Env, conf: dict[str, str] | None = None, **team_props: Any) -> JobTemplate:
    team = env.team(**team_props)
    return team.add_job_template("Gang", spark_conf=conf if conf is not None else SIZES)


def test_gang_task_groups_match_the_real_pods_and_their_placement() -> None:
    env = Env()
    template = gang_template(env, {**SIZES, "spark.dynamicAllocation.minExecutors": "4"})
    gang = GangScheduling(placeholder_timeout=cdk.Duration.minutes(2), style=GangStyle.HARD)
    template.add_extension(env.yunikorn.queue("analytics", gang=gang))
    driver = template.effective_pod(PodRole.DRIVER)
    executor = template.effective_pod(PodRole.EXECUTOR)
    annotations = driver["metadata"]["annotations"]
    assert annotations["yunikorn.apache.org/task-group-name"] == "spark-driver"
    assert executor["metadata"]["annotations"]["yunikorn.apache.org/task-group-name"] == (
        "spark-executor"
    )
    assert annotations["yunikorn.apache.org/schedulingPolicyParameters"] == (
        "placeholderTimeoutInSeconds=120 gangSchedulingStyle=Hard"
    )
    groups = json.loads(annotations["yunikorn.apache.org/task-groups"])
    assert groups == json.loads(
        executor["metadata"]["annotations"]["yunikorn.apache.org/task-groups"]
    )
    by_name = {g["name"]: g for g in groups}
    # driver: 1 core + 100m logging; 2g + 819m overhead (40%: the job may be PySpark) + 512Mi.
    assert by_name["spark-driver"]["minMember"] == 1
    assert by_name["spark-driver"]["minResource"] == {"cpu": "1100m", "memory": "3379Mi"}
    # executors: 2 cores + 100m; 4g + 1638m + 512Mi; four of them (the DA minimum).
    assert by_name["spark-executor"]["minMember"] == 4
    assert by_name["spark-executor"]["minResource"] == {"cpu": "2100m", "memory": "6246Mi"}
    # Placeholders land where the pods land: the Spark pools' selectors and tolerations.
    for role, pod in ((PodRole.DRIVER, driver), (PodRole.EXECUTOR, executor)):
        group = by_name[f"spark-{role.value}"]
        assert group["nodeSelector"] == pod["spec"]["nodeSelector"] != {}
        assert group["tolerations"] == pod["spec"]["tolerations"] != []
    # The overheads are pinned so the real pods request exactly what the placeholders hold.
    assert template.spark_conf["spark.executor.memoryOverhead"] == "1638m"
    assert template.spark_conf["spark.driver.memoryOverhead"] == "819m"
    env.synth()


def test_gang_scheduling_without_an_executor_count_is_refused() -> None:
    env = Env()
    template = gang_template(env, {**SIZES, "spark.dynamicAllocation.enabled": "false"})
    with pytest.raises(EmrBurstError, match="gang scheduling needs an executor count"):
        template.add_extension(env.yunikorn.queue("analytics", gang=GangScheduling()))
    template.add_extension(env.yunikorn.queue("analytics", gang=GangScheduling(min_executors=3)))


def test_a_gang_above_the_queue_max_is_refused() -> None:
    env = Env()
    template = gang_template(env)
    with pytest.raises(EmrBurstError) as err:
        template.add_extension(
            env.yunikorn.queue("analytics", gang=GangScheduling(min_executors=12))
        )
    assert "the gang can never be placed: root.analytics may use at most 24 vCPU" in str(err.value)


def test_gang_needs_explicit_sizes_a_template_and_no_requests_quota() -> None:
    env = Env()
    template = gang_template(env, {})
    with pytest.raises(EmrBurstError, match=r"spark\.executor\.memory"):
        template.add_extension(env.yunikorn.queue("analytics", gang=GangScheduling()))
    with pytest.raises(EmrBurstError, match="sized per job template"):
        env.team("other").add_extension(env.yunikorn.queue("analytics", gang=GangScheduling()))
    quota = gang_template(
        env,
        namespace="quota",
        quota=NamespaceQuota(requests_cpu="24"),
        limits=ContainerLimits(default_request_cpu="100m"),
    )
    with pytest.raises(EmrBurstError, match="counts each placeholder"):
        quota.add_extension(env.yunikorn.queue("analytics", gang=GangScheduling()))


def test_bad_gang_props_are_refused() -> None:
    env = Env()
    with pytest.raises(EmrBurstError) as err:
        env.yunikorn.queue(
            "analytics",
            gang=GangScheduling(
                min_executors=0, placeholder_timeout=cdk.Duration.days(2), style="firm"
            ),
        )
    text = str(err.value)
    assert "gang.min_executors" in text
    assert "gang.placeholder_timeout" in text
    assert "gang.style" in text


# --- checked at synth ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "add",
    [
        lambda t: t.driver_pod_template.add(PodChange(annotations={QUEUE: "root.marketing"})),
        lambda t: t.add_spark_conf({f"spark.kubernetes.executor.label.{QUEUE}": "marketing"}),
        lambda t: t.add_classification(
            Classification("emr-job-submitter", {f"jobsubmitter.annotation.{QUEUE}": "root.x"})
        ),
    ],
)
def test_a_queue_named_by_hand_that_does_not_exist_fails_synth(add: Any) -> None:
    env = Env()
    team = env.team()
    team.add_extension(env.yunikorn.queue("default"))
    add(team.add_job_template("ByHand"))
    # Raised inside CDK's synthesis (a jsii callback), the EmrBurstError reaches the caller as a
    # RuntimeError carrying its lines.
    with pytest.raises(RuntimeError) as err:
        env.synth()
    assert "JobTemplate 'Sched/Emr/ByHand'" in str(err.value)
    assert "the leaf queues are root.analytics, root.org.small, root.default" in str(err.value)


def test_a_hand_set_queue_label_that_contradicts_the_bound_queue_is_refused_at_once() -> None:
    env = Env()
    team = env.team()
    team.add_extension(env.yunikorn.queue("default"))
    with pytest.raises(EmrBurstError, match=r"YuniKornQueue 'root\.default' already set it"):
        team.job_template.executor_pod_template.add(PodChange(labels={QUEUE: "analytics"}))


def test_a_gang_whose_job_changed_after_binding_fails_synth() -> None:
    env = Env()
    template = gang_template(env)
    template.add_extension(env.yunikorn.queue("analytics", gang=GangScheduling()))
    template.add_spark_conf({"spark.executor.memory": "8g"}, overwrite=True)
    with pytest.raises(RuntimeError, match="placeholders no longer match the pods"):
        env.synth()


def test_a_refused_gang_binding_leaves_nothing_to_check_at_synth() -> None:
    env = Env()
    template = gang_template(env)
    template.add_extension(env.yunikorn.queue("default"))
    gang = env.yunikorn.queue("analytics", gang=GangScheduling(min_executors=2))
    with pytest.raises(EmrBurstError, match="already set it"):
        template.add_extension(gang)
    env.synth()


def test_explicit_overheads_and_python_memory_size_the_placeholders() -> None:
    env = Env()
    conf = {
        **SIZES,
        "spark.executor.memoryOverhead": "1g",
        "spark.executor.pyspark.memory": "1g",
        "spark.driver.memoryOverheadFactor": "0.1",
    }
    template = gang_template(env, conf)
    template.add_extension(env.yunikorn.queue("analytics", gang=GangScheduling(min_executors=2)))
    groups = json.loads(
        template.effective_pod(PodRole.DRIVER)["metadata"]["annotations"][
            "yunikorn.apache.org/task-groups"
        ]
    )
    by_name = {g["name"]: g["minResource"]["memory"] for g in groups}
    # executor: 4g + 1g overhead + 1g Python + 512Mi; driver: 2g + 384m (10%, floor) + 512Mi.
    assert by_name == {"spark-executor": "6656Mi", "spark-driver": "2944Mi"}


@pytest.mark.parametrize(
    ("conf", "fix"),
    [
        ({**SIZES, "spark.executor.cores": "0.5"}, "whole number of cores"),
        ({**SIZES, "spark.dynamicAllocation.minExecutors": "abc"}, "not a whole number"),
    ],
)
def test_gang_sizes_spark_cannot_take_are_refused(conf: dict[str, str], fix: str) -> None:
    env = Env()
    template = gang_template(env, conf)
    with pytest.raises(EmrBurstError, match=fix):
        template.add_extension(env.yunikorn.queue("analytics", gang=GangScheduling()))


def test_the_count_is_named_by_the_property_it_comes_from() -> None:
    env = Env()
    team = env.team()
    team.add_spark_conf(
        {**SIZES, "spark.dynamicAllocation.enabled": "false", "spark.executor.instances": "9"},
        overwrite=True,
    )
    with pytest.raises(EmrBurstError, match=r"spark\.executor\.instances = 9"):
        team.add_extension(env.yunikorn.queue("org.small"))


@pytest.mark.parametrize(
    "quota",
    [NamespaceQuota(limits_cpu="24"), NamespaceQuota(pods="50")],
)
def test_any_namespace_quota_refuses_a_gang(quota: NamespaceQuota) -> None:
    env = Env()
    template = gang_template(
        env, namespace="quota", quota=quota, limits=ContainerLimits(default_cpu="1")
    )
    with pytest.raises(EmrBurstError, match="counts each placeholder"):
        template.add_extension(env.yunikorn.queue("analytics", gang=GangScheduling()))


def test_a_placeholder_timeout_of_whole_seconds_only() -> None:
    env = Env()
    with pytest.raises(EmrBurstError, match=r"gang\.placeholder_timeout"):
        env.yunikorn.queue(
            "analytics", gang=GangScheduling(placeholder_timeout=cdk.Duration.millis(1500))
        )


def test_queue_acls_under_an_open_root_are_refused() -> None:
    env = Env()
    restricted = [Queue("a", submit_acl="etl"), Queue("default")]
    with pytest.raises(EmrBurstError) as err:
        YuniKorn(env.stack, "Open", platform=env.platform, queues=restricted, capacity=R(1, "1Gi"))
    assert "root.a set a submit ACL" in str(err.value)
    closed = YuniKorn(
        env.stack,
        "Closed",
        platform=env.platform,
        queues=restricted,
        capacity=R(1, "1Gi"),
        namespace="yunikorn-b",
        root_submit_acl=" ",
    )
    assert closed.root_submit_acl == " "
