"""Cross-region VPC peering between an on-prem stand-in VPC and a burst compute VPC.

Three constructs, because each side of a cross-region peering must be built in its own region's
stack: :class:`HybridPeering` (requester side: the peering connection, its routes and DNS option),
:class:`HybridPeeringAccepter` (accepter side: routes and DNS option in the peer region) and
:class:`HybridPeerAccess` (the security group that opens only the burst's ports to the peer CIDR).
"""

from __future__ import annotations

import enum
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import custom_resources as cr
from constructs import Construct

from emr_burst.core import nag as _nag


class PeerSide(enum.Enum):
    """Which end of the hybrid burst a VPC is."""

    #: The data side: HDFS and the Hive Metastore (the tutorial's ``on-prem-cluster``).
    ONPREM = "onprem"
    #: The burst side: Presto/Trino and Alluxio (the tutorial's ``alluxio-compute-cluster``).
    COMPUTE = "compute"


@dataclass(frozen=True)
class BurstPort:
    """One TCP port the burst needs, with what listens on it."""

    port: int
    description: str


#: HDFS changed its default DataNode and NameNode web ports between Hadoop 2 (EMR 5) and 3 (EMR 6+).
_DATANODE_PORT = {2: 50010, 3: 9866}
_NAMENODE_WEB_PORT = {2: 50070, 3: 9870}
#: Presto and Trino on EMR listen on 8889 (HTTP API and web UI share the port).
ENGINE_PORT = 8889
HIVE_METASTORE_PORT = 9083
ALLUXIO_WEB_UI_PORT = 19999


def burst_ports(side: PeerSide, hadoop_major: int = 2) -> tuple[BurstPort, ...]:
    """Ports that ``side`` must accept from its peer's CIDR, and nothing else.

    The compute side reads HDFS and the metastore of the on-prem side; the on-prem side reaches the
    burst's query engine and Alluxio (master, worker, web UI with its Manager tab).
    """
    if hadoop_major not in _DATANODE_PORT:
        raise ValueError(f"hadoop_major {hadoop_major} is not 2 or 3")
    if side is PeerSide.ONPREM:
        return (
            BurstPort(8020, "HDFS NameNode RPC"),
            BurstPort(_DATANODE_PORT[hadoop_major], "HDFS DataNode data transfer"),
            BurstPort(HIVE_METASTORE_PORT, "Hive Metastore thrift"),
            BurstPort(10000, "HiveServer2 thrift"),
        )
    return (
        BurstPort(ENGINE_PORT, "Presto/Trino coordinator"),
        BurstPort(19998, "Alluxio master RPC"),
        BurstPort(29999, "Alluxio worker RPC"),
        BurstPort(ALLUXIO_WEB_UI_PORT, "Alluxio master web UI"),
    )


def web_ui_ports(side: PeerSide, hadoop_major: int = 2) -> tuple[BurstPort, ...]:
    """Web UIs that the one configured operator CIDR may open on ``side``."""
    if hadoop_major not in _NAMENODE_WEB_PORT:
        raise ValueError(f"hadoop_major {hadoop_major} is not 2 or 3")
    if side is PeerSide.ONPREM:
        return (BurstPort(_NAMENODE_WEB_PORT[hadoop_major], "HDFS NameNode web UI"),)
    return (
        BurstPort(ALLUXIO_WEB_UI_PORT, "Alluxio master web UI"),
        BurstPort(ENGINE_PORT, "Presto/Trino web UI"),
    )


def cidr_problems(name: str, cidr: str, peer_name: str, peer_cidr: str) -> list[str]:
    """Problems of a pair of peered VPC CIDRs: malformed, or overlapping (peering rejects it)."""
    problems: list[str] = []
    networks = []
    for prop, value in ((name, cidr), (peer_name, peer_cidr)):
        if cdk.Token.is_unresolved(value):
            continue
        try:
            networks.append(ipaddress.IPv4Network(value, strict=True))
        except ValueError as err:
            problems.append(f"{prop} {value!r} is not an IPv4 CIDR ({err}); use e.g. '10.0.0.0/16'")
    if len(networks) == 2 and networks[0].overlaps(networks[1]):
        problems.append(
            f"{name} {cidr!r} overlaps {peer_name} {peer_cidr!r}; peered VPCs need disjoint "
            "ranges, e.g. 10.0.0.0/16 and 10.100.0.0/16"
        )
    return problems


