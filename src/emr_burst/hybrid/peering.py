"""Cross-region VPC peering between an on-prem stand-in VPC and a burst compute VPC.

Each side of a cross-region peering must be built in its own region's stack:
:class:`HybridPeering` (requester side: the peering connection and its routes) and
:class:`HybridPeeringAccepter` (accepter side: its routes, then both sides' DNS options, which EC2
accepts only once the peering is active). The
security group that opens the burst's ports is :class:`~emr_burst.hybrid.access.HybridPeerAccess`.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import custom_resources as cr
from constructs import Construct

from emr_burst.core import nag as _nag
from emr_burst.core import rules
from emr_burst.core.errors import Checker, Problem
from emr_burst.core.sdk_call import single_call
from emr_burst.hybrid.access import (
    HIVE_METASTORE_PORT,
    VPC,
    BurstPort,
    HybridPeerAccess,
    PeerSide,
    burst_ports,
    web_ui_ports,
)

__all__ = [
    "HIVE_METASTORE_PORT",
    "BurstPort",
    "HybridPeerAccess",
    "HybridPeering",
    "HybridPeeringAccepter",
    "PeerSide",
    "burst_ports",
    "cidr_problems",
    "known_cidr",
    "web_ui_ports",
]


def check_cidrs(check: Checker, name: str, cidr: Any, peer_name: str, peer_cidr: Any) -> None:
    """Two peered VPC CIDRs: well-formed and disjoint (a peering of overlapping ranges fails)."""
    ok = check.rule(name, cidr, rules.cidr)
    ok = check.rule(peer_name, peer_cidr, rules.cidr) and ok
    if ok and not rules.disjoint_cidrs(cidr, peer_cidr):
        check.add(
            name,
            cidr,
            f"overlaps {peer_name} {peer_cidr!r}; peered VPCs need disjoint ranges, e.g. "
            "10.0.0.0/16 and 10.100.0.0/16",
        )


def cidr_problems(name: str, cidr: str, peer_name: str, peer_cidr: str) -> list[Problem]:
    """The problems :func:`check_cidrs` finds, for callers without a construct."""
    check = Checker(None, None, "", where="cidr_problems()")
    check_cidrs(check, name, cidr, peer_name, peer_cidr)
    return check.problems


def known_cidr(vpc: ec2.IVpc) -> str | None:
    """The VPC's IPv4 CIDR when it is known at synth time (a VPC made in this app), else None."""
    try:
        block = vpc.vpc_cidr_block
    except RuntimeError:  # an imported VPC without vpc_cidr_block
        return None
    if not cdk.Token.is_unresolved(block):
        return block
    child = vpc.node.default_child
    if (
        isinstance(child, ec2.CfnVPC)
        and isinstance(child.cidr_block, str)
        and not cdk.Token.is_unresolved(child.cidr_block)
    ):
        return child.cidr_block
    return None


def _same_as_vpc(check: Checker, prop: str, cidr: Any, vpc_prop: str, vpc: ec2.IVpc) -> None:
    """A CIDR given for a VPC whose own CIDR is known must be that CIDR."""
    own = known_cidr(vpc)
    if own is not None and isinstance(cidr, str) and not rules.unresolved(cidr) and cidr != own:
        check.add(
            prop,
            cidr,
            f"{vpc_prop} has the CIDR {own!r}; routes to another range never reach it: pass "
            f"{own!r} (or leave it out where it can be read from the VPC)",
        )


def _table_id(subnet: ec2.ISubnet) -> str | None:
    try:
        return subnet.route_table.route_table_id
    except RuntimeError:  # an imported subnet without its route table id
        return None


def route_tables(
    check: Checker, prop: str, vpc: ec2.IVpc, include_public: bool
) -> list[tuple[str, str]]:
    """``(construct id, route table id)`` of every route table that must know the peer CIDR."""
    tiers = [("Private", vpc.private_subnets), ("Isolated", vpc.isolated_subnets)]
    if include_public:
        tiers.append(("Public", vpc.public_subnets))
    tables: list[tuple[str, str]] = []
    seen: set[str] = set()
    for tier, subnets in tiers:
        for index, subnet in enumerate(subnets, start=1):
            table_id = _table_id(subnet)
            if not table_id:
                check.add(
                    prop,
                    subnet.subnet_id,
                    "this subnet has no route table id; import the VPC with its route table ids "
                    "(e.g. private_subnet_route_table_ids) so the peer route can be added",
                )
                continue
            if table_id not in seen:
                seen.add(table_id)
                tables.append((f"{tier}{index}", table_id))
    if not tables and check.ok:
        check.add(
            prop,
            vpc,
            "the VPC has no private or isolated subnets, so no route would reach the peer; "
            "give it private subnets (or pass include_public_subnets=True)",
        )
    return tables


def _peering_arn(scope: Construct, peering_id: str, region: str) -> str:
    return cdk.Stack.of(scope).format_arn(
        service="ec2", region=region, resource="vpc-peering-connection", resource_name=peering_id
    )


