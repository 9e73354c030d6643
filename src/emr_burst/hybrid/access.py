"""The burst's ports, and the security group that opens only them, only to the peer's CIDR."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from emr_burst.core import rules
from emr_burst.core.errors import Checker


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

hadoop_line = rules.integer(2, 3, unit="(Hadoop 2 on EMR 5, 3 on EMR 6 and 7)")


def _checked(where: str, side: Any, hadoop_major: Any) -> PeerSide:
    check = Checker(None, None, "", where=where)
    parsed = rules.choice(PeerSide, side)
    if isinstance(parsed, str):
        check.add("side", side, parsed)
    check.rule("hadoop_major", hadoop_major, hadoop_line)
    check.raise_if_any()
    assert isinstance(parsed, PeerSide)
    return parsed


def burst_ports(side: PeerSide, hadoop_major: int = 2) -> tuple[BurstPort, ...]:
    """Ports that ``side`` must accept from its peer's CIDR, and nothing else.

    The compute side reads HDFS and the metastore of the on-prem side; the on-prem side reaches the
    burst's query engine and Alluxio (master, worker, web UI with its Manager tab).
    """
    if _checked("burst_ports()", side, hadoop_major) is PeerSide.ONPREM:
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
    if _checked("web_ui_ports()", side, hadoop_major) is PeerSide.ONPREM:
        return (BurstPort(_NAMENODE_WEB_PORT[hadoop_major], "HDFS NameNode web UI"),)
    return (
        BurstPort(ALLUXIO_WEB_UI_PORT, "Alluxio master web UI"),
        BurstPort(ENGINE_PORT, "Presto/Trino web UI"),
    )


VPC = rules.interface("an ec2.IVpc such as ec2.Vpc(...)", "vpc_id", "select_subnets")


class HybridPeerAccess(Construct):
    """A security group that opens only the burst's ports, only to the peer's CIDR.

    Attach it to an EMR cluster as an additional security group. Security groups cannot reference
    groups in another region, so the peer is named by its CIDR. The web UIs of the side are opened
    to one operator network (the tutorial's ``local_ip_as_cidr``) when given; a public network
    wider than a /16 is refused (``0.0.0.0/1`` is as open as ``0.0.0.0/0``).

    Example::

        access = HybridPeerAccess(self, "PeerAccess",
            vpc=onprem_vpc, side=PeerSide.ONPREM, peer_cidr="10.0.0.0/16",
            web_ui_cidr="203.0.113.7/32", hadoop_major=2,
        )
        access.security_group

    :param vpc: the VPC of this side.
    :param side: which end of the burst this is (a member or ``"onprem"``/``"compute"``);
        decides the ports.
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
        side: PeerSide | str,
        peer_cidr: str,
        web_ui_cidr: str | None = None,
        hadoop_major: int = 2,
    ) -> None:
        check = Checker(scope, construct_id, "HybridPeerAccess")
        check.rule("vpc", vpc, VPC)
        parsed = rules.choice(PeerSide, side)
        if isinstance(parsed, str):
            check.add("side", side, parsed)
        check.rule("peer_cidr", peer_cidr, rules.allow_list_cidr)
        check.rule("web_ui_cidr", web_ui_cidr, rules.optional(rules.allow_list_cidr))
        check.rule("hadoop_major", hadoop_major, hadoop_line)
        check.raise_if_any()
        assert isinstance(parsed, PeerSide)
        super().__init__(scope, construct_id)
        self.security_group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=vpc,
            description=f"emr-burst {parsed.value} side: burst ports from the peer VPC only",
            allow_all_outbound=False,
        )
        self.ports = burst_ports(parsed, hadoop_major)
        for port in self.ports:
            self.security_group.add_ingress_rule(
                ec2.Peer.ipv4(peer_cidr), ec2.Port.tcp(port.port), f"{port.description} from peer"
            )
        self.web_ui_ports: tuple[BurstPort, ...] = ()
        if web_ui_cidr is not None:
            self.web_ui_ports = web_ui_ports(parsed, hadoop_major)
            for port in self.web_ui_ports:
                self.security_group.add_ingress_rule(
                    ec2.Peer.ipv4(web_ui_cidr),
                    ec2.Port.tcp(port.port),
                    f"{port.description} from the operator network",
                )