def known_cidr(vpc: ec2.IVpc) -> str | None:
    """The VPC's IPv4 CIDR when it is known at synth time (a VPC made in this app), else None."""
    if not cdk.Token.is_unresolved(vpc.vpc_cidr_block):
        return vpc.vpc_cidr_block
    child = vpc.node.default_child
    if (
        isinstance(child, ec2.CfnVPC)
        and isinstance(child.cidr_block, str)
        and not cdk.Token.is_unresolved(child.cidr_block)
    ):
        return child.cidr_block
    return None


def _route_tables(vpc: ec2.IVpc, include_public: bool) -> list[tuple[str, str]]:
    """``(construct id, route table id)`` of every route table that must know the peer CIDR."""
    tiers = [("Private", vpc.private_subnets), ("Isolated", vpc.isolated_subnets)]
    if include_public:
        tiers.append(("Public", vpc.public_subnets))
    tables: list[tuple[str, str]] = []
    seen: set[str] = set()
    for tier, subnets in tiers:
        for index, subnet in enumerate(subnets, start=1):
            table_id = subnet.route_table.route_table_id
            if not table_id:
                raise ValueError(
                    f"subnet {subnet.subnet_id} of the VPC has no route table id; import the VPC "
                    "with its route table ids (e.g. private_subnet_route_table_ids) so the peer "
                    "route can be added"
                )
            if table_id in seen:
                continue
            seen.add(table_id)
            tables.append((f"{tier}{index}", table_id))
    return tables


def _peering_arn(scope: Construct, peering_id: str) -> str:
    return cdk.Stack.of(scope).format_arn(
        service="ec2", resource="vpc-peering-connection", resource_name=peering_id
    )


class _DnsResolution(Construct):
    """Lets this side's VPC resolve the peer's private DNS names over the peering.

    CloudFormation has no property for peering DNS options, so one SDK call per side sets them;
    the call must run in that side's region, hence one per stack.
    """

    def __init__(self, scope: Construct, construct_id: str, *, peering_id: str, side: str) -> None:
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
        )
        self.resource = cr.AwsCustomResource(
            self,
            "Resource",
            on_create=call,
            on_update=call,
            policy=cr.AwsCustomResourcePolicy.from_statements(
                [
                    iam.PolicyStatement(
                        actions=["ec2:ModifyVpcPeeringConnectionOptions"],
                        resources=[_peering_arn(self, peering_id)],
                    )
                ]
            ),
            install_latest_aws_sdk=False,
        )
        _nag.acknowledge(
            self.resource,
            "AwsCustomResource keeps its one statement (ModifyVpcPeeringConnectionOptions on this "
            "peering connection only) inline on CDK's shared provider role.",
            *_nag.across_packs("IAMNoInlinePolicy"),
        )


def _acknowledge_sdk_provider(scope: Construct) -> None:
    """The singleton Lambda behind ``AwsCustomResource`` is CDK's, shared by the whole stack."""
    stack = cdk.Stack.of(scope)
    provider = stack.node.try_find_child("AWS679f53fac002430cb0da5b7982bd2287")
    if provider is None:
        return
    _nag.acknowledge(
        provider,
        "CDK's AwsCustomResource provider runs one ModifyVpcPeeringConnectionOptions call at "
        "deploy time; it is invoked synchronously by CloudFormation, needs no VPC access, "
        "dead-letter queue or reserved concurrency, and its runtime is chosen by aws-cdk-lib.",
        "AwsSolutions-L1",
        *_nag.across_packs("LambdaConcurrency"),
        *_nag.across_packs("LambdaDLQ"),
        *_nag.across_packs("LambdaInsideVPC"),
    )
    _nag.acknowledge(
        provider,
        "The provider's log group records only the ModifyVpcPeeringConnectionOptions request "
        "and response (peering id and a DNS flag), no data of the clusters.",
        *_nag.across_packs("CloudWatchLogGroupEncrypted"),
    )
    _nag.acknowledge(
        provider,
        "The provider's role carries only AWSLambdaBasicExecutionRole, the AWS-managed policy for "
        "writing its own CloudWatch log streams.",
        "AwsSolutions-IAM4",
        applies_to=[
            "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
        ],
    )


