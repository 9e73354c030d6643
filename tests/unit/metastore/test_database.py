"""MetastoreDatabase: the secure defaults of the metastore's PostgreSQL and its proxy."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
from aws_cdk.assertions import Annotations, Match, Template

from emr_burst.core import versions
from emr_burst.core.removal import REMOVE_DATA_FLAG
from emr_burst.metastore import MetastoreDatabase
from tests.harness.reference import new_app
from tests.unit.emr_eks.eks_app import new_stack
from tests.unit.metastore.hms_app import HmsApp, vpc_with_isolated_subnets


def _one(app: HmsApp, type_name: str) -> dict[str, Any]:
    (resource,) = app.resources(type_name).values()
    return resource


def test_instance_is_encrypted_private_protected_and_snapshotted(app: HmsApp) -> None:
    instance = _one(app, "AWS::RDS::DBInstance")
    props = instance["Properties"]
    assert props["Engine"] == "postgres"
    assert props["EngineVersion"] == versions.METASTORE_POSTGRES_MAJOR
    assert props["StorageEncrypted"] is True
    key_id = app.stack.get_logical_id(app.database.encryption_key.node.default_child)  # type: ignore[arg-type]
    assert props["KmsKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert props["DeletionProtection"] is True
    assert props["MultiAZ"] is True
    assert props["PubliclyAccessible"] is False
    assert props["DBName"] == "hivemetastore"
    assert props["Port"] == "5432"
    assert props["EnableIAMDatabaseAuthentication"] is False
    assert props["BackupRetentionPeriod"] == 7
    assert instance["DeletionPolicy"] == "Snapshot"
    assert instance["UpdateReplacePolicy"] == "Snapshot"


def test_instance_sits_in_the_isolated_subnets(app: HmsApp) -> None:
    group = _one(app, "AWS::RDS::DBSubnetGroup")
    subnets = json.dumps(group["Properties"]["SubnetIds"])
    assert "IsolatedSubnet" in subnets
    assert "PrivateSubnet" not in subnets


def test_parameter_group_forces_tls(app: HmsApp) -> None:
    group = _one(app, "AWS::RDS::DBParameterGroup")
    assert group["Properties"]["Parameters"] == {"rds.force_ssl": "1"}


def test_credentials_are_generated_for_the_metastore_user_and_kms_encrypted(app: HmsApp) -> None:
    secret = _one(app, "AWS::SecretsManager::Secret")["Properties"]
    generated = secret["GenerateSecretString"]
    assert json.loads(generated["SecretStringTemplate"]) == {"username": "hive_metastore_user"}
    assert generated["GenerateStringKey"] == "password"
    assert "KmsKeyId" in secret


def test_proxy_requires_tls_and_uses_the_secret_not_iam(app: HmsApp) -> None:
    proxy = _one(app, "AWS::RDS::DBProxy")["Properties"]
    assert proxy["RequireTLS"] is True
    assert proxy["EngineFamily"] == "POSTGRESQL"
    (auth,) = proxy["Auth"]
    assert auth["IAMAuth"] == "DISABLED"
    assert auth["AuthScheme"] == "SECRETS"


def test_database_admits_only_the_proxy_and_the_proxy_only_the_cluster(app: HmsApp) -> None:
    db_sg = app.stack.get_logical_id(app.database.database_security_group.node.default_child)  # type: ignore[arg-type]
    proxy_sg = app.stack.get_logical_id(app.database.proxy_security_group.node.default_child)  # type: ignore[arg-type]
    rules = [r["Properties"] for r in app.resources("AWS::EC2::SecurityGroupIngress").values()]
    to_db = [r for r in rules if r["GroupId"] == {"Fn::GetAtt": [db_sg, "GroupId"]}]
    assert [r["SourceSecurityGroupId"] for r in to_db] == [{"Fn::GetAtt": [proxy_sg, "GroupId"]}]
    to_proxy = [r for r in rules if r["GroupId"] == {"Fn::GetAtt": [proxy_sg, "GroupId"]}]
    cluster = app.stack.get_logical_id(app.platform.eks_cluster.node.default_child)  # type: ignore[arg-type]
    # Both metastores of the app run on the same nodes: one rule, from the nodes' group only.
    assert [r["SourceSecurityGroupId"] for r in to_proxy] == [
        {"Fn::GetAtt": [cluster, "ClusterSecurityGroupId"]}
    ]
    assert all(r["FromPort"] == 5432 and r["ToPort"] == 5432 for r in to_proxy)
    groups = app.resources("AWS::EC2::SecurityGroup")
    assert all(
        "CidrIp" not in json.dumps(groups[g]["Properties"].get("SecurityGroupIngress", []))
        for g in (db_sg, proxy_sg)
    )


def test_rotation_is_optional_and_scheduled_when_asked() -> None:
    stack = new_stack("DbRotated")
    vpc = vpc_with_isolated_subnets(stack)
    MetastoreDatabase(stack, "Db", vpc=vpc, rotation=cdk.Duration.days(30))
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::SecretsManager::RotationSchedule", 1)
    template.has_resource_properties(
        "AWS::SecretsManager::RotationSchedule",
        {"RotationRules": {"ScheduleExpression": "rate(30 days)"}},
    )


def test_no_rotation_by_default(app: HmsApp) -> None:
    assert app.resources("AWS::SecretsManager::RotationSchedule") == {}


def test_destroy_turns_deletion_protection_off_so_the_stack_can_be_destroyed() -> None:
    stack = cdk.Stack(new_app({REMOVE_DATA_FLAG: True}), "DbDestroyed")
    vpc = vpc_with_isolated_subnets(stack)
    MetastoreDatabase(stack, "Db", vpc=vpc, removal_policy=cdk.RemovalPolicy.DESTROY)
    (instance,) = Template.from_stack(stack).find_resources("AWS::RDS::DBInstance").values()
    assert instance["Properties"]["DeletionProtection"] is False
    assert instance["DeletionPolicy"] == "Delete"


def test_rotation_warns_that_the_metastore_pods_must_be_restarted() -> None:
    stack = new_stack("DbRotatedWarning")
    vpc = vpc_with_isolated_subnets(stack)
    MetastoreDatabase(stack, "Db", vpc=vpc, rotation=cdk.Duration.days(30))
    warnings = Annotations.from_stack(stack).find_warning("*", Match.string_like_regexp("rollout"))
    assert len(warnings) == 1
    assert "rollout restart deployment/hive-metastore" in str(warnings[0].entry.data)


def test_no_rotation_warning_without_rotation(app: HmsApp) -> None:
    warnings = Annotations.from_stack(app.stack).find_warning(
        "*", Match.string_like_regexp("rollout restart")
    )
    assert warnings == []
