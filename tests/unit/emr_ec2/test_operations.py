"""EmrOperations: IsIdle and HDFSUtilization alarms, state-change rules, step state machine."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk.assertions import Match, Template

from emr_burst.core.errors import EmrBurstError
from emr_burst.emr_ec2.cluster import EmrCluster
from emr_burst.emr_ec2.operations import EmrEvent, EmrOperations, EmrStep
from tests.unit.emr_ec2.helpers import problem


def _cluster() -> tuple[cdk.Stack, EmrCluster]:
    stack = cdk.Stack(cdk.App(), "Ops", env=cdk.Environment(region="us-west-1"))
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)
    return stack, EmrCluster.on_prem_proxy(stack, "Cluster", vpc=vpc)


@pytest.fixture(scope="module")
def template() -> Template:
    stack, cluster = _cluster()
    EmrOperations(
        stack,
        "Operations",
        cluster=cluster,
        idle_alarm_after=cdk.Duration.minutes(30),
        steps=[
            EmrStep("Load", ("hdfs", "dfs", "-mkdir", "-p", "/tmp/tpcds/")),
            EmrStep("Tables", ("hive", "-f", "/tmp/create-table.sql")),
        ],
    )
    return Template.from_stack(stack)


def test_alarms_when_idle_for_the_configured_time(template: Template) -> None:
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "Namespace": "AWS/ElasticMapReduce",
            "MetricName": "IsIdle",
            "Period": 300,
            "EvaluationPeriods": 6,
            "Threshold": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "Dimensions": [
                {"Name": "JobFlowId", "Value": {"Ref": Match.string_like_regexp("^Cluster")}}
            ],
            "AlarmActions": [{"Ref": Match.string_like_regexp("^OperationsTopic")}],
        },
    )


def test_alarms_when_hdfs_is_over_80_percent(template: Template) -> None:
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "MetricName": "HDFSUtilization",
            "Threshold": 80,
            "ComparisonOperator": "GreaterThanThreshold",
            "AlarmActions": Match.any_value(),
        },
    )


def test_state_changes_of_this_cluster_go_to_the_topic(template: Template) -> None:
    rules = template.find_resources("AWS::Events::Rule")
    patterns = [r["Properties"]["EventPattern"] for r in rules.values()]
    detail_types = sorted(t for p in patterns for t in p["detail-type"])
    assert detail_types == sorted(t for e in EmrEvent for t in e.detail_types)
    assert "EMR Cluster State Change" in detail_types
    assert "EMR Step Status Change" in detail_types
    assert "EMR Instance Fleet State Change" in detail_types
    assert "EMR Auto Scaling Policy State Change" in detail_types
    for pattern in patterns:
        assert pattern["source"] == ["aws.emr"]
        assert pattern["detail"]["clusterId"][0]["Ref"].startswith("Cluster")
    for rule in rules.values():
        assert rule["Properties"]["Targets"][0]["Arn"]["Ref"].startswith("OperationsTopic")


def test_topic_is_kms_encrypted_and_retained(template: Template) -> None:
    template.has_resource(
        "AWS::SNS::Topic",
        {"Properties": {"KmsMasterKeyId": Match.any_value()}, "DeletionPolicy": "Retain"},
    )


def test_state_machine_runs_steps_with_retries(template: Template) -> None:
    machines = template.find_resources("AWS::StepFunctions::StateMachine")
    assert len(machines) == 1
    definition: dict[str, Any] = json.loads(
        "".join(
            part if isinstance(part, str) else "X"
            for part in next(iter(machines.values()))["Properties"]["DefinitionString"]["Fn::Join"][
                1
            ]
        )
    )
    steps = [
        s for s in definition["States"].values() if s.get("Resource", "").endswith("addStep.sync")
    ]
    assert len(steps) == 2
    for step in steps:
        assert step["Retry"][0]["MaxAttempts"] == 2
        assert step["Catch"][0]["Next"] == "NotifyFailure"
        assert step["Parameters"]["Step"]["HadoopJarStep"]["Jar"] == "command-runner.jar"


def test_fails_when_idle_alarm_is_not_a_multiple_of_the_metric_period() -> None:
    stack, cluster = _cluster()
    with pytest.raises(ValueError, match=r"idle_alarm_after = .*steps of 5 minutes; got 7 minutes"):
        EmrOperations(stack, "Ops", cluster=cluster, idle_alarm_after=cdk.Duration.minutes(7))


@pytest.mark.parametrize(
    ("props", "prop", "fix"),
    [
        ({"hdfs_utilization_percent": 0}, "hdfs_utilization_percent", "from 1 to 100"),
        ({"hdfs_utilization_percent": 101}, "hdfs_utilization_percent", "from 1 to 100"),
        ({"idle_alarm_after": 30}, "idle_alarm_after", "aws_cdk.Duration"),
        ({"step_retries": 11}, "step_retries", "from 0 to 10"),
        ({"steps": EmrStep("Load", ("hive",))}, "steps", "expected a list"),
        ({"steps": [EmrStep("Load", ())]}, "steps[0].args", "give the command"),
        ({"steps": [EmrStep("x" * 80, ("hive",))]}, "steps[0].name", "1 to 80 characters"),
        ({"steps": [EmrStep("A", ("a",)), EmrStep("A", ("b",))]}, "steps", "once"),
        ({"topic": "arn:aws:sns:us-east-1:123456789012:t"}, "topic", "sns.ITopic"),
    ],
)
def test_fails_when_operations_props_are_wrong(props: dict[str, Any], prop: str, fix: str) -> None:
    stack, cluster = _cluster()
    with pytest.raises(EmrBurstError) as err:
        EmrOperations(stack, "Ops", cluster=cluster, **props)
    assert fix in problem(err, prop).fix


def test_fails_when_cluster_is_a_cluster_id() -> None:
    stack, _ = _cluster()
    with pytest.raises(EmrBurstError) as err:
        EmrOperations(stack, "Ops", cluster="j-2AXXXXXXGAPLF")  # type: ignore[arg-type]
    assert "from_cluster_attributes" in problem(err, "cluster").fix
