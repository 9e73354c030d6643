"""Bad input to the metastore constructs fails at synth time, all problems at once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3

from emr_burst.core.errors import EmrBurstError
from emr_burst.emr_eks import EmrEksPlatform, NodeGroupCompute, SparkTeam
from emr_burst.metastore import HiveMetastore, MetastoreDatabase, MetastoreImage, MetastorePattern
from emr_burst.metastore.manifests import MetastoreResources
from tests.harness.reference import new_app
from tests.unit.emr_eks.eks_app import KUBECTL_LAYER_ARN, imported_platform, new_stack
from tests.unit.emr_eks.eks_app import vpc as vpc_without_isolated_subnets
from tests.unit.metastore.hms_app import IMAGE, platform_in, vpc_with_isolated_subnets


@dataclass
class Base:
    stack: cdk.Stack
    platform: EmrEksPlatform
    database: MetastoreDatabase


@pytest.fixture(scope="module")
def base() -> Base:
    stack = new_stack("HmsBad")
    vpc = vpc_with_isolated_subnets(stack)
    return Base(stack, platform_in(stack, vpc), MetastoreDatabase(stack, "Db", vpc=vpc))


def _metastore(base: Base, construct_id: str, **props: Any) -> HiveMetastore:
    props = {
        "pattern": MetastorePattern.CLUSTER_DEDICATED,
        "platform": base.platform,
        "database": base.database,
        "image": IMAGE,
        # One namespace per metastore built here: the module's tests share one platform.
        "namespace": f"hms-{construct_id.lower()}",
        **props,
    }
    return HiveMetastore(base.stack, construct_id, **props)


def _props(err: pytest.ExceptionInfo[EmrBurstError]) -> list[str]:
    return [problem.prop for problem in err.value.problems]


@pytest.mark.parametrize("replicas", [0, -1, 2.5, "2", True])
def test_fails_when_replicas_is_not_a_positive_count(base: Base, replicas: Any) -> None:
    with pytest.raises(EmrBurstError) as err:
        _metastore(base, "Bad", replicas=replicas)
    assert _props(err) == ["replicas"]
    assert "whole number from 1" in str(err.value)


@pytest.mark.parametrize(
    "location", ["hdfs://nn:8020/warehouse", "s3n://lake/warehouse", "/warehouse", "s3://"]
)
def test_fails_when_the_warehouse_is_not_s3_or_s3a(base: Base, location: str) -> None:
    lake = s3.Bucket.from_bucket_name(base.stack, f"Lake{abs(hash(location))}", "lake")
    with pytest.raises(EmrBurstError) as err:
        _metastore(base, "Bad", warehouse_bucket=lake, warehouse_location=location)
    assert _props(err) == ["warehouse_location"]
    assert "s3:// or s3a://" in str(err.value)


def test_fails_when_the_warehouse_is_outside_its_bucket(base: Base) -> None:
    lake = s3.Bucket.from_bucket_name(base.stack, "OtherLake", "lake")
    with pytest.raises(EmrBurstError, match="is not in warehouse_bucket 'lake'"):
        _metastore(base, "Bad", warehouse_bucket=lake, warehouse_location="s3://elsewhere/wh/")


@pytest.mark.parametrize("tag", ["", "latest", None, "4.0 .1"])
def test_fails_when_the_image_has_no_fixed_tag(base: Base, tag: Any) -> None:
    image = MetastoreImage(repository=IMAGE.repository, tag=tag)
    with pytest.raises(EmrBurstError) as err:
        _metastore(base, "Bad", image=image)
    assert _props(err) == ["image.tag"]


def test_fails_when_the_tag_hides_in_the_repository(base: Base) -> None:
    image = MetastoreImage(repository=f"{IMAGE.repository}:latest", tag="1")
    with pytest.raises(EmrBurstError, match="without a tag or digest"):
        _metastore(base, "Bad", image=image)


def test_fails_when_the_external_pattern_has_no_network_path_from_clients(base: Base) -> None:
    with pytest.raises(EmrBurstError) as err:
        _metastore(base, "Bad", pattern="external")
    assert _props(err) == ["client_cidrs"]
    assert "internal NLB" in str(err.value)


def test_fails_when_client_cidrs_are_given_to_an_in_cluster_pattern(base: Base) -> None:
    with pytest.raises(EmrBurstError, match="only the external pattern"):
        _metastore(base, "Bad", client_cidrs=["10.1.0.0/16"])


def test_fails_when_a_sidecar_is_given_replicas(base: Base) -> None:
    with pytest.raises(EmrBurstError, match="once per driver pod"):
        _metastore(base, "Bad", pattern=MetastorePattern.SIDECAR, replicas=3)


def test_reports_every_problem_at_once(base: Base) -> None:
    with pytest.raises(EmrBurstError) as err:
        _metastore(
            base,
            "Bad",
            pattern="sidecr",
            replicas=0,
            image=MetastoreImage(repository="hive-metastore", tag="latest"),
            namespace="kube-hms",
        )
    assert _props(err) == ["pattern", "image.repository", "image.tag", "replicas", "namespace"]
    assert "did you mean 'sidecar'" in str(err.value)
    assert "HiveMetastore 'HmsBad/Bad'" in str(err.value)


def test_fails_when_the_sidecar_team_cannot_read_the_secret() -> None:
    """A team whose job role lives in another account cannot read the database secret."""
    app = new_app()
    home = cdk.Stack(app, "Home", env=cdk.Environment(account="111111111111", region="us-east-1"))
    away = cdk.Stack(app, "Away", env=cdk.Environment(account="222222222222", region="us-east-1"))
    vpc = vpc_with_isolated_subnets(home)
    platform = platform_in(home, vpc)
    sidecar = HiveMetastore(
        home,
        "Sidecar",
        pattern=MetastorePattern.SIDECAR,
        platform=platform,
        database=MetastoreDatabase(home, "Db", vpc=vpc),
        image=IMAGE,
    )
    team = SparkTeam(
        away,
        "Team",
        platform=platform,
        namespace="away",
        role_name="away-job",
        bucket=s3.Bucket(away, "Jobs"),
        encryption_key=kms.Key(away, "Key"),
    )
    with pytest.raises(EmrBurstError) as err:
        team.add_extension(sidecar)
    assert "cannot read the database secret of account 111111111111" in str(err.value)
    # Nothing was applied to the team.
    assert "spark.sql.catalogImplementation" not in team.spark_conf


def test_fails_when_a_sidecar_team_is_on_another_platform(base: Base) -> None:
    stack = new_stack("HmsElsewhere")
    other = platform_in(stack, vpc_with_isolated_subnets(stack))
    sidecar = _metastore(base, "SidecarForOthers", pattern=MetastorePattern.SIDECAR)
    team = SparkTeam(stack, "Team", platform=other, namespace="elsewhere", role_name="else-job")
    with pytest.raises(EmrBurstError, match="a sidecar metastore runs on its own platform's"):
        team.add_extension(sidecar)
    dedicated = _metastore(base, "DedicatedForOthers")
    with pytest.raises(
        EmrBurstError, match=re.escape("use MetastorePattern.EXTERNAL for other clusters")
    ):
        team.add_extension(dedicated)


def test_database_fails_without_isolated_subnets_and_with_bad_props() -> None:
    stack = new_stack("DbBad")
    with pytest.raises(EmrBurstError) as err:
        MetastoreDatabase(
            stack,
            "Db",
            vpc=vpc_without_isolated_subnets(stack),
            instance_type="large",
            backup_retention=cdk.Duration.days(40),
            multi_az="yes",  # type: ignore[arg-type]
        )
    assert _props(err) == ["vpc", "instance_type", "multi_az", "backup_retention"]


def test_database_refuses_a_vpc_that_is_not_one(base: Base) -> None:
    with pytest.raises(EmrBurstError, match=re.escape("expected an ec2.IVpc")):
        MetastoreDatabase(base.stack, "NoVpc", vpc="vpc-123")  # type: ignore[arg-type]


def test_allow_from_takes_a_security_group(base: Base) -> None:
    with pytest.raises(EmrBurstError, match=re.escape("ec2.ISecurityGroup")):
        base.database.allow_from("sg-123", "clients")  # type: ignore[arg-type]
    group = ec2.SecurityGroup(base.stack, "Clients", vpc=base.database.vpc)
    base.database.allow_from(group, "clients")
    # The rule: exactly this group, on PostgreSQL's port, into the proxy's group.
    stack = base.stack
    proxy = stack.resolve(base.database.proxy_security_group.security_group_id)
    source = stack.resolve(group.security_group_id)
    ingress = [
        (rule.ip_protocol, rule.from_port, rule.to_port, rule.description)
        for rule in stack.node.find_all()
        if isinstance(rule, ec2.CfnSecurityGroupIngress)
        and stack.resolve(rule.group_id) == proxy
        and stack.resolve(rule.source_security_group_id) == source
    ]
    assert ingress == [("tcp", 5432, 5432, "clients")]


def test_fails_when_removal_policy_or_identity_is_not_a_member(base: Base) -> None:
    with pytest.raises(EmrBurstError) as err:
        _metastore(base, "Bad", removal_policy="destroy")
    assert _props(err) == ["removal_policy"]
    hms = _metastore(base, "Fine", pattern=MetastorePattern.SIDECAR)
    with pytest.raises(EmrBurstError, match="did you mean 'irsa'"):
        hms.spark_conf("irsaa")
    assert hms.spark_conf("pod-identity")["spark.sql.catalogImplementation"] == "hive"


def test_fails_before_building_when_the_namespace_is_taken(base: Base) -> None:
    _metastore(base, "First", namespace="hms-first")
    with pytest.raises(EmrBurstError) as err:
        _metastore(base, "Second", namespace="hms-first")
    assert _props(err) == ["namespace"]
    assert "HiveMetastore 'HmsBad/Second'" in str(err.value)
    assert base.stack.node.try_find_child("Second") is None


def test_external_refuses_a_node_group_platform_with_no_load_balancer_controller() -> None:
    stack = new_stack("HmsNodeGroup")
    vpc = vpc_with_isolated_subnets(stack)
    platform = EmrEksPlatform(
        stack,
        "Platform",
        vpc=vpc,
        compute=NodeGroupCompute(),
        kubectl_layer=lambda_.LayerVersion.from_layer_version_arn(
            stack, "KubectlLayer", KUBECTL_LAYER_ARN
        ),
    )
    database = MetastoreDatabase(stack, "Db", vpc=vpc)
    with pytest.raises(EmrBurstError) as err:
        HiveMetastore(
            stack,
            "External",
            pattern=MetastorePattern.EXTERNAL,
            platform=platform,
            database=database,
            image=IMAGE,
            client_cidrs=["10.0.0.0/16"],
        )
    assert _props(err) == ["platform"]
    assert "compute=AutoModeCompute()" in str(err.value)


def test_external_refuses_a_platform_without_its_vpc(base: Base) -> None:
    stack = new_stack("HmsImported")
    with pytest.raises(EmrBurstError) as err:
        HiveMetastore(
            stack,
            "NoVpc",
            pattern=MetastorePattern.EXTERNAL,
            platform=imported_platform(stack),
            database=base.database,
            image=IMAGE,
            client_cidrs=["10.0.0.0/16"],
        )
    assert "import it with vpc=..." in str(err.value)


def test_external_refuses_client_cidrs_open_to_every_address(base: Base) -> None:
    everyone = "0.0.0.0/0"
    with pytest.raises(EmrBurstError) as err:
        _metastore(
            base,
            "Open",
            pattern=MetastorePattern.EXTERNAL,
            client_cidrs=["10.0.0.0/16", everyone],
        )
    assert _props(err) == ["client_cidrs"]
    assert everyone in str(err.value)
    assert "every address" in str(err.value)


def test_external_refuses_a_team_whose_vpc_is_outside_client_cidrs() -> None:
    stack = new_stack("HmsOutside")
    vpc = vpc_with_isolated_subnets(stack)
    other = ec2.Vpc(
        stack,
        "OtherVpc",
        ip_addresses=ec2.IpAddresses.cidr("10.1.0.0/16"),
        max_azs=2,
        nat_gateways=1,
        restrict_default_security_group=False,
    )
    hms = HiveMetastore(
        stack,
        "External",
        pattern=MetastorePattern.EXTERNAL,
        platform=platform_in(stack, vpc, "MetastorePlatform"),
        database=MetastoreDatabase(stack, "Db", vpc=vpc),
        image=IMAGE,
        client_cidrs=["10.0.0.0/16"],
    )
    inside = SparkTeam(
        stack,
        "Inside",
        platform=platform_in(stack, vpc, "InsidePlatform"),
        namespace="inside",
        role_name="hms-inside-job",
    )
    inside.add_extension(hms)
    outside = SparkTeam(
        stack,
        "Outside",
        platform=platform_in(stack, other, "OutsidePlatform"),
        namespace="outside",
        role_name="hms-outside-job",
    )
    with pytest.raises(EmrBurstError) as err:
        outside.add_extension(hms)
    assert _props(err) == ["bind(target)"]
    assert "VPC 10.1.0.0/16 is outside client_cidrs ['10.0.0.0/16']" in str(err.value)
    assert "add 10.1.0.0/16 to client_cidrs" in str(err.value)


@pytest.mark.parametrize("location", ["s3://lake", "s3://lake/", "s3a://lake//"])
def test_fails_when_the_warehouse_is_the_bucket_root(base: Base, location: str) -> None:
    lake = s3.Bucket.from_bucket_name(base.stack, f"Root{abs(hash(location))}", "lake")
    with pytest.raises(EmrBurstError) as err:
        _metastore(base, "Root", warehouse_bucket=lake, warehouse_location=location)
    assert _props(err) == ["warehouse_location"]
    assert "use a prefix such as 's3://<bucket>/warehouse/'" in str(err.value)


@pytest.mark.parametrize(
    "rotation", [cdk.Duration.hours(1), cdk.Duration.days(2000), cdk.Duration.days(0)]
)
def test_database_refuses_a_rotation_secrets_manager_cannot_schedule(
    base: Base, rotation: cdk.Duration
) -> None:
    with pytest.raises(EmrBurstError) as err:
        MetastoreDatabase(base.stack, "BadRotation", vpc=base.database.vpc, rotation=rotation)
    assert _props(err) == ["rotation"]
    assert "use a Duration from 4 hours to 1000 days" in str(err.value)
    assert base.stack.node.try_find_child("BadRotation") is None


@pytest.mark.parametrize(
    "retention", [cdk.Duration.hours(36), cdk.Duration.days(0), cdk.Duration.days(36)]
)
def test_database_refuses_backups_that_are_not_1_to_35_whole_days(
    base: Base, retention: cdk.Duration
) -> None:
    with pytest.raises(EmrBurstError) as err:
        MetastoreDatabase(
            base.stack, "BadBackups", vpc=base.database.vpc, backup_retention=retention
        )
    assert _props(err) == ["backup_retention"]
    assert "use a Duration from 1 day to 35 days in steps of 1 day" in str(err.value)


def test_allow_from_refuses_a_description_that_is_not_text(base: Base) -> None:
    group = ec2.SecurityGroup(base.stack, "NumberedClients", vpc=base.database.vpc)
    with pytest.raises(EmrBurstError) as err:
        base.database.allow_from(group, 123)  # type: ignore[arg-type]
    assert _props(err) == ["allow_from(description)"]
    assert "describe the clients in words" in str(err.value)


def test_fails_when_the_cpu_request_is_above_the_limit(base: Base) -> None:
    with pytest.raises(EmrBurstError) as err:
        _metastore(base, "Greedy", resources=MetastoreResources(cpu_request="4", cpu_limit="1"))
    assert _props(err) == ["resources.cpu_request"]
    assert "is above cpu_limit '1'" in str(err.value)


@pytest.mark.parametrize("instance_type", ["foo.bar", "db.m7g.large", "m7g", "m7g.huge"])
def test_database_refuses_an_instance_type_that_is_not_one(base: Base, instance_type: str) -> None:
    with pytest.raises(EmrBurstError) as err:
        MetastoreDatabase(base.stack, "BadType", vpc=base.database.vpc, instance_type=instance_type)
    assert _props(err) == ["instance_type"]
    assert "such as 'm7g.large'" in str(err.value)