class HybridPeering(Construct):
    """Requester side of a VPC peering between ``vpc`` and ``peer_vpc`` (either side may be the
    burst compute VPC or the on-prem stand-in; the reference stacks request from on-prem).

    Creates the peering connection (cross-region by default), a route to the peer CIDR in every
    private and isolated route table of ``vpc``, and lets ``vpc`` resolve the peer's private DNS
    names. Build the peer side with :class:`HybridPeeringAccepter` in a stack of the peer region.

    Example::

        peering = HybridPeering(compute_stack, "Peering",
            vpc=compute_vpc,
            peer_vpc=onprem_vpc,          # from a stack in us-west-1, or an existing VPC
            peer_cidr="10.100.0.0/16",
        )
        HybridPeeringAccepter(accepter_stack, "Accepter", peering=peering, vpc=onprem_vpc)

    :param vpc: this side's VPC (the requester).
    :param peer_vpc: the VPC to peer with (the accepter); an existing VPC works too.
    :param peer_cidr: IPv4 CIDR of ``peer_vpc``; must not overlap ``cidr``.
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
        region = cdk.Stack.of(scope).region
        peer_region = peer_region or cdk.Stack.of(peer_vpc).region
        cidr = cidr or known_cidr(vpc)
        problems: list[str] = []
        if cidr is None:
            problems.append(
                "cidr is unknown for an imported vpc; pass cidr='<its IPv4 CIDR>' so overlap "
                "with peer_cidr can be checked at synth"
            )
        else:
            problems += cidr_problems("cidr", cidr, "peer_cidr", peer_cidr)
        problems += _region_problems(region, peer_region, cross_region)
        if problems:
            raise ValueError(f"HybridPeering '{construct_id}': " + "; ".join(problems))
        super().__init__(scope, construct_id)
        assert cidr is not None
        self.cidr: str = cidr
        self.peer_cidr: str = peer_cidr
        self.region: str = region
        self.peer_region: str = peer_region

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

        routes = Construct(self, "Routes")
        self.routes: list[ec2.CfnRoute] = [
            ec2.CfnRoute(
                routes,
                name,
                route_table_id=table_id,
                destination_cidr_block=peer_cidr,
                vpc_peering_connection_id=self.peering_connection_id,
            )
            for name, table_id in _route_tables(vpc, include_public_subnets)
        ]
        self.dns_resolution = _DnsResolution(
            self, "DnsResolution", peering_id=self.peering_connection_id, side="Requester"
        )
        _acknowledge_sdk_provider(self)


class HybridPeeringAccepter(Construct):
    """Accepter side of a :class:`HybridPeering`, built in a stack of the peer's region.

    Adds a route to the requester's CIDR in every private and isolated route table of the peer VPC
    and lets the peer VPC resolve the requester's private DNS names. Keep it in a stack of its own
    (not the peer VPC's stack): the peering id comes from the requester stack, which itself needs
    the peer VPC's id, so putting both in one stack would make a dependency cycle.

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
        region = cdk.Stack.of(scope).region
        if (
            not cdk.Token.is_unresolved(region)
            and not cdk.Token.is_unresolved(peering.peer_region)
            and region != peering.peer_region
        ):
            raise ValueError(
                f"HybridPeeringAccepter '{construct_id}': the stack's region {region!r} is not the "
                f"peering's peer region {peering.peer_region!r}; each side's routes must be "
                "created in that side's region, so build this in a stack of the peer region"
            )
        super().__init__(scope, construct_id)
        routes = Construct(self, "Routes")
        self.routes: list[ec2.CfnRoute] = [
            ec2.CfnRoute(
                routes,
                name,
                route_table_id=table_id,
                destination_cidr_block=peering.cidr,
                vpc_peering_connection_id=peering.peering_connection_id,
            )
            for name, table_id in _route_tables(vpc, include_public_subnets)
        ]
        self.dns_resolution = _DnsResolution(
            self, "DnsResolution", peering_id=peering.peering_connection_id, side="Accepter"
        )
        _acknowledge_sdk_provider(self)


class HybridPeerAccess(Construct):
    """A security group that opens only the burst's ports, only to the peer's CIDR.

    Attach it to an EMR cluster as an additional security group. Security groups cannot reference
    groups in another region, so the peer is named by its CIDR. The web UIs of the side are opened
    to one operator CIDR (the tutorial's ``local_ip_as_cidr``) when given, never to ``0.0.0.0/0``.

    Example::

        access = HybridPeerAccess(self, "PeerAccess",
            vpc=onprem_vpc, side=PeerSide.ONPREM, peer_cidr="10.0.0.0/16",
            web_ui_cidr="203.0.113.7/32", hadoop_major=2,
        )
        access.security_group

    :param vpc: the VPC of this side.
    :param side: which end of the burst this is; decides the ports.
    :param peer_cidr: the other side's VPC CIDR.
    :param web_ui_cidr: the one network allowed to open the web UIs. Default: - none.
    :param hadoop_major: Hadoop major version of this side's EMR release (2 for EMR 5, 3 for EMR 6
        and 7), which decides the HDFS ports. Default: - 2.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        vpc: ec2.IVpc,
        side: PeerSide,
        peer_cidr: str,
        web_ui_cidr: str | None = None,
        hadoop_major: int = 2,
    ) -> None:
        problems = _cidr_format("peer_cidr", peer_cidr)
        if web_ui_cidr is not None:
            problems += _cidr_format("web_ui_cidr", web_ui_cidr)
        if hadoop_major not in (2, 3):
            problems.append(f"hadoop_major {hadoop_major} is not 2 (EMR 5) or 3 (EMR 6 and 7)")
        if not isinstance(side, PeerSide):
            problems.append(f"side {side!r} is not a PeerSide; use PeerSide.ONPREM or COMPUTE")
        if problems:
            raise ValueError(f"HybridPeerAccess '{construct_id}': " + "; ".join(problems))
        super().__init__(scope, construct_id)
        self.security_group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=vpc,
            description=f"emr-burst {side.value} side: burst ports from the peer VPC only",
            allow_all_outbound=False,
        )
        self.ports = burst_ports(side, hadoop_major)
        for port in self.ports:
            self.security_group.add_ingress_rule(
                ec2.Peer.ipv4(peer_cidr), ec2.Port.tcp(port.port), f"{port.description} from peer"
            )
        self.web_ui_ports: tuple[BurstPort, ...] = ()
        if web_ui_cidr is not None:
            self.web_ui_ports = web_ui_ports(side, hadoop_major)
            for port in self.web_ui_ports:
                self.security_group.add_ingress_rule(
                    ec2.Peer.ipv4(web_ui_cidr),
                    ec2.Port.tcp(port.port),
                    f"{port.description} from the operator network",
                )


def _cidr_format(prop: str, value: str) -> list[str]:
    if cdk.Token.is_unresolved(value):
        return []
    try:
        network = ipaddress.IPv4Network(value, strict=True)
    except ValueError as err:
        return [f"{prop} {value!r} is not an IPv4 CIDR ({err}); use e.g. '10.100.0.0/16'"]
    if network.prefixlen == 0:
        return [f"{prop} {value!r} opens the ports to the internet; name one network instead"]
    return []


def _region_problems(region: str, peer_region: str, cross_region: bool) -> list[str]:
    if cdk.Token.is_unresolved(region) or cdk.Token.is_unresolved(peer_region):
        if cross_region:
            return [
                "cross-region peering needs concrete regions: give the stacks of both VPCs an "
                "env with a region (or pass peer_region)"
            ]
        return []
    if cross_region and region == peer_region:
        return [
            f"peer_region {peer_region!r} is the same as this stack's region; cross_region=True "
            "needs two regions (pass cross_region=False for a same-region peering)"
        ]
    if not cross_region and region != peer_region:
        return [
            f"peer_region {peer_region!r} differs from this stack's region {region!r}; "
            "pass cross_region=True"
        ]
    return []


__all__: Sequence[str] = (
    "BurstPort",
    "HybridPeerAccess",
    "HybridPeering",
    "HybridPeeringAccepter",
    "PeerSide",
    "burst_ports",
    "cidr_problems",
    "web_ui_ports",
)
