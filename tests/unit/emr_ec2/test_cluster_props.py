"""EmrCluster props as a new user gets them wrong: each is an EmrBurstError naming prop and fix."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam

from emr_burst.core.errors import EmrBurstError
from emr_burst.emr_ec2 import BootstrapAction, EngineCatalog, QueryEngine
from emr_burst.emr_ec2.capacity import CapacityMode, Market, NodeGroup, WorkloadType
from emr_burst.emr_ec2.cluster import EmrCluster
from tests.unit.emr_ec2.helpers import cluster_props, problem, stack_and_vpc

METASTORE = "thrift://ip-10-100-1-5.ec2.internal:9083"


_stack = stack_and_vpc


def _props(vpc: ec2.IVpc, **overrides: Any) -> dict[str, Any]:
    return cluster_props(vpc) | overrides


def _fails(**overrides: Any) -> pytest.ExceptionInfo[EmrBurstError]:
    stack, vpc = _stack()
    with pytest.raises(EmrBurstError) as err:
        EmrCluster(stack, "Cluster", **(_props(vpc) | overrides))
    assert all(p.where == "EmrCluster 'Test/Cluster'" for p in err.value.problems)
    return err


def test_strings_that_name_enum_members_are_accepted() -> None:
    stack, vpc = _stack()
    cluster = EmrCluster(
        stack,
        "Cluster",
        **_props(
            vpc,
            workload_type="data-critical",
            capacity_mode="INSTANCE_GROUPS",
            spot_allocation_strategy="capacity-optimized",
            task=NodeGroup(("m5.xlarge",), 2, "spot"),
        ),
    )
    assert cluster.workload_type is WorkloadType.DATA_CRITICAL
    assert cluster.capacity_mode is CapacityMode.INSTANCE_GROUPS
    assert cluster.markets["task"] is Market.SPOT


def test_fails_when_workload_type_is_not_a_choice() -> None:
    fix = problem(_fails(workload_type="critical"), "workload_type").fix
    assert "choose one of 'persistent', 'cost-driven', 'data-critical', 'test'" in fix


def test_fails_when_release_label_is_malformed() -> None:
    assert "'emr-6.15.0'" in problem(_fails(release_label="6.15.0"), "release_label").fix


def test_fails_when_release_line_is_too_old() -> None:
    assert "EMR 5, 6 or 7" in problem(_fails(release_label="emr-4.9.0"), "release_label").fix


def test_fails_when_applications_is_a_string() -> None:
    assert "list of strings" in problem(_fails(applications="Hadoop"), "applications").fix


def test_fails_when_applications_is_empty() -> None:
    assert "at least one application" in problem(_fails(applications=[]), "applications").fix


def test_fails_when_trino_is_asked_of_an_old_release() -> None:
    err = _fails(release_label="emr-6.2.0", applications=["Hadoop", "Trino"])
    assert "Trino needs emr-6.4.0 or later" in problem(err, "applications[1]").fix


def test_fails_when_presto_and_trino_share_a_cluster() -> None:
    err = _fails(applications=["Hadoop", "Presto", "Trino"])
    assert "Presto and Trino cannot run on the same cluster" in problem(err, "applications").fix


def test_fails_when_instance_groups_get_several_types() -> None:
    err = _fails(
        capacity_mode=CapacityMode.INSTANCE_GROUPS, core=NodeGroup(("m5.xlarge", "m5a.xlarge"), 2)
    )
    assert "instance groups take one type" in problem(err, "core.instance_types").fix


def test_fails_when_primary_is_missing() -> None:
    assert "NodeGroup" in problem(_fails(primary=None), "primary").fix


def test_fails_when_primary_count_is_two() -> None:
    assert (
        "use 1 primary"
        in problem(_fails(primary=NodeGroup(("m5.xlarge",), 2)), "primary.count").fix
    )


def test_fails_when_idle_timeout_is_a_number() -> None:
    assert "aws_cdk.Duration" in problem(_fails(idle_timeout=3600), "idle_timeout").fix


def test_fails_when_spot_timeout_is_outside_fleet_bounds() -> None:
    err = _fails(spot_timeout=cdk.Duration.minutes(2))
    assert "from 5 minutes to 1 day" in problem(err, "spot_timeout").fix


def test_fails_when_idle_timeout_is_asked_of_a_release_without_it() -> None:
    err = _fails(release_label="emr-5.29.0")
    assert "emr-5.30.0 or later" in problem(err, "idle_timeout").fix


def test_fails_when_on_demand_fallback_is_a_string() -> None:
    assert "True or False" in problem(_fails(on_demand_fallback="no"), "on_demand_fallback").fix


def test_fails_when_configuration_values_are_not_strings() -> None:
    err = _fails(configurations={"spark-defaults": {"spark.executor.cores": 4}})
    assert "must be strings" in problem(err, "configurations['spark-defaults']").fix


def test_fails_when_configurations_is_a_list() -> None:
    assert "dict of classification" in problem(_fails(configurations=["x"]), "configurations").fix


def test_fails_when_bootstrap_script_is_not_in_s3() -> None:
    err = _fails(bootstrap_actions=[BootstrapAction("Install", "https://example.com/x.sh")])
    assert "S3 object URI" in problem(err, "bootstrap_actions[0].path").fix


def test_fails_when_bootstrap_actions_is_one_action() -> None:
    err = _fails(bootstrap_actions=BootstrapAction("Install", "s3://my-bucket/x.sh"))
    assert "expected a list" in problem(err, "bootstrap_actions").fix


def test_fails_when_bootstrap_actions_exceed_emr_limit() -> None:
    actions = [BootstrapAction(f"A{i}", f"s3://my-bucket/{i}.sh") for i in range(17)]
    assert "at most 16" in problem(_fails(bootstrap_actions=actions), "bootstrap_actions").fix


def test_fails_when_two_catalogs_share_a_name() -> None:
    catalog = EngineCatalog(QueryEngine.PRESTO, METASTORE)
    err = _fails(applications=["Hadoop", "Presto"], catalogs=[catalog, catalog])
    assert "list each entry once" in problem(err, "catalogs").fix


def test_fails_when_catalog_engine_is_not_installed() -> None:
    err = _fails(catalogs=[EngineCatalog(QueryEngine.TRINO, METASTORE)])
    assert "Trino is not in applications" in problem(err, "catalogs[0].engine").fix


def test_fails_when_vpc_is_not_an_ivpc() -> None:
    assert "ec2.IVpc" in problem(_fails(vpc="vpc-123"), "vpc").fix


def test_fails_when_vpc_has_no_private_subnets() -> None:
    stack = cdk.Stack(cdk.App(), "Test")
    public_only = ec2.Vpc(
        stack,
        "Vpc",
        max_azs=2,
        nat_gateways=0,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="Public", subnet_type=ec2.SubnetType.PUBLIC)
        ],
    )
    with pytest.raises(EmrBurstError) as err:
        EmrCluster(stack, "Cluster", **_props(public_only))
    assert "no 'Private' subnet groups" in problem(err, "vpc").fix


def test_fails_when_subnets_is_a_list_of_ids() -> None:
    assert "SubnetSelection" in problem(_fails(subnets=["subnet-1"]), "subnets").fix


def test_fails_when_logs_bucket_is_a_name() -> None:
    assert "s3.IBucket" in problem(_fails(logs_bucket="my-logs"), "logs_bucket").fix


def test_fails_when_instance_role_is_an_arn() -> None:
    err = _fails(instance_role="arn:aws:iam::123456789012:role/x")
    assert "iam.IRole" in problem(err, "instance_role").fix


def test_fails_when_both_roles_have_one_name() -> None:
    stack, vpc = _stack()
    first = iam.Role.from_role_name(stack, "A", "emr-role")
    second = iam.Role.from_role_name(stack, "B", "emr-role")
    with pytest.raises(EmrBurstError) as err:
        EmrCluster(stack, "Cluster", **_props(vpc, instance_role=first, service_role=second))
    assert "must be two roles" in problem(err, "service_role").fix


def test_fails_when_security_groups_is_one_group() -> None:
    stack, vpc = _stack()
    group = ec2.SecurityGroup(stack, "Extra", vpc=vpc)
    with pytest.raises(EmrBurstError) as err:
        EmrCluster(stack, "Cluster", **_props(vpc, additional_security_groups=group))
    assert "expected a list" in problem(err, "additional_security_groups").fix


def test_fails_when_cluster_name_is_too_long() -> None:
    assert "1 to 256 characters" in problem(_fails(cluster_name="x" * 257), "cluster_name").fix


def test_fails_when_removal_policy_is_a_string() -> None:
    assert "RemovalPolicy" in problem(_fails(removal_policy="retain"), "removal_policy").fix


def test_every_problem_is_reported_at_once() -> None:
    err = _fails(release_label="6.15", applications="Hadoop", idle_timeout=60, vpc=None)
    assert {p.prop for p in err.value.problems} >= {
        "release_label",
        "applications",
        "idle_timeout",
        "vpc",
    }
