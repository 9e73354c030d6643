"""IEmrCluster: metrics, grants to the cluster, connections, and clusters made elsewhere."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Match, Template

from emr_burst.core.errors import EmrBurstError
from emr_burst.emr_ec2 import IEmrCluster
from emr_burst.emr_ec2.capacity import WorkloadType
from emr_burst.emr_ec2.cluster import EmrCluster
from emr_burst.emr_ec2.operations import EmrOperations
from tests.unit.emr_ec2.helpers import cluster_props, problem, stack_and_vpc

_stack = stack_and_vpc


def _cluster(stack: cdk.Stack, vpc: ec2.IVpc) -> EmrCluster:
    return EmrCluster(stack, "Cluster", **cluster_props(vpc), workload_type=WorkloadType.TEST)


def test_a_made_cluster_is_an_iemrcluster() -> None:
    stack, vpc = _stack()
    cluster = _cluster(stack, vpc)
    assert isinstance(cluster, IEmrCluster)
    assert cluster.grant_principal is cluster.instance_role


def test_bucket_grant_to_the_cluster_lands_in_its_managed_policy() -> None:
    stack, vpc = _stack()
    cluster = _cluster(stack, vpc)
    bucket = s3.Bucket(stack, "Data")
    bucket.grant_read(cluster)
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::IAM::Policy", 0)
    policy = template.find_resources(
        "AWS::IAM::ManagedPolicy",
        {"Properties": {"Roles": [{"Ref": stack.get_logical_id(_role(cluster))}]}},
    )
    statements = [
        s for p in policy.values() for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]
    data_arn = stack.resolve(bucket.bucket_arn)
    assert any(
        s["Action"] == ["s3:GetObject*", "s3:GetBucket*", "s3:List*"] and data_arn in s["Resource"]
        for s in statements
    )


def _role(cluster: EmrCluster) -> cdk.CfnResource:
    role = cluster.instance_role.node.default_child
    assert isinstance(role, cdk.CfnResource)
    return role


def test_existing_grant_methods_keep_working() -> None:
    stack, vpc = _stack()
    cluster = _cluster(stack, vpc)
    cluster.grant_bucket_read("public-dataset", "tpcds/*")
    text = json.dumps(Template.from_stack(stack).find_resources("AWS::IAM::ManagedPolicy"))
    assert ":s3:::public-dataset/tpcds/*" in text


def test_fails_when_grant_bucket_read_gets_a_bucket_uri() -> None:
    stack, vpc = _stack()
    cluster = _cluster(stack, vpc)
    with pytest.raises(EmrBurstError) as err:
        cluster.grant_bucket_read("s3://public-dataset")
    assert "S3 URI" in problem(err, "bucket_name").fix


def test_connections_are_the_primary_and_core_groups() -> None:
    stack, vpc = _stack()
    cluster = _cluster(stack, vpc)
    groups = cluster.connections.security_groups
    assert groups == [cluster.primary_security_group, cluster.core_security_group]


def test_metrics_use_the_emr_namespace_and_job_flow_dimension() -> None:
    stack, vpc = _stack()
    cluster = _cluster(stack, vpc)
    metric = cluster.metric_apps_pending()
    assert (metric.namespace, metric.metric_name) == ("AWS/ElasticMapReduce", "AppsPending")
    assert metric.dimensions is not None
    assert stack.resolve(metric.dimensions["JobFlowId"]) == stack.resolve(cluster.cluster_id)
    assert cluster.metric_is_idle().statistic == "Minimum"
    assert cluster.metric_hdfs_utilization().metric_name == "HDFSUtilization"
    assert cluster.metric("MRUnhealthyNodes", statistic="Maximum").statistic == "Maximum"
    assert cluster.metric_yarn_memory_available_percentage().period.to_minutes() == 5


def test_fails_when_metric_period_is_a_number() -> None:
    stack, vpc = _stack()
    cluster = _cluster(stack, vpc)
    with pytest.raises(EmrBurstError) as err:
        cluster.metric("IsIdle", period=300)  # type: ignore[arg-type]
    assert "aws_cdk.Duration" in problem(err, "period").fix


# --- imported clusters -----------------------------------------------------------------------


def test_operations_alarm_on_an_imported_cluster() -> None:
    stack = cdk.Stack(cdk.App(), "Ops", env=cdk.Environment(region="us-east-1"))
    role = iam.Role.from_role_name(stack, "Nodes", "EMR_EC2_DefaultRole")
    cluster = EmrCluster.from_cluster_attributes(
        stack, "Imported", cluster_id="j-2AXXXXXXGAPLF", instance_role=role
    )
    assert isinstance(cluster, IEmrCluster)
    EmrOperations(stack, "Operations", cluster=cluster)
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "MetricName": "IsIdle",
            "Dimensions": [{"Name": "JobFlowId", "Value": "j-2AXXXXXXGAPLF"}],
        },
    )
    template.has_resource_properties(
        "AWS::Events::Rule",
        {"EventPattern": Match.object_like({"detail": {"clusterId": ["j-2AXXXXXXGAPLF"]}})},
    )


def test_grants_to_an_imported_cluster_go_to_its_role() -> None:
    stack = cdk.Stack(cdk.App(), "Imp")
    role = iam.Role(stack, "Nodes", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
    cluster = EmrCluster.from_cluster_attributes(
        stack, "Imported", cluster_id="j-2AXXXXXXGAPLF", instance_role=role
    )
    s3.Bucket(stack, "Data").grant_read(cluster)
    policies = Template.from_stack(stack).find_resources("AWS::IAM::Policy")
    assert len(policies) == 1  # a plain iam.Role keeps grants inline; pass a ManagedPolicyRole


def test_fails_when_granting_to_an_import_without_instance_role() -> None:
    stack = cdk.Stack(cdk.App(), "Imp")
    cluster = EmrCluster.from_cluster_attributes(stack, "Imported", cluster_id="j-1")
    # The error is raised inside a jsii callback, which hands it back as a RuntimeError.
    with pytest.raises(RuntimeError, match=r"instance_role = None: .*pass instance_role"):
        s3.Bucket(stack, "Data").grant_read(cluster)


@pytest.mark.parametrize(
    ("props", "prop", "fix"),
    [
        ({"cluster_id": "cluster-1"}, "cluster_id", "'j-2AXXXXXXGAPLF'"),
        ({"cluster_id": "j-1", "instance_role": "arn:aws:iam::1:role/x"}, "instance_role", "IRole"),
        ({"cluster_id": "j-1", "security_groups": "sg-1"}, "security_groups", "list"),
    ],
)
def test_fails_when_imported_attributes_are_wrong(
    props: dict[str, Any], prop: str, fix: str
) -> None:
    stack = cdk.Stack(cdk.App(), "Imp")
    with pytest.raises(EmrBurstError) as err:
        EmrCluster.from_cluster_attributes(stack, "Imported", **props)
    assert fix in problem(err, prop).fix
