"""The shared VPC that every emr-burst capability runs in."""

from __future__ import annotations

import enum
import ipaddress
from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

from emr_burst.core import kms as _kms
from emr_burst.core import nag as _nag
from emr_burst.core import rules
from emr_burst.core.errors import Checker
from emr_burst.core.removal import data_removal_policy


class InterfaceEndpoint(enum.Enum):
    """AWS PrivateLink endpoints that private EMR and EKS workloads commonly need."""

    ECR = "ecr"
    ECR_DOCKER = "ecr-docker"
    STS = "sts"
    LOGS = "logs"
    EKS = "eks"
    EKS_AUTH = "eks-auth"

    @property
    def service(self) -> ec2.InterfaceVpcEndpointAwsService:
        return {
            InterfaceEndpoint.ECR: ec2.InterfaceVpcEndpointAwsService.ECR,
            InterfaceEndpoint.ECR_DOCKER: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
            InterfaceEndpoint.STS: ec2.InterfaceVpcEndpointAwsService.STS,
            InterfaceEndpoint.LOGS: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
            InterfaceEndpoint.EKS: ec2.InterfaceVpcEndpointAwsService.EKS,
            InterfaceEndpoint.EKS_AUTH: ec2.InterfaceVpcEndpointAwsService.EKS_AUTH,
        }[self]

    @classmethod
    def parse(cls, value: InterfaceEndpoint | str) -> InterfaceEndpoint:
        """The member for a member or a name that :func:`interface_endpoint` accepted."""
        parsed = rules.choice(cls, value)
        if isinstance(parsed, str):
            raise ValueError(f"interface endpoint {value!r}: {parsed}")
        return parsed

    @property
    def construct_id(self) -> str:
        return "".join(part.capitalize() for part in self.value.split("-"))


#: How many subnet-size steps each tier is below the VPC prefix: private subnets take the most
#: addresses (EKS pods draw IPs from them), public subnets hold only NAT gateways and load
#: balancers.
_PRIVATE_STEPS = 3
_ISOLATED_STEPS = 5
_PUBLIC_STEPS = 6


