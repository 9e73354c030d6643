"""EmrCluster: the tutorial's presets, fleets per workload type, roles, network, bad input."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk.assertions import Match, Template
from hypothesis import given
from hypothesis import strategies as st

from emr_burst.emr_ec2.capacity import (
    CapacityMode,
    Market,
    NodeGroup,
    ScalingLimits,
    SpotAllocationStrategy,
    WorkloadType,
    market_problems,
)
from emr_burst.emr_ec2.cluster import EmrCluster
from emr_burst.emr_ec2.security import EmrSecurityConfiguration, KerberosOptions
from emr_burst.hybrid.alluxio import AlluxioOptions
from emr_burst.hybrid.catalog import QueryEngine

ALLUXIO_SCRIPT = "s3://alluxio-public/emr/2.3.0/alluxio-emr.sh"
METASTORE = "thrift://ip-10-100-1-5.us-west-1.compute.internal:9083"


def _stack() -> tuple[cdk.Stack, ec2.Vpc]:
    stack = cdk.Stack(cdk.App(), "Test", env=cdk.Environment(region="us-east-1"))
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)
    return stack, vpc


@pytest.fixture(scope="module")
def clusters() -> dict[str, Any]:
    stack, vpc = _stack()
    onprem = EmrCluster.on_prem_proxy(stack, "OnPrem", vpc=vpc)
    burst = EmrCluster.burst_compute(
        stack,
        "Burst",
        vpc=vpc,
        metastore_uri=METASTORE,
        alluxio=AlluxioOptions(bootstrap_script=ALLUXIO_SCRIPT),
        engine=QueryEngine.TRINO,
        release_label="emr-6.15.0",
    )
    critical = EmrCluster(
        stack,
        "Critical",
        vpc=vpc,
        release_label="emr-6.15.0",
        applications=["Hadoop", "Spark"],
        primary=NodeGroup(("m5.xlarge",), 1),
        core=NodeGroup(("r5.2xlarge", "r5a.2xlarge", "r6i.2xlarge"), 2),
        task=NodeGroup(("r5.2xlarge", "r6i.2xlarge"), 4),
        workload_type=WorkloadType.DATA_CRITICAL,
        spot_allocation_strategy=SpotAllocationStrategy.CAPACITY_OPTIMIZED,
        managed_scaling=ScalingLimits(minimum=2, maximum=20, maximum_on_demand=6),
        idle_timeout=cdk.Duration.minutes(30),
    )
    template = Template.from_stack(stack)
    resources = template.find_resources("AWS::EMR::Cluster")
    by_name = {"OnPrem": onprem, "Burst": burst, "Critical": critical}
    return {
        "template": template,
        "stack": stack,
        "props": {
            name: resources[stack.get_logical_id(cluster.resource)]["Properties"]
            for name, cluster in by_name.items()
        },
    }


def _props(clusters: dict[str, Any], name: str) -> dict[str, Any]:
    props: dict[str, Any] = clusters["props"][name]
    return props


# --- the tutorial's clusters ---------------------------------------------------------------


def test_on_prem_proxy_reproduces_the_tutorial_cluster(clusters: dict[str, Any]) -> None:
    props = _props(clusters, "OnPrem")
    assert props["Name"] == "on-prem-cluster"
    assert props["ReleaseLabel"] == "emr-5.36.0"
    assert [a["Name"] for a in props["Applications"]] == ["Hadoop", "Hive"]
    instances = props["Instances"]
    assert instances["MasterInstanceGroup"] == {
        "InstanceCount": 1,
        "InstanceType": "r4.4xlarge",
        "Market": "ON_DEMAND",
        "Name": "Primary",
    }
    # The tutorial's core nodes are spot; ours hold the HDFS the burst reads, so on-demand.
    assert instances["CoreInstanceGroup"] == {
        "InstanceCount": 3,
        "InstanceType": "r4.4xlarge",
        "Market": "ON_DEMAND",
        "Name": "Core",
    }


def test_on_prem_proxy_serves_hdfs_and_metastore_to_the_peer(clusters: dict[str, Any]) -> None:
    configurations = {
        c["Classification"]: c["ConfigurationProperties"]
        for c in _props(clusters, "OnPrem")["Configurations"]
    }
    assert configurations["hdfs-site"]["dfs.namenode.rpc-bind-host"] == "0.0.0.0"
    assert configurations["hive-site"]["hive.metastore.warehouse.dir"].startswith("hdfs://")


def test_burst_compute_reproduces_the_tutorial_cluster(clusters: dict[str, Any]) -> None:
    props = _props(clusters, "Burst")
    assert props["Name"] == "alluxio-compute-cluster"
    assert [a["Name"] for a in props["Applications"]] == ["Hadoop", "Trino"]
    instances = props["Instances"]
    assert instances["MasterInstanceGroup"]["InstanceType"] == "r4.4xlarge"
    assert instances["MasterInstanceGroup"]["Market"] == "ON_DEMAND"
    assert instances["CoreInstanceGroup"] == {
        "InstanceCount": 3,
        "InstanceType": "r5d.4xlarge",
        "Market": "SPOT",
        "Name": "Core",
    }


def test_burst_compute_installs_alluxio_mounting_the_onprem_hdfs(clusters: dict[str, Any]) -> None:
    install = _props(clusters, "Burst")["BootstrapActions"][0]["ScriptBootstrapAction"]
    assert install["Path"] == ALLUXIO_SCRIPT
    root, *options, flag, delimited, sep_flag, sep = install["Args"]
    assert root == "hdfs://ip-10-100-1-5.us-west-1.compute.internal:8020/"
    assert "-vhadoop-2.8" in options
    assert (flag, sep_flag, sep) == ("-p", "-s", ";")
    assert "alluxio.master.ufs.active.sync.interval=30sec" in delimited.split(";")
    assert "alluxio.master.mount.table.root.option.alluxio.underfs.version=hadoop-2.8" in delimited


def test_burst_compute_writes_an_onprem_catalog_on_the_remote_metastore(
    clusters: dict[str, Any],
) -> None:
    action = _props(clusters, "Burst")["BootstrapActions"][1]
    args = action["ScriptBootstrapAction"]["Args"]
    assert args[:4] == ["--engine", "trino", "--catalog", "onprem"]
    assert "catalog:connector.name=hive" in args
    assert f"catalog:hive.metastore.uri={METASTORE}" in args
    assert "catalog:hive.config.resources=/etc/trino/conf/onpremConf/core-site.xml" in args
    assert "site:fs.hdfs.impl=alluxio.hadoop.ShimFileSystem" in args
    assert len(set(args)) == len(args)  # CloudFormation wants distinct arguments


def test_nodes_may_read_exactly_the_bootstrap_scripts(clusters: dict[str, Any]) -> None:
    policies = clusters["template"].find_resources("AWS::IAM::ManagedPolicy")
    reads = [
        json.dumps(statement["Resource"])
        for policy in policies.values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if statement["Action"] == "s3:GetObject"
    ]
    assert any(":s3:::alluxio-public/emr/2.3.0/alluxio-emr.sh" in r for r in reads)
    assert any("cdk-hnb659fds-assets" in r for r in reads)  # the catalog script asset


# --- fleets and workload types -------------------------------------------------------------


def test_data_critical_cluster_uses_fleets_with_on_demand_core_and_spot_tasks(
    clusters: dict[str, Any],
) -> None:
    instances = _props(clusters, "Critical")["Instances"]
    primary, core = instances["MasterInstanceFleet"], instances["CoreInstanceFleet"]
    task = instances["TaskInstanceFleets"][0]
    assert (primary["TargetOnDemandCapacity"], primary["TargetSpotCapacity"]) == (1, 0)
    assert (core["TargetOnDemandCapacity"], core["TargetSpotCapacity"]) == (2, 0)
    assert (task["TargetOnDemandCapacity"], task["TargetSpotCapacity"]) == (0, 4)
    assert [c["InstanceType"] for c in core["InstanceTypeConfigs"]] == [
        "r5.2xlarge",
        "r5a.2xlarge",
        "r6i.2xlarge",
    ]
    spot = task["LaunchSpecifications"]["SpotSpecification"]
    assert spot == {
        "AllocationStrategy": "capacity-optimized",
        "TimeoutAction": "SWITCH_TO_ON_DEMAND",
        "TimeoutDurationMinutes": 20,
    }
    assert len(instances["Ec2SubnetIds"]) == 2


def test_managed_scaling_and_idle_termination(clusters: dict[str, Any]) -> None:
    props = _props(clusters, "Critical")
    assert props["ManagedScalingPolicy"]["ComputeLimits"] == {
        "UnitType": "InstanceFleetUnits",
        "MinimumCapacityUnits": 2,
        "MaximumCapacityUnits": 20,
        "MaximumOnDemandCapacityUnits": 6,
    }
    assert props["AutoTerminationPolicy"] == {"IdleTimeout": 1800}
    assert _props(clusters, "OnPrem")["AutoTerminationPolicy"] == {"IdleTimeout": 3600}


def test_workload_types_follow_the_purchasing_table() -> None:
    od, spot = Market.ON_DEMAND, Market.SPOT
    assert WorkloadType.PERSISTENT.markets == {"primary": od, "core": od, "task": spot}
    assert WorkloadType.COST_DRIVEN.markets == {"primary": spot, "core": spot, "task": spot}
    assert WorkloadType.DATA_CRITICAL.markets == {"primary": od, "core": od, "task": spot}
    assert WorkloadType.TEST.markets == {"primary": spot, "core": spot, "task": spot}
    assert WorkloadType.TEST.capacity_mode is CapacityMode.INSTANCE_GROUPS
    assert WorkloadType.PERSISTENT.capacity_mode is CapacityMode.INSTANCE_FLEETS


@given(
    st.sampled_from(list(WorkloadType)),
    st.sampled_from([None, *Market]),
    st.sampled_from([None, *Market]),
)
def test_only_data_critical_rejects_spot_primary_or_core(
    workload: WorkloadType, primary: Market | None, core: Market | None
) -> None:
    nodes = {
        "primary": NodeGroup(("m5.xlarge",), 1, primary),
        "core": NodeGroup(("m5.xlarge",), 1, core),
    }
    problems = market_problems(workload, nodes)
    expected = workload is WorkloadType.DATA_CRITICAL and Market.SPOT in (primary, core)
    assert bool(problems) == expected


# --- network, roles, logs ------------------------------------------------------------------


def test_cluster_runs_in_a_private_subnet_with_managed_and_additional_groups(
    clusters: dict[str, Any],
) -> None:
    stack = clusters["stack"]
    instances = _props(clusters, "OnPrem")["Instances"]
    private_ids = {
        stack.resolve(s.subnet_id)["Ref"] for s in stack.node.find_child("Vpc").private_subnets
    }
    assert instances["Ec2SubnetId"]["Ref"] in private_ids
    for key in (
        "EmrManagedMasterSecurityGroup",
        "EmrManagedSlaveSecurityGroup",
        "ServiceAccessSecurityGroup",
    ):
        assert "Fn::GetAtt" in instances[key]


def test_service_access_group_allows_only_emr_service_ports(clusters: dict[str, Any]) -> None:
    clusters["template"].has_resource_properties(
        "AWS::EC2::SecurityGroupIngress",
        {"FromPort": 9443, "ToPort": 9443, "IpProtocol": "tcp"},
    )
    clusters["template"].has_resource_properties(
        "AWS::EC2::SecurityGroupEgress", {"FromPort": 8443, "ToPort": 8443}
    )


def test_logs_go_to_a_kms_encrypted_bucket(clusters: dict[str, Any]) -> None:
    clusters["template"].has_resource_properties(
        "AWS::S3::Bucket",
        {
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    Match.object_like(
                        {
                            "ServerSideEncryptionByDefault": {
                                "SSEAlgorithm": "aws:kms",
                                "KMSMasterKeyID": Match.any_value(),
                            }
                        }
                    )
                ]
            }
        },
    )
    assert _props(clusters, "OnPrem")["LogUri"]["Fn::Join"][1][-1] == "/logs/"


def test_service_role_is_assumed_only_by_emr_of_this_account(clusters: dict[str, Any]) -> None:
    clusters["template"].has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": {
                "Statement": [
                    Match.object_like(
                        {
                            "Principal": {"Service": "elasticmapreduce.amazonaws.com"},
                            "Condition": {
                                "StringEquals": {"aws:SourceAccount": Match.any_value()},
                                "ArnLike": {"aws:SourceArn": Match.any_value()},
                            },
                        }
                    )
                ]
            }
        },
    )


def test_service_role_passes_only_the_instance_role_to_ec2(clusters: dict[str, Any]) -> None:
    clusters["template"].has_resource_properties(
        "AWS::IAM::ManagedPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Action": "iam:PassRole",
                                "Resource": {"Fn::GetAtt": [Match.any_value(), "Arn"]},
                                "Condition": {
                                    "StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}
                                },
                            }
                        )
                    ]
                )
            }
        },
    )


def test_roles_have_no_inline_policies(clusters: dict[str, Any]) -> None:
    clusters["template"].resource_count_is("AWS::IAM::Policy", 0)


def test_clusters_are_retained_and_end_themselves_when_idle(clusters: dict[str, Any]) -> None:
    for resource in clusters["template"].find_resources("AWS::EMR::Cluster").values():
        assert resource["DeletionPolicy"] == "Retain"
        assert "AutoTerminationPolicy" in resource["Properties"]


def test_roles_and_groups_of_a_retained_cluster_are_retained_too(
    clusters: dict[str, Any],
) -> None:
    template = clusters["template"]
    for type_ in ("AWS::IAM::Role", "AWS::IAM::InstanceProfile", "AWS::EC2::SecurityGroup"):
        for logical_id, resource in template.find_resources(type_).items():
            if logical_id.startswith(("OnPrem", "Burst", "Critical")):
                assert resource.get("DeletionPolicy") == "Retain", logical_id


def test_kerberos_password_reaches_the_cluster_as_a_dynamic_reference() -> None:
    stack, vpc = _stack()
    secret = secretsmanager.Secret(stack, "KdcPassword")
    security = EmrSecurityConfiguration(
        stack, "Security", kerberos=KerberosOptions(kdc_admin_password=secret)
    )
    cluster = EmrCluster.on_prem_proxy(stack, "OnPrem", vpc=vpc, security_configuration=security)
    attributes = stack.resolve(cluster.resource.kerberos_attributes)
    assert attributes["realm"] == "EC2.INTERNAL"
    password = json.dumps(attributes["kdcAdminPassword"])
    assert "{{resolve:secretsmanager:" in password


def test_preset_configurations_merge_with_the_callers() -> None:
    stack, vpc = _stack()
    cluster = EmrCluster.on_prem_proxy(
        stack, "OnPrem", vpc=vpc, configurations={"spark-defaults": {"spark.executor.cores": "4"}}
    )
    assert set(cluster.configurations) == {"hdfs-site", "hive-site", "spark-defaults"}


# --- bad input -----------------------------------------------------------------------------


def _cluster(**overrides: Any) -> EmrCluster:
    stack, vpc = _stack()
    props: dict[str, Any] = {
        "vpc": vpc,
        "release_label": "emr-6.15.0",
        "applications": ["Hadoop"],
        "primary": NodeGroup(("m5.xlarge",), 1),
        "core": NodeGroup(("m5.xlarge",), 2),
        "workload_type": WorkloadType.PERSISTENT,
    }
    return EmrCluster(stack, "Cluster", **(props | overrides))


def test_fails_when_data_critical_primary_is_spot() -> None:
    with pytest.raises(ValueError, match=r"primary.market = .*must keep its primary node"):
        _cluster(
            workload_type=WorkloadType.DATA_CRITICAL,
            primary=NodeGroup(("m5.xlarge",), 1, Market.SPOT),
        )


def test_fails_when_burst_cluster_has_no_metastore() -> None:
    stack, vpc = _stack()
    with pytest.raises(
        ValueError, match="metastore_uri = None: a burst cluster queries the on-prem"
    ):
        EmrCluster.burst_compute(
            stack,
            "Burst",
            vpc=vpc,
            metastore_uri=None,
            alluxio=AlluxioOptions(bootstrap_script=ALLUXIO_SCRIPT),
        )


def test_fails_when_idle_timeout_is_below_emr_minimum() -> None:
    with pytest.raises(
        ValueError, match=r"idle_timeout = .*from 1 minute to 7 days; got 30 seconds"
    ):
        _cluster(idle_timeout=cdk.Duration.seconds(30))


def test_fails_when_instance_type_is_unknown_to_the_release() -> None:
    with pytest.raises(ValueError, match=r"\[0\] = 'm6g.xlarge': emr-5.30.0 does not support m6g"):
        _cluster(
            release_label="emr-5.30.0",
            core=NodeGroup(("m6g.xlarge",), 2),
            idle_timeout=None,
        )


def test_fails_when_trino_is_asked_of_an_old_release() -> None:
    with pytest.raises(ValueError, match=r"Trino needs emr-6\.4\.0 or later"):
        _cluster(release_label="emr-6.2.0", applications=["Hadoop", "Trino"])


def test_fails_when_presto_and_trino_share_a_cluster() -> None:
    with pytest.raises(ValueError, match="Presto and Trino cannot run on the same cluster"):
        _cluster(applications=["Hadoop", "Presto", "Trino"])


def test_fails_when_instance_groups_get_several_types() -> None:
    with pytest.raises(ValueError, match="instance groups take one"):
        _cluster(
            capacity_mode=CapacityMode.INSTANCE_GROUPS,
            core=NodeGroup(("m5.xlarge", "m5a.xlarge"), 2),
        )


def test_one_error_lists_every_problem() -> None:
    with pytest.raises(ValueError, match=r"^EmrCluster 'Test/Cluster': ") as err:
        _cluster(
            release_label="6.15",
            core=NodeGroup(("not a type",), 0),
            managed_scaling=ScalingLimits(minimum=5, maximum=2),
            idle_timeout=cdk.Duration.days(8),
        )
    message = str(err.value)
    for fragment in (
        "release_label = '6.15'",
        "core.instance_types[0] = 'not a type': use an EC2 instance type",
        "core.count = 0",
        "managed_scaling.minimum = 5: must not exceed maximum 2",
        "idle_timeout = ",
        "got 8 days",
    ):
        assert fragment in message
