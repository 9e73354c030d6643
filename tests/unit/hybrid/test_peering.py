"""HybridPeering, HybridPeeringAccepter and HybridPeerAccess: routes, DNS, ports, bad input."""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk.assertions import Match, Template
from hypothesis import given
from hypothesis import strategies as st

from emr_burst.core.errors import EmrBurstError
from emr_burst.core.stack import BurstStack
from emr_burst.hybrid.peering import (
    HybridPeerAccess,
    HybridPeering,
    HybridPeeringAccepter,
    PeerSide,
    burst_ports,
    cidr_problems,
    web_ui_ports,
)
from tests.unit.emr_ec2.helpers import problem

ONPREM_CIDR = "10.100.0.0/16"
COMPUTE_CIDR = "10.0.0.0/16"
WEB_UI_CIDR = "203.0.113.7/32"


def _vpc(stack: cdk.Stack, cidr: str, *, public_only: bool = False) -> ec2.Vpc:
    # Two AZs, private (with NAT) and isolated tiers: four route tables that need the peer CIDR.
    tiers = [ec2.SubnetConfiguration(name="Public", subnet_type=ec2.SubnetType.PUBLIC)]
    if not public_only:
        tiers += [
            ec2.SubnetConfiguration(name="Private", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
            ec2.SubnetConfiguration(name="Isolated", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
        ]
    return ec2.Vpc(
        stack,
        "Vpc",
        ip_addresses=ec2.IpAddresses.cidr(cidr),
        max_azs=2,
        nat_gateways=0 if public_only else 1,
        subnet_configuration=tiers,
    )


@dataclass
class Peered:
    compute: cdk.Stack
    onprem: cdk.Stack
    accepter: cdk.Stack

    def template(self, which: str) -> Template:
        return Template.from_stack(getattr(self, which))


def _stacks() -> tuple[cdk.App, BurstStack, BurstStack, BurstStack]:
    app = cdk.App()
    compute = BurstStack(app, "Compute", env=cdk.Environment(region="us-east-1"))
    onprem = BurstStack(app, "OnPrem", env=cdk.Environment(region="us-west-1"))
    accepter = BurstStack(app, "Accepter", env=cdk.Environment(region="us-east-1"))
    return app, compute, onprem, accepter


@pytest.fixture(scope="module")
def peered() -> Peered:
    _, compute, onprem, accepter = _stacks()
    compute_vpc = _vpc(compute, COMPUTE_CIDR)
    onprem_vpc = _vpc(onprem, ONPREM_CIDR)
    peering = HybridPeering(
        onprem, "Peering", vpc=onprem_vpc, peer_vpc=compute_vpc, peer_cidr=COMPUTE_CIDR
    )
    HybridPeeringAccepter(accepter, "Accepter", peering=peering, vpc=compute_vpc)
    HybridPeerAccess(
        onprem,
        "PeerAccess",
        vpc=onprem_vpc,
        side=PeerSide.ONPREM,
        peer_cidr=COMPUTE_CIDR,
        web_ui_cidr=WEB_UI_CIDR,
        hadoop_major=2,
    )
    HybridPeerAccess(
        compute, "PeerAccess", vpc=compute_vpc, side=PeerSide.COMPUTE, peer_cidr=ONPREM_CIDR
    )
    return Peered(compute=compute, onprem=onprem, accepter=accepter)


def _resources(template: Template, type_: str) -> dict[str, Any]:
    return dict(template.find_resources(type_))


# --- the peering and its routes ------------------------------------------------------------


def test_peering_is_requested_across_regions(peered: Peered) -> None:
    peered.template("onprem").has_resource_properties(
        "AWS::EC2::VPCPeeringConnection",
        {"PeerRegion": "us-east-1", "VpcId": Match.any_value(), "PeerVpcId": Match.any_value()},
    )


def test_requester_routes_peer_cidr_from_every_private_and_isolated_table(peered: Peered) -> None:
    template = peered.template("onprem")
    peer_routes = [
        r
        for r in _resources(template, "AWS::EC2::Route").values()
        if r["Properties"].get("DestinationCidrBlock") == COMPUTE_CIDR
    ]
    assert len(peer_routes) == 4  # 2 AZs x (private + isolated)
    assert all("VpcPeeringConnectionId" in r["Properties"] for r in peer_routes)
    tables = {json.dumps(r["Properties"]["RouteTableId"]) for r in peer_routes}
    assert len(tables) == 4


def test_accepter_routes_requester_cidr_in_its_own_region(peered: Peered) -> None:
    template = peered.template("accepter")
    template.resource_properties_count_is(
        "AWS::EC2::Route",
        {"DestinationCidrBlock": ONPREM_CIDR, "VpcPeeringConnectionId": Match.any_value()},
        4,
    )
    assert peered.accepter.region == "us-east-1"


def test_public_subnets_get_no_peer_route(peered: Peered) -> None:
    template = peered.template("onprem")
    public_tables = {
        logical_id
        for logical_id in _resources(template, "AWS::EC2::RouteTable")
        if "Public" in logical_id
    }
    for route in _resources(template, "AWS::EC2::Route").values():
        if route["Properties"].get("DestinationCidrBlock") == COMPUTE_CIDR:
            assert route["Properties"]["RouteTableId"]["Ref"] not in public_tables


@pytest.mark.parametrize(
    ("options", "region"),
    [
        ("RequesterPeeringConnectionOptions", "us-west-1"),
        ("AccepterPeeringConnectionOptions", "us-east-1"),
    ],
)
def test_dns_resolution_is_set_for_each_side_in_its_region(
    peered: Peered, options: str, region: str
) -> None:
    # Both calls come from the accepter's stack, once the peering is active; none from the
    # requester's stack, where the peering may still await acceptance.
    assert not _resources(peered.template("onprem"), "Custom::AWS")
    creates = [
        json.dumps(c["Properties"]["Create"])
        for c in _resources(peered.template("accepter"), "Custom::AWS").values()
    ]
    (create,) = [c for c in creates if options in c]
    assert "modifyVpcPeeringConnectionOptions" in create
    assert f'{options}\\":{{\\"AllowDnsResolutionFromRemoteVpc\\":true' in create
    assert f'\\"region\\":\\"{region}\\"' in create


def test_dns_calls_may_modify_only_peering_connections(peered: Peered) -> None:
    policies = _resources(peered.template("accepter"), "AWS::IAM::Policy")
    statements = [
        s for p in policies.values() for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]
    dns = [s for s in statements if s["Action"] == "ec2:ModifyVpcPeeringConnectionOptions"]
    assert len(dns) == 2
    resources = json.dumps([s["Resource"] for s in dns])
    assert ":vpc-peering-connection/" in resources
    assert "us-west-1" in resources


# --- security groups -----------------------------------------------------------------------


def _ingress(template: Template) -> list[dict[str, Any]]:
    rules = []
    for group in _resources(template, "AWS::EC2::SecurityGroup").values():
        rules += group["Properties"].get("SecurityGroupIngress", [])
    return rules


def test_onprem_side_opens_hdfs_metastore_and_hiveserver2_to_compute_cidr(peered: Peered) -> None:
    rules = _ingress(peered.template("onprem"))
    from_peer = {r["FromPort"] for r in rules if r["CidrIp"] == COMPUTE_CIDR}
    assert from_peer == {8020, 50010, 9083, 10000}
    assert all(r["FromPort"] == r["ToPort"] and r["IpProtocol"] == "tcp" for r in rules)


def test_compute_side_opens_engine_and_alluxio_to_onprem_cidr(peered: Peered) -> None:
    rules = _ingress(peered.template("compute"))
    assert {r["FromPort"] for r in rules if r["CidrIp"] == ONPREM_CIDR} == {
        8889,
        19998,
        29999,
        19999,
    }


def test_web_ui_is_open_only_to_the_configured_cidr(peered: Peered) -> None:
    rules = _ingress(peered.template("onprem"))
    assert {r["FromPort"] for r in rules if r["CidrIp"] == WEB_UI_CIDR} == {50070}
    assert {r["CidrIp"] for r in rules} == {COMPUTE_CIDR, WEB_UI_CIDR}


def test_no_ingress_from_anywhere(peered: Peered) -> None:
    for which in ("onprem", "compute", "accepter"):
        assert all(r.get("CidrIp") != "0.0.0.0/0" for r in _ingress(peered.template(which)))


def test_hdfs_ports_follow_the_hadoop_line() -> None:
    assert 9866 in {p.port for p in burst_ports(PeerSide.ONPREM, hadoop_major=3)}
    assert 50010 in {p.port for p in burst_ports(PeerSide.ONPREM, hadoop_major=2)}
    assert {p.port for p in web_ui_ports(PeerSide.ONPREM, hadoop_major=3)} == {9870}


# --- bad input -----------------------------------------------------------------------------


def test_fails_when_cidrs_overlap() -> None:
    _, compute, onprem, _ = _stacks()
    with pytest.raises(ValueError, match=r"overlaps peer_cidr '10.0.128.0/17'"):
        HybridPeering(
            onprem,
            "Peering",
            vpc=_vpc(onprem, "10.0.0.0/16"),
            peer_vpc=_vpc(compute, "10.0.128.0/17"),
            peer_cidr="10.0.128.0/17",
        )


def test_fails_when_cross_region_peering_has_one_region() -> None:
    app = cdk.App()
    east = BurstStack(app, "East", env=cdk.Environment(region="us-east-1"))
    other = BurstStack(app, "Other", env=cdk.Environment(region="us-east-1"))
    with pytest.raises(ValueError, match="same as this stack's region"):
        HybridPeering(
            east,
            "Peering",
            vpc=_vpc(east, ONPREM_CIDR),
            peer_vpc=_vpc(other, COMPUTE_CIDR),
            peer_cidr=COMPUTE_CIDR,
        )


def test_fails_when_accepter_is_not_in_the_peer_region() -> None:
    app, compute, onprem, _ = _stacks()
    peering = HybridPeering(
        onprem,
        "Peering",
        vpc=_vpc(onprem, ONPREM_CIDR),
        peer_vpc=_vpc(compute, COMPUTE_CIDR),
        peer_cidr=COMPUTE_CIDR,
    )
    wrong = BurstStack(app, "Wrong", env=cdk.Environment(region="us-west-1"))
    with pytest.raises(ValueError, match="is not the peering's peer region 'us-east-1'"):
        HybridPeeringAccepter(wrong, "Accepter", peering=peering, vpc=peering_vpc(compute))


def peering_vpc(stack: cdk.Stack) -> ec2.IVpc:
    vpc = stack.node.find_child("Vpc")
    assert isinstance(vpc, ec2.Vpc)
    return vpc


def test_fails_when_peer_access_opens_to_everyone() -> None:
    _, compute, _, _ = _stacks()
    with pytest.raises(ValueError, match=r"^HybridPeerAccess 'Compute/Access': ") as err:
        HybridPeerAccess(
            compute,
            "Access",
            vpc=_vpc(compute, COMPUTE_CIDR),
            side=PeerSide.COMPUTE,
            peer_cidr="0.0.0.0/0",
            web_ui_cidr="not-a-cidr",
        )
    assert "peer_cidr = '0.0.0.0/0': a public /0 opens this to a large part" in str(err.value)
    assert "web_ui_cidr = 'not-a-cidr': use an IPv4 network in CIDR form" in str(err.value)


networks = st.builds(
    lambda address, prefix: str(ipaddress.IPv4Network((address, prefix), strict=False)),
    st.integers(min_value=0, max_value=2**32 - 1),
    st.integers(min_value=8, max_value=28),
)


@given(networks, networks)
def test_overlap_is_reported_exactly_when_ranges_share_addresses(a: str, b: str) -> None:
    left, right = ipaddress.IPv4Network(a), ipaddress.IPv4Network(b)
    shares = left.network_address <= right.broadcast_address and (
        right.network_address <= left.broadcast_address
    )
    problems = cidr_problems("cidr", a, "peer_cidr", b)
    assert bool(problems) == shares


# --- bad input a new user gives ----------------------------------------------------------------


def _peering_fails(**props: Any) -> pytest.ExceptionInfo[EmrBurstError]:
    """HybridPeering from the on-prem stack to a compute VPC, with ``props`` overriding."""
    _, compute, onprem, _ = _stacks()
    defaults: dict[str, Any] = {
        "peer_vpc": _vpc(compute, COMPUTE_CIDR),
        "peer_cidr": COMPUTE_CIDR,
    }
    vpc = props.pop("vpc", None)
    with pytest.raises(EmrBurstError) as err:
        HybridPeering(
            onprem,
            "Peering",
            vpc=vpc(onprem) if vpc else _vpc(onprem, ONPREM_CIDR),
            **(defaults | props),
        )
    return err


def _imported(stack: cdk.Stack) -> ec2.IVpc:
    return ec2.Vpc.from_vpc_attributes(
        stack,
        "Imported",
        vpc_id="vpc-12345678",
        availability_zones=["us-west-1a", "us-west-1b"],
        private_subnet_ids=["subnet-1", "subnet-2"],
    )


def test_fails_when_imported_vpc_has_no_route_table_ids() -> None:
    err = _peering_fails(vpc=_imported, cidr=ONPREM_CIDR)
    assert "private_subnet_route_table_ids" in problem(err, "vpc").fix


def test_fails_when_vpc_has_no_private_subnets() -> None:
    err = _peering_fails(vpc=lambda stack: _vpc(stack, ONPREM_CIDR, public_only=True))
    assert "no private or isolated subnets" in problem(err, "vpc").fix


def test_fails_when_peer_cidr_differs_from_the_peer_vpc() -> None:
    err = _peering_fails(peer_cidr="10.1.0.0/16")
    assert "has the CIDR '10.0.0.0/16'" in problem(err, "peer_cidr").fix


def test_fails_when_peer_vpc_is_a_vpc_id() -> None:
    err = _peering_fails(peer_vpc="vpc-12345678")
    assert "ec2.IVpc" in problem(err, "peer_vpc").fix


def test_fails_when_peer_region_is_misspelled() -> None:
    err = _peering_fails(peer_region="us-east1")
    assert "did you mean 'us-east-1'" in problem(err, "peer_region").fix


def _compute_access(**props: Any) -> HybridPeerAccess:
    """HybridPeerAccess on the compute side, with ``props`` overriding."""
    _, compute, _, _ = _stacks()
    defaults: dict[str, Any] = {"side": PeerSide.COMPUTE, "peer_cidr": ONPREM_CIDR}
    return HybridPeerAccess(
        compute, "Access", vpc=_vpc(compute, COMPUTE_CIDR), **(defaults | props)
    )


def test_fails_when_web_ui_cidr_is_half_the_internet() -> None:
    with pytest.raises(EmrBurstError) as err:
        _compute_access(web_ui_cidr="0.0.0.0/1")
    assert "a public /1 opens this" in problem(err, "web_ui_cidr").fix


def test_side_may_be_given_by_name() -> None:
    access = _compute_access(side="compute")
    assert {p.port for p in access.ports} == {8889, 19998, 29999, 19999}


def test_fails_when_side_or_hadoop_line_is_unknown() -> None:
    with pytest.raises(EmrBurstError) as err:
        _compute_access(side="burst", hadoop_major=4)
    assert "'onprem', 'compute'" in problem(err, "side").fix
    assert "from 2 to 3" in problem(err, "hadoop_major").fix


def test_fails_when_burst_ports_get_an_unknown_hadoop_line() -> None:
    with pytest.raises(EmrBurstError) as err:
        burst_ports(PeerSide.ONPREM, hadoop_major=4)
    assert "from 2 to 3" in problem(err, "hadoop_major").fix