class Network(Construct):
    """A VPC with public, private-with-egress and isolated subnets, endpoints and flow logs.

    The subnets span ``max_azs`` availability zones; the zones come from the enclosing stack
    (``Fn::GetAZs`` at deploy time, or explicit names), never from a lookup at synth time.
    Private subnets reach S3 through a gateway endpoint and, optionally, AWS APIs through
    interface endpoints that only the VPC's own CIDR may call. All traffic is recorded by a flow log
    into a KMS-encrypted log group.

    Example::

        network = Network(self, "Network",
            cidr="10.0.0.0/16",
            nat_gateways=1,
            interface_endpoints=[InterfaceEndpoint.ECR, InterfaceEndpoint.STS],
        )
        network.vpc.private_subnets

    :param cidr: IPv4 CIDR of the VPC, /16 to /22. Default: - ``10.0.0.0/16``.
    :param max_azs: how many AZs the subnets span, 2 to 4 (``rules.az_count``); the stack must
        offer that many zones. Default: - 2.
    :param nat_gateways: NAT gateways for the private subnets, 1 to ``max_azs``. Default: - 1.
    :param interface_endpoints: interface endpoints to create, as members or their names
        (``"sts"``). Default: - none.
    :param flow_log_retention: retention of the flow-log group. Default: - one year.
    :param encryption_key: key for the flow-log group. Default: - a new key with rotation.
    :param removal_policy: what happens to the key and log group when the stack is deleted;
        ``DESTROY`` needs the app's ``emr-burst:removeDataOnDestroy`` flag. Default: - RETAIN.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        cidr: str = "10.0.0.0/16",
        max_azs: int = 2,
        nat_gateways: int = 1,
        interface_endpoints: Sequence[InterfaceEndpoint | str] = (),
        flow_log_retention: logs.RetentionDays = logs.RetentionDays.ONE_YEAR,
        encryption_key: kms.IKey | None = None,
        removal_policy: cdk.RemovalPolicy | None = None,
    ) -> None:
        wanted = _validate(
            scope,
            construct_id,
            cidr=cidr,
            max_azs=max_azs,
            nat_gateways=nat_gateways,
            interface_endpoints=interface_endpoints,
            flow_log_retention=flow_log_retention,
            encryption_key=encryption_key,
            removal_policy=removal_policy,
        )
        super().__init__(scope, construct_id)
        removal = data_removal_policy(self, removal_policy)

        self.encryption_key: kms.IKey = encryption_key or _kms.new_key(
            self,
            "Key",
            description=f"Encrypts the flow logs of {self.node.path}",
            removal_policy=removal,
        )
        _kms.allow_cloudwatch_logs(self.encryption_key)

        self.vpc: ec2.IVpc = self._new_vpc(cidr, max_azs, nat_gateways)
        self.flow_log_group, self.flow_log = self._flow_logs(flow_log_retention, removal)
        self.s3_endpoint, self.interface_endpoints = self._endpoints(cidr, wanted)

    def _new_vpc(self, cidr: str, max_azs: int, nat_gateways: int) -> ec2.Vpc:
        """Public (NAT only), private-with-egress and isolated subnets in ``max_azs`` zones."""
        prefix = ipaddress.IPv4Network(cidr).prefixlen
        vpc = ec2.Vpc(
            self,
            "Vpc",
            ip_addresses=ec2.IpAddresses.cidr(cidr),
            max_azs=max_azs,
            nat_gateways=nat_gateways,
            restrict_default_security_group=True,
            subnet_configuration=[
                ec2.SubnetConfiguration(
                    name="Public",
                    subnet_type=ec2.SubnetType.PUBLIC,
                    cidr_mask=prefix + _PUBLIC_STEPS,
                    map_public_ip_on_launch=False,
                ),
                ec2.SubnetConfiguration(
                    name="Private",
                    subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS,
                    cidr_mask=prefix + _PRIVATE_STEPS,
                ),
                ec2.SubnetConfiguration(
                    name="Isolated",
                    subnet_type=ec2.SubnetType.PRIVATE_ISOLATED,
                    cidr_mask=prefix + _ISOLATED_STEPS,
                ),
            ],
        )
        if len(vpc.availability_zones) < max_azs:
            # CDK quietly spans fewer AZs when the stack offers fewer than max_azs.
            cdk.Annotations.of(self).add_warning_v2(
                "emr-burst:network-azs",
                f"max_azs is {max_azs} but the stack offers {len(vpc.availability_zones)} "
                "availability zones, so the VPC spans only those; give the stack that many AZ "
                "names (BurstStack availability_zone_names, emr-burst:availabilityZones)",
            )
        _nag.acknowledge(
            vpc,
            "Public subnets exist only for NAT gateways and internet-facing load balancers; they "
            "do not assign public IPs to instances, and everything else runs in private subnets.",
            *_nag.across_packs("VPCNoUnrestrictedRouteToIGW"),
        )

        return vpc

    def _flow_logs(
        self, retention: logs.RetentionDays, removal: cdk.RemovalPolicy
    ) -> tuple[logs.LogGroup, ec2.FlowLog]:
        """All traffic of the VPC into a KMS-encrypted log group, through a role of its own."""
        vpc = self.vpc
        flow_log_group = logs.LogGroup(
            self,
            "FlowLogGroup",
            retention=retention,
            encryption_key=self.encryption_key,
            removal_policy=removal,
        )
        # The delivery role gets a customer-managed policy scoped to this one log group instead of
        # the inline policy CDK would write (HIPAA and NIST 800-53 forbid inline policies).
        stack = cdk.Stack.of(self)
        flow_log_role = iam.Role(
            self,
            "FlowLogRole",
            # Bound to this account's flow logs: without the source conditions another
            # account's flow log could deliver through this role (confused deputy).
            assumed_by=iam.PrincipalWithConditions(
                iam.ServicePrincipal("vpc-flow-logs.amazonaws.com"),
                {
                    "StringEquals": {"aws:SourceAccount": stack.account},
                    "ArnLike": {
                        "aws:SourceArn": stack.format_arn(
                            service="ec2", resource="vpc-flow-log", resource_name="*"
                        )
                    },
                },
            ),
            description=f"Delivers the VPC flow logs of {self.node.path}",
        )
        delivery_policy = iam.ManagedPolicy(
            self,
            "FlowLogDeliveryPolicy",
            roles=[flow_log_role],
            statements=[
                iam.PolicyStatement(
                    actions=[
                        "logs:CreateLogStream",
                        "logs:PutLogEvents",
                        "logs:DescribeLogStreams",
                    ],
                    resources=[flow_log_group.log_group_arn],
                )
            ],
        )
        flow_log = ec2.FlowLog(
            self,
            "FlowLog",
            resource_type=ec2.FlowLogResourceType.from_vpc(vpc),
            destination=ec2.FlowLogDestination.to_cloud_watch_logs(
                flow_log_group, flow_log_role.without_policy_updates()
            ),
            traffic_type=ec2.FlowLogTrafficType.ALL,
        )
        flow_log.node.add_dependency(delivery_policy)

        return flow_log_group, flow_log

    def _endpoints(
        self, cidr: str, wanted: Sequence[InterfaceEndpoint]
    ) -> tuple[ec2.GatewayVpcEndpoint, dict[InterfaceEndpoint, ec2.InterfaceVpcEndpoint]]:
        """The S3 gateway endpoint, and the interface endpoints asked for (HTTPS from the VPC)."""
        vpc = self.vpc
        s3_endpoint = vpc.add_gateway_endpoint(
            "S3Endpoint",
            service=ec2.GatewayVpcEndpointAwsService.S3,
            subnets=[
                ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
                ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
            ],
        )

        interfaces: dict[InterfaceEndpoint, ec2.InterfaceVpcEndpoint] = {}
        if wanted:
            self.endpoint_security_group = ec2.SecurityGroup(
                self,
                "EndpointSecurityGroup",
                vpc=vpc,
                description="Interface endpoints: HTTPS from inside the VPC only",
                allow_all_outbound=False,
            )
            self.endpoint_security_group.add_ingress_rule(
                ec2.Peer.ipv4(cidr),
                ec2.Port.tcp(443),
                "HTTPS to AWS APIs from the VPC",
            )
            endpoints = Construct(self, "Endpoints")
            for endpoint in wanted:
                interfaces[endpoint] = ec2.InterfaceVpcEndpoint(
                    endpoints,
                    endpoint.construct_id,
                    vpc=vpc,
                    service=endpoint.service,
                    subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
                    security_groups=[self.endpoint_security_group],
                    open=False,
                    private_dns_enabled=True,
                )
        return s3_endpoint, interfaces


#: The shape of ``interface_endpoints``: a list (members or names), never a bare string.
interface_endpoint_list = rules.sequence("InterfaceEndpoint.STS, 'logs'")


def interface_endpoint(value: object) -> str | None:
    """An :class:`InterfaceEndpoint`, or its name as a string (``'sts'``, ``'ecr-docker'``)."""
    return rules.one_of(InterfaceEndpoint)(value)


def _validate(
    scope: Construct,
    construct_id: str,
    *,
    cidr: object,
    max_azs: object,
    nat_gateways: object,
    interface_endpoints: object,
    flow_log_retention: object,
    encryption_key: object,
    removal_policy: object,
) -> tuple[InterfaceEndpoint, ...]:
    """Every prop, judged before aws-cdk-lib sees it; the endpoints parsed to members."""
    check = Checker(scope, construct_id, "Network")
    if rules.unresolved(cidr):
        check.add("cidr", cidr, "pass a literal CIDR: CDK divides it into subnets at synth time")
    else:
        check.rule("cidr", cidr, rules.vpc_cidr)
    check.rule("max_azs", max_azs, rules.az_count)
    check.rule("nat_gateways", nat_gateways, rules.nat_gateway_count(max_azs))
    endpoints: tuple[InterfaceEndpoint, ...] = ()
    if check.rule("interface_endpoints", interface_endpoints, interface_endpoint_list):
        items = list(interface_endpoints)  # type: ignore[call-overload]
        if check.each("interface_endpoints", items, interface_endpoint):
            endpoints = tuple(InterfaceEndpoint.parse(item) for item in items)
            # Judged on the parsed names, so 'sts' and InterfaceEndpoint.STS count as one.
            if (fix := rules.distinct([e.value for e in endpoints])) is not None:
                check.add("interface_endpoints", items, fix)
    check.rule(
        "flow_log_retention",
        flow_log_retention,
        rules.instance_of(logs.RetentionDays, "logs.RetentionDays such as ONE_YEAR"),
    )
    if encryption_key is not None:
        check.rule("encryption_key", encryption_key, rules.interface("kms.IKey", "key_arn"))
    if removal_policy is not None:
        check.rule(
            "removal_policy",
            removal_policy,
            rules.instance_of(cdk.RemovalPolicy, "cdk.RemovalPolicy such as RETAIN"),
        )
    check.raise_if_any()
    return endpoints
