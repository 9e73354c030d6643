"""A Spark History Server on EKS that reads the central event-log directory, served privately.

The server runs in namespace ``spark-history`` under a read-only IRSA role and is reached over
HTTPS only: an internal ALB made from an Ingress (EKS Auto Mode's built-in ALB, or the AWS Load
Balancer Controller on node-group clusters), a certificate from AWS Private CA, a Route 53
private hosted zone, and optionally an AWS Client VPN endpoint with mutual TLS.
"""

from __future__ import annotations

import enum
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_acmpca as acmpca
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_eks_v2 as eks
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_route53 as route53
from constructs import Construct

from emr_burst.core import kms as _kms
from emr_burst.core import nag as _nag
from emr_burst.core import rules, versions
from emr_burst.core.errors import Checker
from emr_burst.core.iam import ManagedPolicyRole
from emr_burst.core.removal import data_removal_policy
from emr_burst.emr_eks.compute import AutoModeCompute, NodeGroupCompute
from emr_burst.emr_eks.imported import check_platform
from emr_burst.emr_eks.interfaces import IEmrEksPlatform
from emr_burst.emr_eks.job_role import web_identity_trust_document
from emr_burst.emr_eks.namespace import KubernetesNamespace
from emr_burst.observability import manifests as m
from emr_burst.observability.event_logs import SparkEventLogs

HOST_LABEL = "spark-history-server"
#: The subject common name of a CA the construct creates (see ``_root_ca``).
CA_COMMON_NAME = "Spark History Server CA"
#: What ACM needs on a Private CA to renew the certificates it issued from it.
ACM_RENEWAL_ACTIONS = ("IssueCertificate", "GetCertificate", "ListPermissions")
#: How long CloudFormation waits for the controller to give the Ingress its ALB.
ALB_WAIT = cdk.Duration.minutes(10)


class AlbProvider(enum.Enum):
    """Which controller builds the ALB of the Ingress."""

    #: EKS Auto Mode's built-in load balancing (nothing to install).
    AUTO_MODE = "auto-mode"
    #: The AWS Load Balancer Controller, installed (pinned) on a node-group cluster built here.
    CONTROLLER = "controller"


@dataclass(frozen=True)
class ClientVpn:
    """An AWS Client VPN endpoint into the server's VPC, with mutual TLS.

    Both certificates are in ACM. ``client_root_certificate_arn`` is the certificate of the CA that
    issued the users' client certificates; when the Private CA of :class:`PrivateAccess` issues
    them, pass ``None`` and the endpoint uses a server certificate from that CA for both.

    :param client_cidr: addresses given to VPN clients; must not overlap the VPC.
        Default: - ``172.16.0.0/22``.
    :param server_certificate_arn: Default: - a certificate for ``vpn.<domain>`` from the
        Private CA.
    :param client_root_certificate_arn: Default: - the server certificate (same CA).
    """

    client_cidr: str = "172.16.0.0/22"
    server_certificate_arn: str | None = None
    client_root_certificate_arn: str | None = None


@dataclass(frozen=True)
class PrivateAccess:
    """How people reach the UI: ``https://spark-history-server.<domain>/`` inside the VPC.

    :param domain: the private domain (a Route 53 private hosted zone is created for it).
    :param certificate_authority_arn: an existing AWS Private CA that issues the certificate.
        It must grant ``acm.amazonaws.com`` IssueCertificate, GetCertificate and ListPermissions
        (``aws acm-pca create-permission``), or ACM cannot renew the certificates and they expire.
        Default: - a new general-purpose root CA (billed monthly per CA: about 400 USD), with that
        permission.
    :param client_vpn: Default: - none; the UI is reachable from the VPC and networks routed to it.
    """

    domain: str | None = None
    certificate_authority_arn: str | None = None
    client_vpn: ClientVpn | None = None


