"""What only a deploy would reveal: managed-policy tags, log writes, alarm delivery, spot HDFS."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk.assertions import Template

from emr_burst.core.errors import EmrBurstError
from emr_burst.emr_ec2.capacity import Market, NodeGroup, WorkloadType
from emr_burst.emr_ec2.cluster import EmrCluster
from emr_burst.emr_ec2.network import EMR_MANAGED_TAG
from emr_burst.emr_ec2.operations import EmrOperations
from tests.unit.emr_ec2.helpers import cluster_props, problem, stack_and_vpc

TAG = {"Key": EMR_MANAGED_TAG, "Value": "true"}


@pytest.fixture(scope="module")
def built() -> dict[str, Any]:
    stack, vpc = stack_and_vpc()
    cluster = EmrCluster(stack, "Cluster", **cluster_props(vpc))
    EmrOperations(stack, "Operations", cluster=cluster)
    return {"stack": stack, "cluster": cluster, "template": Template.from_stack(stack)}


def _service(statement: dict[str, Any]) -> Any:
    principal = statement.get("Principal")
    return principal.get("Service") if isinstance(principal, dict) else None


def _statements(template: Template, resource_type: str, key: str) -> list[dict[str, Any]]:
    return [
        statement
        for resource in template.find_resources(resource_type).values()
        for statement in resource["Properties"][key]["Statement"]
    ]


# --- 1. the managed-policy tag ------------------------------------------------------------------


def test_cluster_carries_the_managed_policy_tag(built: dict[str, Any]) -> None:
    clusters = built["template"].find_resources("AWS::EMR::Cluster")
    for cluster in clusters.values():
        assert TAG in cluster["Properties"]["Tags"]


def test_cluster_subnets_and_created_groups_carry_the_tag(built: dict[str, Any]) -> None:
    template, stack, cluster = built["template"], built["stack"], built["cluster"]
    subnets = template.find_resources("AWS::EC2::Subnet")
    for subnet in cluster.subnets.subnets:
        assert TAG in subnets[stack.resolve(subnet.subnet_id)["Ref"]]["Properties"]["Tags"]
    groups = template.find_resources("AWS::EC2::SecurityGroup")
    for group in (
        cluster.primary_security_group,
        cluster.core_security_group,
        cluster.service_access_security_group,
    ):
        logical_id = stack.resolve(group.security_group_id)["Fn::GetAtt"][0]
        assert TAG in groups[logical_id]["Properties"]["Tags"]


def _imported_subnets_props() -> tuple[cdk.Stack, dict[str, Any]]:
    stack = cdk.Stack(cdk.App(), "Imported", env=cdk.Environment(region="us-east-1"))
    vpc = ec2.Vpc.from_vpc_attributes(
        stack,
        "Vpc",
        vpc_id="vpc-0123456789abcdef0",
        availability_zones=["us-east-1a"],
        private_subnet_ids=["subnet-0123456789abcdef0"],
        private_subnet_route_table_ids=["rtb-0123456789abcdef0"],
    )
    return stack, cluster_props(vpc)


def test_fails_when_imported_subnets_cannot_be_tagged() -> None:
    stack, props = _imported_subnets_props()
    with pytest.raises(EmrBurstError) as err:
        EmrCluster(stack, "Cluster", **props)
    fix = problem(err, "vpc").fix
    assert EMR_MANAGED_TAG in fix
    assert "imported_network_tagged=True" in fix


def test_fails_when_imported_security_group_cannot_be_tagged() -> None:
    stack, vpc = stack_and_vpc()
    imported = ec2.SecurityGroup.from_security_group_id(stack, "Shared", "sg-0123456789abcdef0")
    with pytest.raises(EmrBurstError) as err:
        EmrCluster(stack, "Cluster", **cluster_props(vpc), additional_security_groups=[imported])
    assert "sg-0123456789abcdef0" in str(problem(err, "additional_security_groups").value)


def test_imported_network_is_accepted_once_acknowledged_as_tagged() -> None:
    stack, props = _imported_subnets_props()
    cluster = EmrCluster(stack, "Cluster", **props, imported_network_tagged=True)
    assert cluster.subnets.subnets[0].subnet_id == "subnet-0123456789abcdef0"


# --- 2. the nodes write their logs ----------------------------------------------------------


def test_instance_role_may_write_log_objects_under_the_prefix(built: dict[str, Any]) -> None:
    writes = [
        json.dumps(s["Resource"])
        for s in _statements(built["template"], "AWS::IAM::ManagedPolicy", "PolicyDocument")
        if "s3:PutObject" in s["Action"]
    ]
    assert any(w.endswith('/logs/*"]]}') for w in writes), writes
    assert not any(w.endswith('/logs/"]]}') for w in writes), writes


# --- 3. alarms and events reach the topic ----------------------------------------------------


def _topic_statements(template: Template, service: str) -> list[dict[str, Any]]:
    return [
        s
        for s in _statements(template, "AWS::SNS::TopicPolicy", "PolicyDocument")
        if _service(s) == service
    ]


def test_topic_admits_cloudwatch_alarms_of_this_account_and_region(built: dict[str, Any]) -> None:
    stack = built["stack"]
    statements = _topic_statements(built["template"], "cloudwatch.amazonaws.com")
    assert len(statements) == 1
    statement = statements[0]
    assert statement["Action"] == "sns:Publish"
    conditions = statement["Condition"]
    assert conditions["StringEquals"]["aws:SourceAccount"] == stack.resolve(stack.account)
    source = json.dumps(conditions["ArnLike"]["aws:SourceArn"])
    assert ":cloudwatch:" in source
    assert ":alarm:*" in source


def test_topic_admits_eventbridge_only_for_the_operations_rules(built: dict[str, Any]) -> None:
    statements = _topic_statements(built["template"], "events.amazonaws.com")
    assert len(statements) == 1, statements  # no unconditioned grant from targets.SnsTopic
    conditions = statements[0]["Condition"]
    assert "aws:SourceAccount" in conditions["StringEquals"]
    rule_arns = conditions["ArnEquals"]["aws:SourceArn"]
    assert len(rule_arns) == 4
    assert all(arn["Fn::GetAtt"][1] == "Arn" for arn in rule_arns)


def test_no_service_principal_is_admitted_to_the_topic_without_conditions(
    built: dict[str, Any],
) -> None:
    for statement in _statements(built["template"], "AWS::SNS::TopicPolicy", "PolicyDocument"):
        if _service(statement) is not None:
            assert statement.get("Condition"), statement


def test_key_admits_eventbridge_without_source_conditions(built: dict[str, Any]) -> None:
    # SNS documents aws:SourceAccount/aws:SourceArn in a key policy as unsupported for
    # EventBridge-to-encrypted-topic delivery: with them every event would be dropped.
    events = [
        s
        for s in _statements(built["template"], "AWS::KMS::Key", "KeyPolicy")
        if _service(s) == "events.amazonaws.com"
    ]
    assert len(events) == 1
    assert "Condition" not in events[0]


def test_key_admits_cloudwatch_alarms_with_source_conditions(built: dict[str, Any]) -> None:
    cloudwatch = [
        s
        for s in _statements(built["template"], "AWS::KMS::Key", "KeyPolicy")
        if _service(s) == "cloudwatch.amazonaws.com"
    ]
    assert len(cloudwatch) == 1
    conditions = cloudwatch[0]["Condition"]
    assert "aws:SourceAccount" in conditions["StringEquals"]
    assert ":alarm:*" in json.dumps(conditions["ArnLike"]["aws:SourceArn"])


# --- 6. HDFS on spot ------------------------------------------------------------------------


def test_core_nodes_default_to_on_demand_even_on_a_test_cluster() -> None:
    stack, vpc = stack_and_vpc()
    cluster = EmrCluster(stack, "Cluster", **cluster_props(vpc), workload_type=WorkloadType.TEST)
    assert cluster.markets["core"] is Market.ON_DEMAND
    assert cluster.markets["primary"] is Market.SPOT


def test_on_prem_proxy_keeps_its_hdfs_on_on_demand_core_nodes() -> None:
    stack, vpc = stack_and_vpc()
    cluster = EmrCluster.on_prem_proxy(stack, "OnPrem", vpc=vpc)
    props = Template.from_stack(stack).find_resources("AWS::EMR::Cluster")
    core = next(iter(props.values()))["Properties"]["Instances"]["CoreInstanceGroup"]
    assert core["Market"] == "ON_DEMAND"
    assert cluster.markets["core"] is Market.ON_DEMAND


def test_fails_when_core_is_spot_without_opting_in() -> None:
    stack, vpc = stack_and_vpc()
    props = {**cluster_props(vpc), "core": NodeGroup(("m5.xlarge",), 3, Market.SPOT)}
    with pytest.raises(EmrBurstError) as err:
        EmrCluster(stack, "Cluster", **props, workload_type=WorkloadType.COST_DRIVEN)
    assert "hdfs_on_spot=True" in problem(err, "core.market").fix


def test_spot_core_is_allowed_when_hdfs_loss_is_accepted() -> None:
    stack, vpc = stack_and_vpc()
    props = {**cluster_props(vpc), "core": NodeGroup(("m5.xlarge",), 3, Market.SPOT)}
    cluster = EmrCluster(
        stack, "Cluster", **props, workload_type=WorkloadType.COST_DRIVEN, hdfs_on_spot=True
    )
    assert cluster.markets["core"] is Market.SPOT


def test_workload_default_spot_core_needs_the_opt_in_too() -> None:
    stack, vpc = stack_and_vpc()
    cluster = EmrCluster(
        stack,
        "Cluster",
        **cluster_props(vpc),
        workload_type=WorkloadType.COST_DRIVEN,
        hdfs_on_spot=True,
    )
    assert cluster.markets["core"] is Market.SPOT