class _DnsResolution(Construct):
    """Lets one side's VPC resolve the peer's *public* DNS names of instances to private IPs.

    CloudFormation has no property for peering DNS options, so one SDK call per side sets them, in
    that side's region (``region``). EC2 refuses the call until the peering is active. The option
    does not make another region's private ``compute.internal`` names resolve (see
    :mod:`emr_burst.hybrid.addresses`).
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, peering_id: str, side: str, region: str
    ) -> None:
        super().__init__(scope, construct_id)
        options_key = f"{side}PeeringConnectionOptions"
        call = cr.AwsSdkCall(
            service="EC2",
            action="modifyVpcPeeringConnectionOptions",
            parameters={
                "VpcPeeringConnectionId": peering_id,
                options_key: {"AllowDnsResolutionFromRemoteVpc": True},
            },
            physical_resource_id=cr.PhysicalResourceId.of(f"{side.lower()}-dns"),
            region=region,
        )
        self.resource = single_call(
            self,
            call,
            action="ec2:ModifyVpcPeeringConnectionOptions",
            resource=_peering_arn(self, peering_id, region),
            purpose="ModifyVpcPeeringConnectionOptions on this peering connection only",
        )


def acknowledge_sdk_provider(scope: Construct) -> None:
    """What CDK's shared ``AwsCustomResource`` Lambda does for the hybrid stacks (core helper)."""
    _nag.acknowledge_sdk_provider(
        scope,
        calls="runs single SDK calls (peering DNS options, the EMR primary's address)",
        logs="only the SDK requests and responses (a peering id and a DNS flag, a cluster id "
        "and its primary's private IP), no data of the clusters",
    )


def _routes(
    scope: Construct, tables: list[tuple[str, str]], destination: str, peering_id: str
) -> list[ec2.CfnRoute]:
    routes = Construct(scope, "Routes")
    return [
        ec2.CfnRoute(
            routes,
            name,
            route_table_id=table_id,
            destination_cidr_block=destination,
            vpc_peering_connection_id=peering_id,
        )
        for name, table_id in tables
    ]