class SparkHistoryServer(Construct):
    """The Spark History Server on an EMR on EKS platform, reading one :class:`SparkEventLogs`.

    The Deployment (namespace ``spark-history``) runs the pinned Spark image as a non-root user
    with a read-only root filesystem, probes and fixed resources; an init container adds the S3A
    jars (pinned, SHA-1 checked). Its IRSA role may only list and read the event-log directory and
    decrypt with its key, which holds because log compaction and the cleaner are off (the bucket's
    lifecycle rule expires old logs instead); turning either on needs ``read_only=False``.

    Example::

        logs = SparkEventLogs(self, "EventLogs")
        SparkHistoryServer(self, "HistoryServer", platform=platform, event_logs=logs, vpc=vpc,
            vpc_cidr="10.0.0.0/16", access=PrivateAccess(domain="example.internal",
            client_vpn=ClientVpn()))

    :param platform: the EKS platform that runs the server (built here or imported).
    :param event_logs: the store the server reads.
    :param vpc: the VPC of the cluster (private hosted zone, Client VPN).
    :param vpc_cidr: the VPC's literal CIDR (ALB inbound rule, VPN checks and authorization).
        Default: - ``vpc.vpc_cidr_block`` when it is literal.
    :param access: private HTTPS access. Default: - ``PrivateAccess()``, which needs a domain.
    :param alb: ``AlbProvider.AUTO_MODE`` or ``AlbProvider.CONTROLLER``. Default: - the
        controller for a node-group platform built here, Auto Mode otherwise.
    :param admin_groups: refused when not empty: Spark's UI ACLs need an authentication filter,
        which this construct does not install, and without one everyone who reaches the UI sees
        every application. Default: - none; the UI is open to anyone reaching it through the VPN
        or the VPC.
    :param read_only: the server's role cannot write or delete. Default: - True.
    :param compaction_files_to_retain: event-log compaction (rewrites and deletes files).
        Default: - off.
    :param cleaner: the server deletes old logs itself. Default: - False.
    :param removal_policy: for the VPN's log group and key. Default: - RETAIN.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        platform: IEmrEksPlatform,
        event_logs: SparkEventLogs,
        vpc: ec2.IVpc,
        vpc_cidr: str | None = None,
        access: PrivateAccess | None = None,
        alb: AlbProvider | str | None = None,
        admin_groups: Sequence[str] = (),
        read_only: bool = True,
        compaction_files_to_retain: int | None = None,
        cleaner: bool = False,
        removal_policy: cdk.RemovalPolicy | None = None,
    ) -> None:
        access = access if access is not None else PrivateAccess()
        vpc_cidr = vpc_cidr if vpc_cidr is not None else getattr(vpc, "vpc_cidr_block", None)
        parsed_alb = _validate(
            Checker(scope, construct_id, "SparkHistoryServer"),
            platform=platform,
            event_logs=event_logs,
            vpc=vpc,
            vpc_cidr=vpc_cidr,
            access=access,
            alb=alb,
            admin_groups=admin_groups,
            read_only=read_only,
            compaction_files_to_retain=compaction_files_to_retain,
            cleaner=cleaner,
        )
        assert isinstance(vpc_cidr, str)
        assert isinstance(access.domain, str)
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        self.platform = platform
        self.event_logs = event_logs
        self.alb = parsed_alb
        self.domain = access.domain
        self.host = f"{HOST_LABEL}.{access.domain}"
        self.url = f"https://{self.host}/"
        removal = data_removal_policy(self, removal_policy)

        self.namespace = KubernetesNamespace(
            self, "Namespace", platform=platform, namespace=m.NAMESPACE
        )
        self.role = self._role(platform, stack, read_only=read_only)
        self._activation: acmpca.CfnCertificateAuthorityActivation | None = None
        self.ca_permission: acmpca.CfnPermission | None = None
        self.certificate_authority_arn = access.certificate_authority_arn or self._root_ca()
        authority = acmpca.CertificateAuthority.from_certificate_authority_arn(
            self, "Authority", self.certificate_authority_arn
        )
        self.certificate = acm.PrivateCertificate(
            self, "Certificate", domain_name=self.host, certificate_authority=authority
        )
        if self._activation is not None:
            self.certificate.node.add_dependency(self._activation)

        settings = m.ServerSettings(
            log_directory_uri=event_logs.reader_uri,
            region=stack.region,
            admin_groups=tuple(admin_groups),
            compaction_files_to_retain=compaction_files_to_retain,
            cleaner=cleaner,
        )
        controller = self._alb_controller(parsed_alb)
        self.ingress_class = eks.KubernetesManifest(
            self,
            "IngressClass",
            cluster=platform.cluster,
            manifest=m.ingress_class(
                m.AUTO_MODE_ALB
                if parsed_alb is AlbProvider.AUTO_MODE
                else m.LOAD_BALANCER_CONTROLLER,
                self.certificate.certificate_arn,
                vpc.select_subnets(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS).subnet_ids,
            ),
        )
        if controller is not None:
            self.ingress_class.node.add_dependency(controller)
        self.workload = self.namespace.add_manifest(
            "Workload",
            m.service_account(self.role.role_arn),
            m.deployment(settings),
            m.service(),
        )
        self.workload.node.add_dependency(event_logs)
        self.ingress = self.namespace.add_manifest(
            "Ingress",
            m.ingress(
                host=self.host,
                certificate_arn=self.certificate.certificate_arn,
                inbound_cidrs=[vpc_cidr],
            ),
        )
        self.ingress.node.add_dependency(self.ingress_class, self.workload)

        # The controller names the ALB only once the Ingress exists: the kubectl provider the
        # platform already has reads it back (no new Lambda function).
        self.load_balancer_dns = eks.KubernetesObjectValue(
            self,
            "LoadBalancerDns",
            cluster=platform.cluster,
            object_type="ingress",
            object_name=m.NAME,
            object_namespace=m.NAMESPACE,
            json_path=".status.loadBalancer.ingress[0].hostname",
            timeout=ALB_WAIT,
        )
        self.load_balancer_dns.node.add_dependency(self.ingress)
        self.zone = route53.PrivateHostedZone(self, "Zone", zone_name=access.domain, vpc=vpc)
        self.record = route53.CnameRecord(
            self,
            "Record",
            zone=self.zone,
            record_name=HOST_LABEL,
            domain_name=self.load_balancer_dns.value,
            ttl=cdk.Duration.minutes(5),
        )
        self.client_vpn: ec2.ClientVpnEndpoint | None = None
        self.vpn_security_group: ec2.SecurityGroup | None = None
        if access.client_vpn is not None:
            self.client_vpn = self._client_vpn(access.client_vpn, vpc, vpc_cidr, removal)

    # --- parts ----------------------------------------------------------------------------------

    def _role(
        self, platform: IEmrEksPlatform, stack: cdk.Stack, *, read_only: bool
    ) -> ManagedPolicyRole:
        provider = platform.open_id_connect_provider
        role = ManagedPolicyRole(
            self,
            "Role",
            assumed_by=iam.WebIdentityPrincipal(provider.open_id_connect_provider_arn),
            description="Spark History Server: reads the central Spark event-log directory",
        )
        trust = web_identity_trust_document(
            provider_arn=provider.open_id_connect_provider_arn,
            issuer=platform.open_id_connect_issuer_for(self),
            subject=f"system:serviceaccount:{m.NAMESPACE}:{m.SERVICE_ACCOUNT}",
        )
        cfn_role = role.node.default_child
        assert isinstance(cfn_role, iam.CfnRole)
        # A JSON string lets the issuer (a token) be a condition key without a CfnJson Lambda.
        cfn_role.add_property_override("AssumeRolePolicyDocument", stack.to_json_string(trust))
        if read_only:
            self.event_logs.grant_read(role)
        else:
            self.event_logs.grant_write(role)
        _nag.acknowledge_resources(
            role,
            "The History Server lists and reads every application's event-log file, named at run "
            "time, inside the one event-log directory only.",
            "AwsSolutions-IAM5",
            [self.event_logs.objects_arn],
        )
        return role

    def _root_ca(self) -> str:
        """A general-purpose root CA with its self-signed certificate, activated."""
        ca = acmpca.CfnCertificateAuthority(
            self,
            "RootCa",
            type="ROOT",
            key_algorithm="RSA_2048",
            signing_algorithm="SHA256WITHRSA",
            subject=acmpca.CfnCertificateAuthority.SubjectProperty(
                # Fixed, not derived from the domain: a change of the subject replaces the CA,
                # and the retained old one keeps billing.
                common_name=CA_COMMON_NAME,
                organization="emr-burst",
            ),
            usage_mode="GENERAL_PURPOSE",
        )
        ca.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
        certificate = acmpca.CfnCertificate(
            self,
            "RootCaCertificate",
            certificate_authority_arn=ca.attr_arn,
            certificate_signing_request=ca.attr_certificate_signing_request,
            signing_algorithm="SHA256WITHRSA",
            template_arn=f"arn:{cdk.Aws.PARTITION}:acm-pca:::template/RootCACertificate/V1",
            validity=acmpca.CfnCertificate.ValidityProperty(type="YEARS", value=10),
        )
        # ACM renews the private certificates it issued from this CA (ALB, VPN) only with these
        # three permissions; without them the certificates expire.
        self.ca_permission = acmpca.CfnPermission(
            self,
            "RootCaAcmPermission",
            certificate_authority_arn=ca.attr_arn,
            principal="acm.amazonaws.com",
            actions=list(ACM_RENEWAL_ACTIONS),
        )
        self._activation = acmpca.CfnCertificateAuthorityActivation(
            self,
            "RootCaActivation",
            certificate_authority_arn=ca.attr_arn,
            certificate=certificate.attr_certificate,
            status="ACTIVE",
        )
        return ca.attr_arn

    def _alb_controller(self, alb: AlbProvider) -> Construct | None:
        if alb is not AlbProvider.CONTROLLER:
            return None
        cluster = getattr(self.platform, "eks_cluster", None)
        if not isinstance(cluster, eks.Cluster):
            return None  # an imported node-group cluster runs its own controller
        controller = eks.AlbController(
            self,
            "AlbController",
            cluster=cluster,
            version=getattr(
                eks.AlbControllerVersion, versions.AWS_LOAD_BALANCER_CONTROLLER_VERSION
            ),
        )
        _nag.acknowledge(
            controller,
            "The AWS Load Balancer Controller's own IAM policy (the upstream project's, shipped by "
            "aws-cdk-lib for the pinned version) creates load balancers, listeners, target groups "
            "and security groups whose names it picks at run time, scoped by its cluster tag.",
            "AwsSolutions-IAM5",
            applies_to=[f"Resource::{arn}" for arn in _CONTROLLER_RESOURCES],
        )
        _nag.acknowledge(
            controller,
            "aws-cdk-lib attaches the controller's upstream policy to its service-account role as "
            "the role's default policy; the controller construct offers no managed-policy form.",
            *_nag.across_packs("IAMNoInlinePolicy"),
        )
        return controller

    def _client_vpn(
        self, vpn: ClientVpn, vpc: ec2.IVpc, vpc_cidr: str, removal: cdk.RemovalPolicy
    ) -> ec2.ClientVpnEndpoint:
        server_arn = vpn.server_certificate_arn
        if server_arn is None:
            authority = acmpca.CertificateAuthority.from_certificate_authority_arn(
                self, "VpnAuthority", self.certificate_authority_arn
            )
            server = acm.PrivateCertificate(
                self,
                "VpnServerCertificate",
                domain_name=f"vpn.{self.domain}",
                certificate_authority=authority,
            )
            if self._activation is not None:
                server.node.add_dependency(self._activation)
            server_arn = server.certificate_arn
        key: kms.IKey = _kms.new_key(
            self,
            "VpnLogKey",
            description=f"Client VPN connection logs of {self.node.path}",
            removal_policy=removal,
        )
        _kms.allow_cloudwatch_logs(key)
        log_group = logs.LogGroup(
            self,
            "VpnConnectionLogs",
            encryption_key=key,
            retention=logs.RetentionDays.ONE_YEAR,
            removal_policy=removal,
        )
        # Its own group: VPN users reach HTTPS in the VPC and the VPC's resolver, nothing else (the
        # VPC's default group would let them reach every port of every address).
        resolver = f"{_resolver_address(vpc_cidr)}/32"
        self.vpn_security_group = ec2.SecurityGroup(
            self,
            "ClientVpnSecurityGroup",
            vpc=vpc,
            description="Client VPN: HTTPS to the VPC and DNS to its resolver only",
            allow_all_outbound=False,
        )
        for peer, port, what in (
            (vpc_cidr, ec2.Port.tcp(443), "HTTPS to the VPC"),
            (resolver, ec2.Port.udp(53), "DNS to the VPC resolver"),
            (resolver, ec2.Port.tcp(53), "DNS over TCP to the VPC resolver"),
        ):
            self.vpn_security_group.add_egress_rule(ec2.Peer.ipv4(peer), port, what)
        endpoint = ec2.ClientVpnEndpoint(
            self,
            "ClientVpn",
            vpc=vpc,
            cidr=vpn.client_cidr,
            server_certificate_arn=server_arn,
            client_certificate_arn=vpn.client_root_certificate_arn or server_arn,
            logging=True,
            log_group=log_group,
            split_tunnel=True,
            port=ec2.VpnPort.HTTPS,
            dns_servers=[_resolver_address(vpc_cidr)],
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
            security_groups=[self.vpn_security_group],
            description=f"Private access to {self.url}",
            # Authorized for the VPC's own range only (never 0.0.0.0/0), given as the literal
            # CIDR rather than the VPC's attribute.
            authorize_all_users_to_vpc_cidr=False,
        )
        endpoint.add_authorization_rule("VpcOnly", cidr=vpc_cidr)
        return endpoint


#: Resources of the Load Balancer Controller's upstream policy, as cdk-nag names them.
_CONTROLLER_RESOURCES = (
    "*",
    "arn:<AWS::Partition>:ec2:*:*:security-group/*",
    *(
        f"arn:<AWS::Partition>:elasticloadbalancing:*:*:{kind}/{lb}/*/*{extra}"
        for kind, extra in (("listener-rule", "/*"), ("listener", "/*"), ("loadbalancer", ""))
        for lb in ("app", "net")
    ),
    "arn:<AWS::Partition>:elasticloadbalancing:*:*:targetgroup/*/*",
)


def _resolver_address(vpc_cidr: str) -> str:
    """The VPC's Route 53 Resolver: the network address plus two."""
    return str(ipaddress.IPv4Network(vpc_cidr).network_address + 2)


