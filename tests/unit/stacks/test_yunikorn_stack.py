"""The HomeMax reference: the post's queue block as deployed, and every template carrying its queue
on the driver, the executors and the job runner, with no flag at submission."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from emr_burst.core import versions
from tests.deploy_rules.rules import yunikorn_is_wired_to_the_jobs
from tests.harness.reference import BuiltApp

STACK = "EmrBurstYuniKorn"
QUEUE = "yunikorn.apache.org/queue"


def _resources(reference: BuiltApp, kind: str) -> dict[str, Any]:
    template = reference.template(STACK)
    return {k: r for k, r in template["Resources"].items() if r["Type"] == kind}


def _config_map(reference: BuiltApp) -> dict[str, Any]:
    for resource in _resources(reference, "Custom::AWSCDK-EKS-KubernetesResource").values():
        for obj in json.loads(resource["Properties"]["Manifest"]):
            if obj["kind"] == "ConfigMap" and obj["metadata"]["name"] == "yunikorn-configs":
                return dict(obj)
    raise AssertionError("no yunikorn-configs")


def _queue(name: str, guaranteed: tuple[int, int], priority: int, policy: str) -> dict[str, Any]:
    return {
        "name": name,
        "resources": {
            "guaranteed": {"vcore": str(guaranteed[0]), "memory": f"{guaranteed[1]}Gi"},
            "max": {"vcore": "24", "memory": "96Gi"},
        },
        "properties": {"application.sort.policy": policy, "priority.offset": str(priority)},
    }


def test_the_deployed_queue_tree_is_the_posts_queue_block(reference: BuiltApp) -> None:
    data = _config_map(reference)["data"]
    assert yaml.safe_load(data["queues.yaml"]) == {
        "partitions": [
            {
                "name": "default",
                "placementrules": [
                    {"name": "provided", "create": False},
                    {"name": "fixed", "create": False, "value": "root.default"},
                ],
                "queues": [
                    {
                        "name": "root",
                        "submitacl": "*",
                        "queues": [
                            _queue("analytics-queue", (10, 38), 100, "fifo"),
                            _queue("marketing-queue", (8, 32), 75, "fair"),
                            _queue("datascience-queue", (6, 26), 50, "fair"),
                            _queue("default", (6, 26), 25, "fifo"),
                        ],
                    }
                ],
            }
        ]
    }
    assert data["admissionController.filtering.processNamespaces"] == "^emr$"


def test_one_namespace_one_virtual_cluster_and_no_namespace_quota(reference: BuiltApp) -> None:
    (vc,) = _resources(reference, "AWS::EMRContainers::VirtualCluster").values()
    assert vc["Properties"]["Name"] == "emr-on-eks-cluster-v"
    assert vc["Properties"]["ContainerProvider"]["Info"]["EksInfo"]["Namespace"] == "emr"
    kinds = [
        obj["kind"]
        for r in _resources(reference, "Custom::AWSCDK-EKS-KubernetesResource").values()
        for obj in json.loads(r["Properties"]["Manifest"])
    ]
    assert "ResourceQuota" not in kinds
    (cluster,) = _resources(reference, "AWS::EKS::Cluster").values()
    (group,) = _resources(reference, "AWS::EKS::Nodegroup").values()
    assert group["Properties"]["InstanceTypes"] == ["m5.2xlarge"]
    assert group["Properties"]["ScalingConfig"] == {"MinSize": 4, "DesiredSize": 4, "MaxSize": 4}
    assert cluster["Properties"]["Version"] == versions.DEFAULT_KUBERNETES_VERSION


def _pod(reference: BuiltApp, url: Any) -> dict[str, Any]:
    found = re.search(r"([0-9a-f]{64})\.yaml", json.dumps(url))
    assert found, url
    path = Path(reference.assembly.directory) / f"asset.{found[1]}.yaml"
    return dict(yaml.safe_load(path.read_text()))


def _templates(reference: BuiltApp) -> dict[str, dict[str, Any]]:
    found = {}
    for resource in _resources(reference, "AWS::EMRContainers::JobTemplate").values():
        data = resource["Properties"]["JobTemplateData"]
        configs = {
            c["Classification"]: c.get("Properties", {})
            for c in data["ConfigurationOverrides"]["ApplicationConfiguration"]
        }
        queue = configs["emr-job-submitter"][f"jobsubmitter.label.{QUEUE}"]
        found[queue] = configs
    return found


def test_each_template_carries_its_queue_on_driver_executors_and_job_runner(
    reference: BuiltApp,
) -> None:
    templates = _templates(reference)
    assert sorted(templates) == [
        "root.analytics-queue",
        "root.datascience-queue",
        "root.default",
        "root.marketing-queue",
    ]
    for queue, configs in templates.items():
        spark = configs["spark-defaults"]
        for role in ("driver", "executor"):
            pod = _pod(reference, spark[f"spark.kubernetes.{role}.podTemplateFile"])
            assert pod["metadata"]["labels"][QUEUE] == queue
            assert pod["spec"]["schedulerName"] == "yunikorn"
    assert yunikorn_is_wired_to_the_jobs(reference.template(STACK)) == []


def test_the_gang_jobs_hold_the_posts_core_counts(reference: BuiltApp) -> None:
    """analytics-job 9 cores, marketing-job 17 (driver + minimum executors), all or nothing."""
    templates = _templates(reference)
    for queue, cores in (("root.analytics-queue", 9), ("root.marketing-queue", 17)):
        spark = templates[queue]["spark-defaults"]
        driver = _pod(reference, spark["spark.kubernetes.driver.podTemplateFile"])
        groups = json.loads(driver["metadata"]["annotations"]["yunikorn.apache.org/task-groups"])
        members = {g["name"]: g["minMember"] for g in groups}
        assert members["spark-driver"] == 1
        spark_cores = int(spark["spark.driver.cores"]) + members["spark-executor"] * int(
            spark["spark.executor.cores"]
        )
        assert spark_cores == cores
        assert members["spark-executor"] == int(spark["spark.dynamicAllocation.minExecutors"])
    spark = templates["root.datascience-queue"]["spark-defaults"]
    driver = _pod(reference, spark["spark.kubernetes.driver.podTemplateFile"])
    assert "yunikorn.apache.org/task-groups" not in driver["metadata"].get("annotations", {})


def test_the_chart_waits_for_the_queues_and_the_nodes(reference: BuiltApp) -> None:
    (chart_id,) = _resources(reference, "Custom::AWSCDK-EKS-HelmChart")
    (group_id,) = _resources(reference, "AWS::EKS::Nodegroup")
    depends = reference.template(STACK)["Resources"][chart_id]["DependsOn"]
    assert group_id in depends
    assert any("YuniKornNamespaceConfiguration" in d for d in depends)
