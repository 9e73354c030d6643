"""Job execution roles: the IAM role EMR on EKS jobs run as, trusted by exactly EMR's pods."""

from __future__ import annotations

import enum
from typing import Any

import aws_cdk as cdk
import jsii
from aws_cdk import aws_eks_v2 as eks
from aws_cdk import aws_iam as iam
from constructs import Construct

from emr_burst.core import rules
from emr_burst.core.errors import Checker
from emr_burst.core.iam import ManagedPolicyRole, claim_role_name
from emr_burst.core.lazy import lazy_string
from emr_burst.emr_eks import naming
from emr_burst.emr_eks.imported import check_platform
from emr_burst.emr_eks.platform import IEmrEksPlatform


class Identity(enum.Enum):
    """How a job's pods get the job execution role's credentials."""

    #: IAM roles for service accounts: the role trusts the cluster's OIDC provider.
    IRSA = "irsa"
    #: EKS Pod Identity (EMR 7.3+): no trust-policy size limit across many clusters.
    POD_IDENTITY = "pod-identity"


IRSA = Identity.IRSA.value
POD_IDENTITY = Identity.POD_IDENTITY.value
IDENTITY_MODES = tuple(i.value for i in Identity)


def irsa_trust_document(
    *, provider_arn: str, issuer: str, namespace: str, account: str, role_name: str
) -> dict[str, Any]:
    """EMR's IRSA trust for a job role: only the role's EMR service accounts in ``namespace``."""
    return web_identity_trust_document(
        provider_arn=provider_arn,
        issuer=issuer,
        subject=naming.service_account_pattern(namespace, account, role_name),
        operator="StringLike",
    )


def web_identity_trust_document(
    *, provider_arn: str, issuer: str, subject: str, operator: str = "StringEquals"
) -> dict[str, Any]:
    """An IRSA trust: tokens of the cluster's OIDC provider for ``subject``, audience STS."""
    condition: dict[str, dict[str, str]] = {operator: {f"{issuer}:sub": subject}}
    condition.setdefault("StringEquals", {})[f"{issuer}:aud"] = "sts.amazonaws.com"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": condition,
            }
        ],
    }


