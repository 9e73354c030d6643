"""Reference stack: the central Spark History Server of the SHS post, with its two producers."""

from __future__ import annotations

import aws_cdk as cdk
from constructs import Construct

from emr_burst.config import AppConfig
from emr_burst.core.buckets import kms_bucket
from emr_burst.core.removal import data_removal_policy
from emr_burst.observability import ClientVpn, PrivateAccess, SparkEventLogs, SparkHistoryServer
from emr_burst.stacks._base import BurstStack, placement
from emr_burst.stacks.emr_eks_stack import EmrEksStack, add_reference_teams
from emr_burst.stacks.network_stack import NetworkStack

#: The post's producer virtual clusters (Financial and Marketing Analytics).
PRODUCERS = ("datascience-cluster-v", "analytics-cluster-v")
#: The post's private domain: the UI is https://spark-history-server.example.internal/.
DOMAIN = "example.internal"
#: The post's VPN client range (outside the reference VPC's 10.0.0.0/16).
VPN_CLIENT_CIDR = "172.16.0.0/22"
ADMIN_GROUPS = ("spark-history-admins",)


class SparkHistoryStack(BurstStack):
    """One event-log store, the History Server reading it (privately, with Client VPN), and two
    producer teams writing it, on the platform of an :class:`EmrEksStack`.

    The server runs on the existing platform in namespace ``spark-history`` (the post gives it a
    cluster of its own; the construct takes any platform, built or imported).
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
        side = config.compute
        super().__init__(
            scope,
            construct_id,
            **placement(config, account=side.account, region=side.region),
            description="emr-burst Spark History Server: central event logs, private HTTPS UI",
        )
        self.add_stack_dependency(platform_stack)
        removal = cdk.RemovalPolicy.DESTROY if config.remove_data_on_destroy else None
        platform = platform_stack.platform
        self.event_logs = SparkEventLogs(self, "EventLogs", removal_policy=removal)
        self.history_server = SparkHistoryServer(
            self,
            "HistoryServer",
            platform=platform,
            event_logs=self.event_logs,
            vpc=network.network.vpc,
            vpc_cidr=config.network.cidr,
            access=PrivateAccess(domain=DOMAIN, client_vpn=ClientVpn(client_cidr=VPN_CLIENT_CIDR)),
            admin_groups=ADMIN_GROUPS,
            removal_policy=removal,
        )
        # The producers' scripts, data and container logs: a bucket of this stack (container logs
        # never go to the event-log directory).
        self.producer_bucket = kms_bucket(
            self,
            "ProducerJobs",
            key=self.event_logs.key,
            removal_policy=data_removal_policy(self, removal),
            access_logs=self.event_logs.access_logs,
            access_logs_prefix="producer-jobs/",
        )
        self.producers = add_reference_teams(
            self, platform, PRODUCERS, config, bucket=self.producer_bucket
        )
        for team in self.producers.values():
            team.add_extension(self.event_logs)
        cdk.CfnOutput(self, "HistoryServerUrl", value=self.history_server.url)
        cdk.CfnOutput(self, "EventLogDirectory", value=self.event_logs.writer_uri)
        cdk.CfnOutput(
            self, "CertificateAuthorityArn", value=self.history_server.certificate_authority_arn
        )
        if self.history_server.client_vpn is not None:
            cdk.CfnOutput(
                self, "ClientVpnEndpointId", value=self.history_server.client_vpn.endpoint_id
            )