class HybridPeering(Construct):
    """Requester side of a VPC peering between ``vpc`` and ``peer_vpc`` (either side may be the
    burst compute VPC or the on-prem stand-in; the reference stacks request from on-prem).

    Creates the peering connection (cross-region by default) and a route to the peer CIDR in every
    private and isolated route table of ``vpc``. Build the peer side with
    :class:`HybridPeeringAccepter` in a stack of the peer region; it also sets both sides' DNS
    options, which EC2 accepts only once the peering is active.

    Example::

        peering = HybridPeering(compute_stack, "Peering",
            vpc=compute_vpc,
            peer_vpc=onprem_vpc,          # from a stack in us-west-1, or an existing VPC
            peer_cidr="10.100.0.0/16",
        )
        HybridPeeringAccepter(accepter_stack, "Accepter", peering=peering, vpc=onprem_vpc)

    :param vpc: this side's VPC (the requester).
    :param peer_vpc: the VPC to peer with (the accepter); an existing VPC works too.
    :param peer_cidr: IPv4 CIDR of ``peer_vpc`` (its own CIDR when that is known); must not
        overlap ``cidr``.
    :param cidr: IPv4 CIDR of ``vpc``. Default: - read from ``vpc`` when it was made in this app.
    :param peer_region: region of ``peer_vpc``. Default: - the region of ``peer_vpc``'s stack.
    :param cross_region: whether the peer must be in another region. Default: - True.
    :param include_public_subnets: also route the peer CIDR from public subnets. Default: - False.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        vpc: ec2.IVpc,
        peer_vpc: ec2.IVpc,
        peer_cidr: str,
        cidr: str | None = None,
        peer_region: str | None = None,
        cross_region: bool = True,
        include_public_subnets: bool = False,
    ) -> None:
        check = Checker(scope, construct_id, "HybridPeering")
        vpcs_ok = check.rule("vpc", vpc, VPC)
        vpcs_ok = check.rule("peer_vpc", peer_vpc, VPC) and vpcs_ok
        flags_ok = check.rule("cross_region", cross_region, rules.boolean)
        flags_ok = check.rule("include_public_subnets", include_public_subnets, rules.boolean) and (
            flags_ok
        )
        check.rule("peer_region", peer_region, rules.optional(rules.region))
        region = cdk.Stack.of(scope).region
        tables: list[tuple[str, str]] = []
        if vpcs_ok:
            peer_region = peer_region or cdk.Stack.of(peer_vpc).region
            if cidr is None and (cidr := known_cidr(vpc)) is None:
                check.add(
                    "cidr",
                    None,
                    "the CIDR of an imported vpc is unknown; pass cidr='<its IPv4 CIDR>' so "
                    "overlap with peer_cidr can be checked at synth",
                )
            else:
                check_cidrs(check, "cidr", cidr, "peer_cidr", peer_cidr)
                _same_as_vpc(check, "cidr", cidr, "vpc", vpc)
            _same_as_vpc(check, "peer_cidr", peer_cidr, "peer_vpc", peer_vpc)
            if flags_ok:
                _check_regions(check, region, peer_region, cross_region)
                tables = route_tables(check, "vpc", vpc, include_public_subnets)
        check.raise_if_any()
        assert cidr is not None
        assert peer_region is not None
        super().__init__(scope, construct_id)
        self.cidr: str = cidr
        self.peer_cidr: str = peer_cidr
        self.region: str = region
        self.peer_region: str = peer_region
        self.peer_vpc: ec2.IVpc = peer_vpc

        self.resource = ec2.CfnVPCPeeringConnection(
            self,
            "Resource",
            vpc_id=vpc.vpc_id,
            peer_vpc_id=peer_vpc.vpc_id,
            peer_region=peer_region if cross_region else None,
            tags=[cdk.CfnTag(key="Name", value=f"burst {region} to {peer_region}")],
        )
        #: The peering connection id (``pcx-...``).
        self.peering_connection_id: str = self.resource.ref
        self.routes = _routes(self, tables, peer_cidr, self.peering_connection_id)


class HybridPeeringAccepter(Construct):
    """Accepter side of a :class:`HybridPeering`, built in a stack of the peer's region.

    Adds a route to the requester's CIDR in every private and isolated route table of the peer VPC,
    then sets the DNS resolution option of both sides (the requester's call runs in the requester's
    region). This stack deploys after the requester's, where CloudFormation accepted the
    same-account peering, and the calls wait for the routes, so the peering is active by then;
    ``ModifyVpcPeeringConnectionOptions`` fails on a peering that is not. Keep it in a stack of
    its own (not the peer VPC's stack): the peering id comes from the requester stack, which
    itself needs the peer VPC's id, so putting both in one stack would make a dependency cycle.

    Example::

        HybridPeeringAccepter(accepter_stack, "Accepter", peering=peering, vpc=onprem_vpc)

    :param peering: the requester side.
    :param vpc: the peer VPC (the ``peer_vpc`` of ``peering``).
    :param include_public_subnets: also route from public subnets. Default: - False.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        peering: HybridPeering,
        vpc: ec2.IVpc,
        include_public_subnets: bool = False,
    ) -> None:
        check = Checker(scope, construct_id, "HybridPeeringAccepter")
        region = cdk.Stack.of(scope).region
        peering_ok = check.rule(
            "peering", peering, rules.instance_of(HybridPeering, "a HybridPeering(...)")
        )
        flags_ok = check.rule("include_public_subnets", include_public_subnets, rules.boolean)
        tables: list[tuple[str, str]] = []
        if check.rule("vpc", vpc, VPC) and peering_ok:
            if not (
                cdk.Token.is_unresolved(region)
                or cdk.Token.is_unresolved(peering.peer_region)
                or region == peering.peer_region
            ):
                check.add(
                    "scope",
                    region,
                    f"the stack's region is not the peering's peer region "
                    f"{peering.peer_region!r}; each side's routes must be created in that "
                    "side's region, so build this in a stack of the peer region",
                )
            _same_as_vpc(check, "peering.peer_cidr", peering.peer_cidr, "vpc", vpc)
            if flags_ok:
                tables = route_tables(check, "vpc", vpc, include_public_subnets)
        check.raise_if_any()
        super().__init__(scope, construct_id)
        self.routes = _routes(self, tables, peering.cidr, peering.peering_connection_id)
        self.dns_resolution = _DnsResolution(
            self,
            "DnsResolution",
            peering_id=peering.peering_connection_id,
            side="Accepter",
            region=region,
        )
        self.requester_dns_resolution = _DnsResolution(
            self,
            "RequesterDnsResolution",
            peering_id=peering.peering_connection_id,
            side="Requester",
            region=peering.region,
        )
        for dns in (self.dns_resolution, self.requester_dns_resolution):
            dns.node.add_dependency(*self.routes)
        acknowledge_sdk_provider(self)


def _check_regions(check: Checker, region: str, peer_region: str, cross_region: bool) -> None:
    if cdk.Token.is_unresolved(region) or cdk.Token.is_unresolved(peer_region):
        if cross_region:
            check.add(
                "peer_region",
                peer_region,
                "cross-region peering needs concrete regions: give the stacks of both VPCs an "
                "env with a region (or pass peer_region)",
            )
        return
    if cross_region and region == peer_region:
        check.add(
            "peer_region",
            peer_region,
            "is the same as this stack's region; cross_region=True needs two regions (pass "
            "cross_region=False for a same-region peering)",
        )
    elif not cross_region and region != peer_region:
        check.add(
            "peer_region",
            peer_region,
            f"differs from this stack's region {region!r}; pass cross_region=True",
        )