def _check_private_subnets(check: Checker, vpc: ec2.IVpc) -> None:
    """The ALB, the VPN and the server's pods go in PRIVATE_WITH_EGRESS subnets: the init
    container downloads the S3A jars from Maven Central, so the subnets need a route out."""
    try:
        subnets = vpc.select_subnets(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS).subnets
    except Exception:  # aws-cdk-lib raises a plain jsii error when there is no such group
        subnets = []
    if not subnets:
        check.add(
            "vpc",
            vpc.node.path if isinstance(vpc, Construct) else vpc,
            "the VPC has no PRIVATE_WITH_EGRESS subnets; the internal ALB and the Client VPN go "
            "there, and the server's init container needs egress (a NAT gateway) to download the "
            "S3A jars from Maven Central; add private subnets with egress",
        )


def _check_alb_fits_compute(check: Checker, alb: Any, parsed: AlbProvider, compute: Any) -> None:
    """Auto Mode's built-in ALB exists only on Auto Mode clusters, and the Load Balancer
    Controller must not run beside it there. Imported platforms (compute unknown) pass."""
    if parsed is AlbProvider.CONTROLLER and isinstance(compute, AutoModeCompute):
        check.add(
            "alb",
            alb,
            "the platform runs EKS Auto Mode, whose built-in load balancing makes the ALB; use "
            "AlbProvider.AUTO_MODE (or leave alb unset) instead of installing the controller",
        )
    elif parsed is AlbProvider.AUTO_MODE and isinstance(compute, NodeGroupCompute):
        check.add(
            "alb",
            alb,
            "the platform runs node groups, where nothing serves Auto Mode's IngressClass; use "
            "AlbProvider.CONTROLLER (or leave alb unset) for the AWS Load Balancer Controller",
        )


