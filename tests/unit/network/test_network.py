"""The shared network: subnet tiers, endpoints, flow logs, encryption, retention and bad input."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Match, Template

from emr_burst.core.errors import EmrBurstError
from emr_burst.core.stack import BurstStack
from emr_burst.network.network import InterfaceEndpoint, Network


def _synth(
    *,
    env: cdk.Environment | None = None,
    zones: tuple[str, ...] = (),
    context: dict[str, object] | None = None,
    **props: object,
) -> tuple[Template, Network]:
    app = cdk.App(context=context or {})
    stack = BurstStack(app, "Net", env=env, availability_zone_names=zones)
    network = Network(stack, "Network", **props)  # type: ignore[arg-type]
    return Template.from_stack(stack), network


@pytest.fixture(scope="module")
def default() -> Template:
    template, _ = _synth()
    return template


@pytest.fixture(scope="module")
def with_endpoints() -> Template:
    template, _ = _synth(
        cidr="10.40.0.0/18",
        max_azs=3,
        nat_gateways=2,
        interface_endpoints=[InterfaceEndpoint.STS, InterfaceEndpoint.ECR_DOCKER],
    )
    return template


def _subnets(template: Template) -> Mapping[str, Any]:
    return template.find_resources("AWS::EC2::Subnet")


def test_creates_three_subnet_tiers_in_two_azs_by_default(default: Template) -> None:
    subnets = _subnets(default)
    assert len(subnets) == 6
    kinds = [
        next(t["Value"] for t in s["Properties"]["Tags"] if t["Key"] == "aws-cdk:subnet-type")
        for s in subnets.values()
    ]
    assert sorted(kinds) == ["Isolated", "Isolated", "Private", "Private", "Public", "Public"]
    default.resource_count_is("AWS::EC2::NatGateway", 1)


def test_subnet_sizes_follow_the_vpc_prefix(with_endpoints: Template) -> None:
    masks = sorted(
        {s["Properties"]["CidrBlock"].split("/")[1] for s in _subnets(with_endpoints).values()}
    )
    assert masks == ["21", "23", "24"]  # private /18+3, isolated /18+5, public /18+6
    with_endpoints.resource_count_is("AWS::EC2::Subnet", 9)
    with_endpoints.resource_count_is("AWS::EC2::NatGateway", 2)


def test_public_subnets_never_assign_public_ips(default: Template) -> None:
    for subnet in _subnets(default).values():
        assert subnet["Properties"].get("MapPublicIpOnLaunch", False) is False


def test_azs_are_chosen_at_deploy_time_without_a_lookup() -> None:
    template, _ = _synth(env=cdk.Environment(account="123456789012", region="us-west-1"))
    zones = [s["Properties"]["AvailabilityZone"] for s in _subnets(template).values()]
    assert {"Fn::Select": [0, {"Fn::GetAZs": "us-west-1"}]} in zones
    assert {"Fn::Select": [1, {"Fn::GetAZs": "us-west-1"}]} in zones


def test_configured_az_names_are_used_as_given() -> None:
    template, _ = _synth(
        env=cdk.Environment(account="123456789012", region="us-west-1"),
        zones=("us-west-1b", "us-west-1c"),
    )
    zones = {s["Properties"]["AvailabilityZone"] for s in _subnets(template).values()}
    assert zones == {"us-west-1b", "us-west-1c"}


def test_s3_gateway_endpoint_serves_private_and_isolated_route_tables(default: Template) -> None:
    endpoints = default.find_resources(
        "AWS::EC2::VPCEndpoint", {"Properties": {"VpcEndpointType": "Gateway"}}
    )
    assert len(endpoints) == 1
    (endpoint,) = endpoints.values()
    assert len(endpoint["Properties"]["RouteTableIds"]) == 4


def test_no_interface_endpoints_unless_asked(default: Template) -> None:
    default.resource_count_is("AWS::EC2::SecurityGroup", 0)
    assert not default.find_resources(
        "AWS::EC2::VPCEndpoint", {"Properties": {"VpcEndpointType": "Interface"}}
    )


def test_interface_endpoints_accept_https_from_the_vpc_cidr_only(with_endpoints: Template) -> None:
    endpoints = with_endpoints.find_resources(
        "AWS::EC2::VPCEndpoint", {"Properties": {"VpcEndpointType": "Interface"}}
    )
    assert len(endpoints) == 2
    for endpoint in endpoints.values():
        assert endpoint["Properties"]["PrivateDnsEnabled"] is True
    with_endpoints.has_resource_properties(
        "AWS::EC2::SecurityGroup",
        {
            "SecurityGroupIngress": [
                {"CidrIp": "10.40.0.0/18", "FromPort": 443, "ToPort": 443, "IpProtocol": "tcp"}
            ],
            "SecurityGroupEgress": [Match.object_like({"CidrIp": "255.255.255.255/32"})],
        },
    )


def test_flow_logs_capture_all_traffic_into_an_encrypted_log_group(default: Template) -> None:
    default.has_resource_properties(
        "AWS::EC2::FlowLog",
        {"ResourceType": "VPC", "TrafficType": "ALL", "LogDestinationType": "cloud-watch-logs"},
    )
    default.has_resource_properties(
        "AWS::Logs::LogGroup",
        {
            "KmsKeyId": {"Fn::GetAtt": [Match.string_like_regexp("^NetworkKey"), "Arn"]},
            "RetentionInDays": 365,
        },
    )


def test_flow_log_role_has_a_managed_policy_scoped_to_its_log_group(default: Template) -> None:
    default.resource_count_is("AWS::IAM::Policy", 0)
    default.has_resource_properties(
        "AWS::IAM::ManagedPolicy",
        {
            "PolicyDocument": {
                "Statement": [
                    Match.object_like(
                        {
                            "Resource": {
                                "Fn::GetAtt": [
                                    Match.string_like_regexp("^NetworkFlowLogGroup"),
                                    "Arn",
                                ]
                            }
                        }
                    )
                ]
            }
        },
    )


def test_key_rotates_and_lets_cloudwatch_logs_use_it_for_this_account_only(
    default: Template,
) -> None:
    default.has_resource_properties(
        "AWS::KMS::Key",
        {
            "EnableKeyRotation": True,
            "KeyPolicy": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Principal": {
                                    "Service": {
                                        "Fn::Join": [
                                            "",
                                            ["logs.", {"Ref": "AWS::Region"}, ".amazonaws.com"],
                                        ]
                                    }
                                },
                                "Condition": {
                                    "ArnLike": {
                                        "kms:EncryptionContext:aws:logs:arn": Match.any_value()
                                    }
                                },
                            }
                        )
                    ]
                )
            },
        },
    )


def test_default_security_group_is_restricted(default: Template) -> None:
    default.resource_count_is("Custom::VpcRestrictDefaultSG", 1)


def test_key_and_log_group_are_retained_by_default(default: Template) -> None:
    for resource_type in ("AWS::KMS::Key", "AWS::Logs::LogGroup"):
        for resource in default.find_resources(resource_type).values():
            assert resource["DeletionPolicy"] == "Retain"
            assert resource["UpdateReplacePolicy"] == "Retain"


def test_destroy_is_ignored_without_the_app_flag() -> None:
    template, network = _synth(removal_policy=cdk.RemovalPolicy.DESTROY)
    for resource in template.find_resources("AWS::Logs::LogGroup").values():
        assert resource["DeletionPolicy"] == "Retain"
    warnings = [
        entry.data
        for entry in network.node.metadata
        if entry.type == "aws:cdk:warning" and "data retained" in str(entry.data)
    ]
    assert warnings


def test_destroy_applies_with_the_app_flag() -> None:
    template, _ = _synth(
        removal_policy=cdk.RemovalPolicy.DESTROY,
        context={"emr-burst:removeDataOnDestroy": True},
    )
    for resource_type in ("AWS::KMS::Key", "AWS::Logs::LogGroup"):
        for resource in template.find_resources(resource_type).values():
            assert resource["DeletionPolicy"] == "Delete"


def test_an_existing_key_is_used_instead_of_a_new_one() -> None:
    app = cdk.App()
    stack = BurstStack(app, "Net")
    from aws_cdk import aws_kms as kms  # noqa: PLC0415

    key = kms.Key(stack, "Shared", enable_key_rotation=True)
    network = Network(stack, "Network", encryption_key=key)
    assert network.encryption_key is key
    Template.from_stack(stack).resource_count_is("AWS::KMS::Key", 1)


@pytest.mark.parametrize(
    ("props", "prop", "fix"),
    [
        ({"cidr": "10.0.0.0/23"}, "cidr", "use a prefix from /16 to /22"),
        ({"cidr": "10.0.0.0/33"}, "cidr", "use an IPv4 network in CIDR form"),
        ({"cidr": "8.8.0.0/16"}, "cidr", "private (RFC 1918)"),
        ({"cidr": 167772160}, "cidr", "expected a string such as '10.0.0.0/16', got int"),
        ({"max_azs": 1}, "max_azs", "use a whole number from 2 to 4 availability zones"),
        ({"max_azs": 5}, "max_azs", "use a whole number from 2 to 4 availability zones"),
        ({"max_azs": 2.0}, "max_azs", "use a whole number from 2 to 4"),
        ({"max_azs": True}, "max_azs", "use a whole number from 2 to 4"),
        ({"max_azs": "3"}, "max_azs", "use a whole number from 2 to 4"),
        ({"nat_gateways": 0}, "nat_gateways", "use a whole number from 1 to 2 NAT gateways"),
        ({"nat_gateways": 3}, "nat_gateways", "use a whole number from 1 to 2 NAT gateways"),
        ({"nat_gateways": None}, "nat_gateways", "use a whole number from 1 to 2"),
        ({"interface_endpoints": "sts"}, "interface_endpoints", "expected a list such as"),
        ({"interface_endpoints": 3}, "interface_endpoints", "got int"),
        ({"interface_endpoints": ["s3"]}, "interface_endpoints[0]", "choose one of 'ecr',"),
        ({"interface_endpoints": [7]}, "interface_endpoints[0]", "choose one of 'ecr',"),
        (
            {"interface_endpoints": [InterfaceEndpoint.STS, "sts"]},
            "interface_endpoints",
            "list each entry once; repeated: ['sts']",
        ),
        ({"flow_log_retention": 365}, "flow_log_retention", "expected logs.RetentionDays"),
        ({"encryption_key": "arn:aws:kms:..."}, "encryption_key", "expected kms.IKey"),
        ({"removal_policy": "DESTROY"}, "removal_policy", "expected cdk.RemovalPolicy"),
    ],
)
def test_fails_when_props_are_invalid(props: dict[str, object], prop: str, fix: str) -> None:
    stack = BurstStack(cdk.App(), "Net")
    with pytest.raises(EmrBurstError) as raised:
        Network(stack, "Network", **props)  # type: ignore[arg-type]
    (problem,) = raised.value.problems
    assert problem.where == "Network 'Net/Network'"
    assert problem.prop == prop
    assert fix in problem.fix
    assert str(problem).startswith(f"Network 'Net/Network': {prop} = ")
    assert not stack.node.children  # nothing was created before validation failed


def test_reports_all_problems_together() -> None:
    with pytest.raises(EmrBurstError) as raised:
        Network(
            BurstStack(cdk.App(), "Net"),
            "Network",
            cidr="x",
            max_azs=9,
            nat_gateways=0,
            interface_endpoints=["s3"],
        )
    assert [p.prop for p in raised.value.problems] == [
        "cidr",
        "max_azs",
        "nat_gateways",
        "interface_endpoints[0]",
    ]
    assert isinstance(raised.value, ValueError)


def test_nat_gateways_are_judged_against_four_azs_when_max_azs_is_bad() -> None:
    with pytest.raises(EmrBurstError) as raised:
        Network(BurstStack(cdk.App(), "Net"), "Network", max_azs=6, nat_gateways=4)
    assert [p.prop for p in raised.value.problems] == ["max_azs"]


def test_interface_endpoints_accept_names_as_well_as_members() -> None:
    template, network = _synth(interface_endpoints=["sts", "ECR_DOCKER", InterfaceEndpoint.LOGS])
    assert set(network.interface_endpoints) == {
        InterfaceEndpoint.STS,
        InterfaceEndpoint.ECR_DOCKER,
        InterfaceEndpoint.LOGS,
    }
    template.resource_count_is("AWS::EC2::VPCEndpoint", 4)  # three interface + the S3 gateway


def test_fails_when_the_cidr_is_a_token() -> None:
    stack = BurstStack(cdk.App(), "Net")
    cidr = cdk.CfnParameter(stack, "Cidr", default="10.0.0.0/16").value_as_string
    with pytest.raises(EmrBurstError, match=r"cidr = .*: pass a literal CIDR"):
        Network(stack, "Network", cidr=cidr)


def test_warns_when_the_stack_offers_fewer_azs_than_max_azs() -> None:
    template, network = _synth(max_azs=4, nat_gateways=1)
    zones = {
        s["Properties"]["AvailabilityZone"]["Fn::Select"][0] for s in _subnets(template).values()
    }
    assert zones == {0, 1, 2}
    warnings = [
        str(entry.data) for entry in network.node.metadata if entry.type == "aws:cdk:warning"
    ]
    assert any("max_azs is 4 but the stack offers 3 availability zones" in w for w in warnings)


def test_four_named_zones_give_four_azs_without_a_warning() -> None:
    names = ("us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d")
    template, network = _synth(
        env=cdk.Environment(account="123456789012", region="us-east-1"), zones=names, max_azs=4
    )
    assert {s["Properties"]["AvailabilityZone"] for s in _subnets(template).values()} == set(names)
    assert not [e for e in network.node.metadata if e.type == "aws:cdk:warning"]
