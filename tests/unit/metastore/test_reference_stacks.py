"""The reference metastore stacks as `make synth` builds them (the session's reference app)."""

from __future__ import annotations

import json
from typing import Any

from tests.harness.reference import BuiltApp

SIDECAR_STACK = "EmrBurstHiveMetastore"
EXTERNAL_STACK = "EmrBurstHiveMetastoreExternal"


def _of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def _spark_defaults(data: dict[str, Any]) -> dict[str, Any]:
    (defaults,) = [
        c["Properties"]
        for c in data["ConfigurationOverrides"]["ApplicationConfiguration"]
        if c["Classification"] == "spark-defaults"
    ]
    return dict(defaults)


def test_the_hive_sql_template_runs_spark_sql_with_hive_variables(reference: BuiltApp) -> None:
    templates = _of_type(reference.template(SIDECAR_STACK), "AWS::EMRContainers::JobTemplate")
    (hive_sql,) = [t for lid, t in templates.items() if lid.startswith("HmsDedicatedHiveSql")]
    data = hive_sql["Properties"]["JobTemplateData"]
    driver = data["JobDriver"]["SparkSqlJobDriver"]
    assert driver["EntryPoint"] == "${EntryPoint}"
    assert driver["SparkSqlParameters"] == "-hivevar S3Bucket=${S3Bucket} -hivevar Key_ID=${KeyId}"
    assert set(data["ParameterConfiguration"]) == {"EntryPoint", "S3Bucket", "KeyId"}
    props = _spark_defaults(data)
    assert props["spark.sql.catalogImplementation"] == "hive"
    assert (
        props["spark.hadoop.hive.metastore.uris"]
        == "thrift://hive-metastore-svc.hive-metastore.svc.cluster.local:9083"
    )


def test_the_sidecar_and_dedicated_stack_deploys_no_lambda_of_its_own(reference: BuiltApp) -> None:
    template = reference.template(SIDECAR_STACK)
    assert _of_type(template, "AWS::Lambda::Function") == {}
    charts = _of_type(template, "Custom::AWSCDK-EKS-HelmChart")
    # Installed through the platform's kubectl provider (a cross-stack service token).
    assert len(charts) == 2
    assert all("ServiceToken" in c["Properties"] for c in charts.values())
    assert all(
        "Fn::GetStackOutput" in json.dumps(c["Properties"]["ServiceToken"])
        or "Fn::ImportValue" in json.dumps(c["Properties"]["ServiceToken"])
        for c in charts.values()
    )


def test_the_external_clients_use_the_load_balancer_host(reference: BuiltApp) -> None:
    template = reference.template(EXTERNAL_STACK)
    (value_id,) = _of_type(template, "Custom::AWSCDK-EKS-KubernetesObjectValue")
    (client,) = _of_type(template, "AWS::EMRContainers::JobTemplate").values()
    uri = _spark_defaults(client["Properties"]["JobTemplateData"])[
        "spark.hadoop.hive.metastore.uris"
    ]
    assert uri == {"Fn::Join": ["", ["thrift://", {"Fn::GetAtt": [value_id, "Value"]}, ":9083"]]}
    # The metastore cluster is a cluster of its own, not the processing platform.
    assert len(_of_type(template, "AWS::EKS::Cluster")) == 1
    assert _of_type(reference.template(SIDECAR_STACK), "AWS::EKS::Cluster") == {}
