"""EmrEksPlatform: access entries, endpoint, logging, encryption, compute modes, bad input."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk.assertions import Match, Template

from emr_burst.core.errors import Checker, EmrBurstError
from emr_burst.emr_eks.compute import AutoModeCompute, NodeGroupCompute, node_pool_manifest
from emr_burst.emr_eks.platform import EmrEksPlatform
from tests.harness.checks import manifest_errors, manifests_in
from tests.unit.emr_eks.eks_app import AutoModeApp, layer, new_stack, vpc

ALL_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"]


def _resources(template: dict[str, Any], type_: str) -> dict[str, Any]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == type_}


def _node_pools(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        obj["metadata"]["name"]: obj
        for _, obj in manifests_in(template)
        if obj["kind"] in ("NodePool", "NodeClass")
    }


def test_cluster_uses_access_entries_only(auto_app: AutoModeApp) -> None:
    auto_app.template.has_resource_properties(
        "AWS::EKS::Cluster",
        {
            "AccessConfig": {
                "AuthenticationMode": "API",
                "BootstrapClusterCreatorAdminPermissions": False,
            },
            "Version": "1.35",
        },
    )


def test_no_aws_auth_and_no_service_linked_role_anywhere(
    auto_app: AutoModeApp, fixed_app: Any
) -> None:
    for template in (auto_app.json, fixed_app[1].to_json()):
        text = json.dumps(template)
        assert "aws-auth" not in text
        assert "AWS::IAM::ServiceLinkedRole" not in text
        assert "mapRoles" not in text


def test_endpoint_is_private_by_default(auto_app: AutoModeApp) -> None:
    auto_app.template.has_resource_properties(
        "AWS::EKS::Cluster",
        {
            "ResourcesVpcConfig": Match.object_like(
                {"EndpointPrivateAccess": True, "EndpointPublicAccess": False}
            )
        },
    )


def test_public_endpoint_only_with_the_given_cidrs(
    fixed_app: tuple[EmrEksPlatform, Template],
) -> None:
    fixed_app[1].has_resource_properties(
        "AWS::EKS::Cluster",
        {
            "ResourcesVpcConfig": Match.object_like(
                {
                    "EndpointPrivateAccess": True,
                    "EndpointPublicAccess": True,
                    "PublicAccessCidrs": ["203.0.113.0/24"],
                }
            )
        },
    )


def test_control_plane_logs_and_secrets_encryption(auto_app: AutoModeApp) -> None:
    auto_app.template.has_resource_properties(
        "AWS::EKS::Cluster",
        {
            "Logging": {"ClusterLogging": {"EnabledTypes": [{"Type": t} for t in ALL_LOG_TYPES]}},
            "EncryptionConfig": [
                {
                    "Provider": {
                        "KeyArn": {"Fn::GetAtt": [Match.string_like_regexp("SecretsKey"), "Arn"]}
                    },
                    "Resources": ["secrets"],
                }
            ],
        },
    )
    auto_app.template.has_resource_properties("AWS::KMS::Key", {"EnableKeyRotation": True})


def test_secrets_and_data_keys_are_retained_by_default(auto_app: AutoModeApp) -> None:
    for key in _resources(auto_app.json, "AWS::KMS::Key").values():
        assert key["DeletionPolicy"] == "Retain"


def test_admin_role_gets_a_cluster_admin_access_entry(auto_app: AutoModeApp) -> None:
    admin_arn = auto_app.stack.resolve(auto_app.admin.role_arn)
    entries = [
        e["Properties"]
        for e in _resources(auto_app.json, "AWS::EKS::AccessEntry").values()
        if e["Properties"]["PrincipalArn"] == admin_arn
    ]
    assert len(entries) == 1
    (policy,) = entries[0]["AccessPolicies"]
    assert policy["AccessScope"] == {"Type": "cluster"}
    assert "policy/AmazonEKSClusterAdminPolicy" in json.dumps(policy["PolicyArn"])


def test_one_kubectl_provider_with_the_given_layer(auto_app: AutoModeApp) -> None:
    functions = _resources(auto_app.json, "AWS::Lambda::Function")
    assert len(functions) == 2  # the kubectl handler and its provider framework
    handler = [f for f in functions.values() if "kubectl" in f["Properties"].get("Description", "")]
    assert handler
    assert (
        handler[0]["Properties"]["Layers"][0]
        == "arn:aws:lambda:us-east-1:123456789012:layer:kubectl:1"
    )
    assert handler[0]["Properties"]["VpcConfig"]["SubnetIds"]


def test_platform_with_two_teams_stays_within_the_lambda_and_custom_resource_budget(
    auto_app: AutoModeApp,
) -> None:
    types = [r["Type"] for r in auto_app.json["Resources"].values()]
    assert sum(t == "AWS::Lambda::Function" for t in types) <= 2
    assert sum(t.startswith("Custom::") for t in types) <= 12


def test_provider_log_groups_are_kms_encrypted(auto_app: AutoModeApp) -> None:
    for group in _resources(auto_app.json, "AWS::Logs::LogGroup").values():
        assert "KmsKeyId" in group["Properties"], group


def test_auto_mode_drivers_on_demand_executors_on_spot_both_architectures(
    auto_app: AutoModeApp,
) -> None:
    pools = _node_pools(auto_app.json)
    assert set(pools) == {"spark", "spark-driver", "spark-executor"}

    def requirement(pool: str, key: str) -> list[str]:
        reqs = pools[pool]["spec"]["template"]["spec"]["requirements"]
        return next(r["values"] for r in reqs if r["key"] == key)

    assert requirement("spark-driver", "karpenter.sh/capacity-type") == ["on-demand"]
    assert requirement("spark-executor", "karpenter.sh/capacity-type") == ["spot"]
    for pool in ("spark-driver", "spark-executor"):
        assert requirement(pool, "kubernetes.io/arch") == ["arm64", "amd64"]
        assert pools[pool]["spec"]["template"]["spec"]["nodeClassRef"]["name"] == "spark"
        assert pools[pool]["spec"]["disruption"]["consolidationPolicy"] == "WhenEmpty"
    for obj in pools.values():
        assert manifest_errors(obj, "1.35") == []


def test_auto_mode_node_class_uses_the_platform_node_role(auto_app: AutoModeApp) -> None:
    node_class = _node_pools(auto_app.json)["spark"]
    assert node_class["spec"]["ephemeralStorage"] == {"size": "100Gi"}
    assert node_class["spec"]["networkPolicy"] == "DefaultAllow"


def test_auto_mode_turns_on_network_policy_enforcement(auto_app: AutoModeApp) -> None:
    configs = [
        obj
        for _, obj in manifests_in(auto_app.json)
        if obj["kind"] == "ConfigMap" and obj["metadata"]["name"] == "amazon-vpc-cni"
    ]
    assert len(configs) == 1
    assert configs[0]["metadata"]["namespace"] == "kube-system"
    assert configs[0]["data"] == {"enable-network-policy-controller": "true"}
    auto_app.template.has_resource_properties(
        "AWS::EKS::Cluster",
        {
            "ComputeConfig": {
                "Enabled": True,
                "NodePools": ["system", "general-purpose"],
                "NodeRoleArn": Match.any_value(),
            }
        },
    )


def test_local_nvme_adds_the_instance_store_requirement() -> None:
    compute = AutoModeCompute(instance_families=("m6id", "r6gd"), local_nvme=True)
    pool = node_pool_manifest(
        name="spark-executor",
        spark_role="executor",
        capacity_types=["spot"],
        compute=compute,
        cpu_limit=10,
    )
    reqs = pool["spec"]["template"]["spec"]["requirements"]
    assert {
        "key": "eks.amazonaws.com/instance-local-nvme",
        "operator": "Gt",
        "values": ["0"],
    } in reqs
    assert next(r for r in reqs if r["key"] == "eks.amazonaws.com/instance-family")["values"] == [
        "m6id",
        "r6gd",
    ]


def test_fixed_mode_is_the_yunikorn_posts_four_m5_2xlarge(
    fixed_app: tuple[EmrEksPlatform, Template],
) -> None:
    platform, template = fixed_app
    template.has_resource_properties(
        "AWS::EKS::Nodegroup",
        {
            "InstanceTypes": ["m5.2xlarge"],
            "ScalingConfig": {"MinSize": 4, "DesiredSize": 4, "MaxSize": 4},
            "CapacityType": "ON_DEMAND",
            "AmiType": "AL2023_x86_64_STANDARD",
            "DiskSize": 20,
        },
    )
    template.has_resource_properties("AWS::EKS::Addon", {"AddonName": "eks-pod-identity-agent"})
    template.has_resource_properties(
        "AWS::EKS::Addon",
        {
            "AddonName": "vpc-cni",
            "ConfigurationValues": '{"enableNetworkPolicy":"true"}',
            "ResolveConflicts": "OVERWRITE",
        },
    )
    assert platform.placement.driver_node_selector == {
        "eks.amazonaws.com/capacityType": "ON_DEMAND"
    }
    assert not [obj for _, obj in manifests_in(template.to_json()) if obj["kind"] == "NodePool"]


# --- bad input ---------------------------------------------------------------------------------


def _platform(**props: Any) -> EmrEksPlatform:
    stack = new_stack("Bad")
    return EmrEksPlatform(stack, "Platform", vpc=vpc(stack), kubectl_layer=layer(stack), **props)


def test_fails_when_kubernetes_version_is_unsupported() -> None:
    with pytest.raises(
        EmrBurstError, match=r"kubernetes_version = '1.27': use one of 1.34, 1.35, 1.36"
    ):
        _platform(kubernetes_version="1.27")


def test_fails_when_executor_capacity_is_empty() -> None:
    with pytest.raises(ValueError, match=r"executor_capacity_types = \(\): Spark needs capacity"):
        _platform(compute=AutoModeCompute(executor_capacity_types=()))
    with pytest.raises(ValueError, match="max_size = 0: executors need capacity"):
        _platform(compute=NodeGroupCompute(min_size=0, desired_size=0, max_size=0))


def test_fails_when_drivers_are_spot_but_guaranteed_drivers_are_asked() -> None:
    with pytest.raises(ValueError, match="allows spot while guaranteed_drivers is True"):
        _platform(compute=AutoModeCompute(driver_capacity_types=("spot",)))
    with pytest.raises(ValueError, match="capacity_type = 'spot': drivers in a spot-only group"):
        _platform(compute=NodeGroupCompute(capacity_type="spot"))


def test_spot_drivers_are_allowed_when_guarantees_are_waived() -> None:
    check = Checker(None, None, "", where="test")
    AutoModeCompute(driver_capacity_types=("spot",), guaranteed_drivers=False).check(check)
    assert check.ok


def test_fails_when_the_public_endpoint_is_open_to_the_internet() -> None:
    with pytest.raises(
        ValueError, match=r"public_endpoint_cidrs\[0\] = '0.0.0.0/0': a public /0 opens"
    ):
        _platform(public_endpoint_cidrs=["0.0.0.0/0"])


def test_fails_with_every_problem_in_one_error() -> None:
    with pytest.raises(ValueError, match="EmrEksPlatform 'Bad/Platform'") as err:
        _platform(
            kubernetes_version="2.0",
            compute=AutoModeCompute(
                architectures=("arm64",),
                instance_families=("m7i",),
                local_nvme=True,
                executor_capacity_types=(),
            ),
            public_endpoint_cidrs=["not-a-cidr"],
        )
    assert isinstance(err.value, EmrBurstError)
    assert {p.prop for p in err.value.problems} == {
        "kubernetes_version",
        "compute.architectures",
        "compute.local_nvme",
        "compute.executor_capacity_types",
        "public_endpoint_cidrs[0]",
    }
    assert all(line.startswith("EmrEksPlatform 'Bad/Platform': ") for line in err.value.lines())
    assert "use an IPv4 network in CIDR form" in str(err.value)


def test_validation_happens_before_any_child_is_created() -> None:
    stack = new_stack("Early")
    with pytest.raises(ValueError, match=r"kubernetes_version = '1\.0'"):
        EmrEksPlatform(
            stack,
            "Platform",
            vpc=ec2.Vpc.from_vpc_attributes(
                stack,
                "Imported",
                vpc_id="vpc-1",
                availability_zones=["a", "b"],
                private_subnet_ids=["s1", "s2"],
            ),
            kubernetes_version="1.0",
        )
    assert stack.node.try_find_child("Platform") is None
    assert isinstance(cdk.Stack.of(stack), cdk.Stack)


def test_the_auto_mode_node_role_survives_destroy(auto_app: AutoModeApp) -> None:
    assert auto_app.platform.node_role is not None
    role_id = auto_app.stack.get_logical_id(auto_app.platform.node_role.node.default_child)  # type: ignore[arg-type]
    assert auto_app.json["Resources"][role_id]["DeletionPolicy"] == "Retain"