@jsii.implements(iam.IGrantable)
class JobExecutionRole(Construct):
    """The IAM role EMR on EKS jobs of one namespace run as.

    With ``identity=Identity.IRSA`` (default) the trust is EMR's exact pattern: the cluster's OIDC
    provider, ``<issuer>:sub`` like
    ``system:serviceaccount:<namespace>:emr-containers-sa-*-*-<account>-<base36 of role name>`` and
    ``<issuer>:aud`` equal to ``sts.amazonaws.com``. The role name is therefore literal and
    checked at synth time. The trust document is written as a JSON string so that the issuer, a
    deploy-time value, can sit in a condition key without a Lambda-backed ``CfnJson``; statements
    added with :meth:`add_trust_statement` (or ``role.assume_role_policy.add_statements``) are
    merged into that document. With ``Identity.POD_IDENTITY`` (EMR 7.3+), the role trusts
    ``pods.eks.amazonaws.com`` and one EKS Pod Identity association per EMR service account binds
    it to the namespace.

    Several job roles may share one namespace (one per job template, for example a Lake Formation
    team per role). Permissions go into one customer-managed policy (``self.policy``), also those
    added by ``grant_*`` methods of other constructs: ``bucket.grant_read(role)`` works directly.

    Example::

        role = JobExecutionRole(self, "JobRole",
            platform=platform, namespace="analytics", role_name="emr-burst-analytics-job")
        bucket.grant_read(role)

    :param platform: the platform whose cluster runs the jobs (built here or imported).
    :param namespace: the namespace of the jobs.
    :param role_name: literal IAM role name, at most 64 characters, unique in the app.
    :param identity: ``Identity.IRSA`` or ``Identity.POD_IDENTITY`` (or their string values).
        Default: - ``Identity.IRSA``.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        platform: IEmrEksPlatform,
        namespace: str,
        role_name: str,
        identity: Identity | str = Identity.IRSA,
    ) -> None:
        check = Checker(scope, construct_id, "JobExecutionRole")
        check_platform(check, platform)
        check.rule("namespace", namespace, rules.namespace)
        if check.rule("role_name", role_name, rules.role_name):
            taken = claim_role_name(scope, role_name, f"{scope.node.path}/{construct_id}")
            if taken:
                check.add("role_name", role_name, taken)
        parsed = rules.choice(Identity, identity)
        if isinstance(parsed, str):
            check.add("identity", identity, parsed)
        check.raise_if_any()
        assert isinstance(parsed, Identity)
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        self.namespace = namespace
        self.role_name = role_name
        self.identity = parsed.value
        self.identity_mode = parsed
        self.platform = platform
        if parsed is Identity.IRSA:
            provider = platform.open_id_connect_provider
            principal: iam.IPrincipal = iam.WebIdentityPrincipal(
                provider.open_id_connect_provider_arn
            )
        else:
            principal = iam.SessionTagsPrincipal(iam.ServicePrincipal("pods.eks.amazonaws.com"))
        self.role = ManagedPolicyRole(
            self,
            "Resource",
            role_name=role_name,
            assumed_by=principal,
            description=f"EMR on EKS jobs in namespace {namespace}",
            max_session_duration=cdk.Duration.hours(12),
        )
        self.policy = self.role.policy
        self.associations: list[eks.CfnPodIdentityAssociation] = []
        if parsed is Identity.IRSA:
            base = irsa_trust_document(
                provider_arn=provider.open_id_connect_provider_arn,
                issuer=platform.open_id_connect_issuer_for(self),
                namespace=namespace,
                account=stack.account,
                role_name=role_name,
            )
            cfn_role = self.role.node.default_child
            assert isinstance(cfn_role, iam.CfnRole)
            # A JSON string (which AWS::IAM::Role accepts) lets the issuer token be a condition
            # key; CDK's alternative, CfnJson, deploys one more Lambda function. The string is
            # produced at synth time so that trust statements added later are merged in.
            cfn_role.add_property_override(
                "AssumeRolePolicyDocument",
                lazy_string(lambda: stack.to_json_string(self._literal_trust(base))),
            )
        else:
            self.associations = [
                eks.CfnPodIdentityAssociation(
                    self,
                    f"PodIdentity{component.capitalize()}",
                    cluster_name=platform.cluster_name,
                    namespace=namespace,
                    service_account=service_account,
                    role_arn=self.role.role_arn,
                )
                for component, service_account in naming.service_account_names(
                    stack.account, role_name
                ).items()
            ]

    def add_trust_statement(self, statement: iam.PolicyStatement) -> None:
        """Let another principal assume this role (e.g. Lake Formation's query engine role).

        The statement joins EMR's own trust statement in the literal trust document.
        """
        if not isinstance(statement, iam.PolicyStatement):
            check = Checker(None, None, "", where=f"JobExecutionRole '{self.node.path}'")
            check.add("add_trust_statement(statement)", statement, "pass an iam.PolicyStatement")
            check.raise_if_any()
        document = self.role.assume_role_policy
        assert document is not None
        document.add_statements(statement)

    def _literal_trust(self, base: dict[str, Any]) -> dict[str, Any]:
        """EMR's trust statement plus every statement added to the role's trust policy since.

        The first statement of ``assume_role_policy`` is the one CDK wrote for ``assumed_by``;
        the literal document replaces it with EMR's exact condition.
        """
        document = self.role.assume_role_policy
        assert document is not None
        added = document.to_json().get("Statement", [])[1:]
        return {**base, "Statement": [*base["Statement"], *added]}

    @property
    def role_arn(self) -> str:
        return self.role.role_arn

    @property
    def grant_principal(self) -> iam.IPrincipal:
        return self.role.grant_principal

    def add_to_policy(self, statement: iam.PolicyStatement) -> None:
        """Add a statement to the role's managed policy."""
        self.role.add_to_principal_policy(statement)