def _validate(
    check: Checker,
    *,
    platform: Any,
    event_logs: Any,
    vpc: Any,
    vpc_cidr: Any,
    access: Any,
    alb: Any,
    admin_groups: Any,
    read_only: Any,
    compaction_files_to_retain: Any,
    cleaner: Any,
) -> AlbProvider:
    check_platform(check, platform)
    check.rule("event_logs", event_logs, rules.instance_of(SparkEventLogs, "SparkEventLogs(...)"))
    if check.rule("vpc", vpc, rules.interface("an ec2.IVpc", "vpc_id")):
        _check_private_subnets(check, vpc)
    if vpc_cidr is None or rules.unresolved(vpc_cidr):
        check.add(
            "vpc_cidr",
            vpc_cidr,
            "pass the VPC's literal CIDR: the ALB's inbound rule and the VPN checks need it",
        )
        vpc_cidr = None
    else:
        vpc_ok = check.rule("vpc_cidr", vpc_cidr, rules.cidr)
        vpc_cidr = vpc_cidr if vpc_ok else None
    if not isinstance(access, PrivateAccess):
        check.add("access", access, "pass PrivateAccess(domain=...) or None")
    else:
        if access.domain is None:
            check.add(
                "access.domain",
                None,
                "HTTPS needs a domain for the certificate and the private hosted zone, e.g. "
                "PrivateAccess(domain='example.internal')",
            )
        elif check.rule("access.domain", access.domain, rules.domain_name):
            vpn_label = (
                ("vpn",)
                if isinstance(access.client_vpn, ClientVpn)
                and access.client_vpn.server_certificate_arn is None
                else ()
            )
            check.rule(
                "access.domain",
                access.domain,
                rules.certificate_domain(HOST_LABEL, *vpn_label),
            )
        check.rule(
            "access.certificate_authority_arn",
            access.certificate_authority_arn,
            rules.optional(rules.private_ca_arn),
        )
        vpn = access.client_vpn
        if vpn is not None and not isinstance(vpn, ClientVpn):
            check.add("access.client_vpn", vpn, "pass ClientVpn(...) or None")
        elif vpn is not None:
            rule = rules.disjoint_from(vpc_cidr, "the VPC") if vpc_cidr else rules.cidr
            if check.rule("access.client_vpn.client_cidr", vpn.client_cidr, rule):
                check.rule("access.client_vpn.client_cidr", vpn.client_cidr, rules.client_vpn_cidr)
            for field in ("server_certificate_arn", "client_root_certificate_arn"):
                check.rule(
                    f"access.client_vpn.{field}",
                    getattr(vpn, field),
                    rules.optional(rules.acm_certificate_arn),
                )
    parsed: AlbProvider = AlbProvider.AUTO_MODE
    if alb is None:
        if isinstance(getattr(platform, "compute", None), NodeGroupCompute):
            parsed = AlbProvider.CONTROLLER
    else:
        choice = rules.choice(AlbProvider, alb)
        if isinstance(choice, str):
            check.add("alb", alb, choice)
        else:
            parsed = choice
            _check_alb_fits_compute(check, alb, parsed, getattr(platform, "compute", None))
    groups_ok = check.rule(
        "admin_groups", admin_groups, rules.string_list("spark-admins")
    ) and check.each("admin_groups", admin_groups, rules.ui_group)
    if groups_ok and list(admin_groups):
        check.add(
            "admin_groups",
            list(admin_groups),
            "Spark's UI ACLs only act on an authenticated user, which an authentication "
            "filter (spark.ui.filters) sets; this construct installs none, and without one "
            "Spark lets every request through, so admin groups would protect nothing. Leave "
            "admin_groups empty and limit who reaches the UI (the VPN, the VPC's routes)",
        )
    check.rule("read_only", read_only, rules.boolean)
    check.rule("cleaner", cleaner, rules.boolean)
    check.rule(
        "compaction_files_to_retain",
        compaction_files_to_retain,
        rules.optional(rules.integer(1, 1_000_000, unit="files")),
    )
    if read_only is True:
        for prop, value, on in (
            ("cleaner", cleaner, cleaner is True),
            (
                "compaction_files_to_retain",
                compaction_files_to_retain,
                compaction_files_to_retain is not None,
            ),
        ):
            if on:
                check.add(
                    prop,
                    value,
                    "rewrites and deletes event-log files, which the read-only server role "
                    "cannot; leave it off (the bucket's lifecycle rule expires old logs) or pass "
                    "read_only=False",
                )
    check.raise_if_any()
    return parsed
