"""Reference stack: the central Spark History Server of the SHS post, with its two producers."""

from __future__ import annotations

import aws_cdk as cdk
from constructs import Construct

from emr_burst.config import AppConfig
from emr_burst.observability import ClientVpn, PrivateAccess, SparkHistoryServer
from emr_burst.stacks._base import BurstStack, compute_placement
from emr_burst.stacks.emr_eks_stack import EmrEksStack, add_reference_teams
from emr_burst.stacks.network_stack import NetworkStack

#: The post's producer virtual clusters (Financial and Marketing Analytics).
PRODUCERS = ("datascience-cluster-v", "analytics-cluster-v")


class SparkHistoryStack(BurstStack):
    """The History Server reading the platform's event-log store (privately, with Client VPN),
    and the post's two producer teams writing it, on the platform of an :class:`EmrEksStack`.

    The store belongs to the platform stack, whose own teams write it too, so every team of the
    app lands in the one directory the server reads. The server runs on the existing platform in
    namespace ``spark-history`` (the post gives it a cluster of its own; the construct takes any
    platform, built or imported).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: AppConfig,
        network: NetworkStack,
        platform_stack: EmrEksStack,
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            **compute_placement(config),
            description="emr-burst Spark History Server: central event logs, private HTTPS UI",
        )
        self.add_stack_dependency(platform_stack)
        removal = config.removal_policy
        platform = platform_stack.platform
        shs = config.observability
        # The platform stack owns the store its own teams write; the server reads it here.
        self.event_logs = platform_stack.event_logs
        self.history_server = SparkHistoryServer(
            self,
            "HistoryServer",
            platform=platform,
            event_logs=self.event_logs,
            vpc=network.network.vpc,
            vpc_cidr=config.network.cidr,
            access=PrivateAccess(
                domain=shs.domain,
                certificate_authority_arn=shs.certificate_authority_arn,
                client_vpn=ClientVpn(client_cidr=shs.client_vpn_cidr) if shs.client_vpn else None,
            ),
            admin_groups=shs.admin_groups,
            removal_policy=removal,
        )
        self.producers = add_reference_teams(
            self, platform, PRODUCERS, config, event_logs=self.event_logs
        )
        cdk.CfnOutput(self, "HistoryServerUrl", value=self.history_server.url)
        cdk.CfnOutput(self, "EventLogDirectory", value=self.event_logs.writer_uri)
        cdk.CfnOutput(
            self, "CertificateAuthorityArn", value=self.history_server.certificate_authority_arn
        )
        if self.history_server.client_vpn is not None:
            cdk.CfnOutput(
                self, "ClientVpnEndpointId", value=self.history_server.client_vpn.endpoint_id
            )
